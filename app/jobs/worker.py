"""Arenda's rq worker (`rq worker -w app.jobs.worker.Worker`, what `make prod` and `make worker`
start): an rq worker that, when it starts and at each registry maintenance (every 10 minutes),
puts back on its queue the jobs abandoned by a worker that is gone.

A worker that loses Redis exits without saying so, leaving the job it ran in the queue's
StartedJobRegistry; rq fails (or retries) such a job only once its heartbeat expired AND a
maintenance comes by, up to ten minutes later, and fails the nightly job outright (no retry).
Our jobs are idempotent (the nightly job, the outbox), so the job runs again, promptly: the
supervisor restarts the worker a second after Redis is back, and this worker's start resumes it.
Exactly once: the registry entry is removed with one ZREM, and only the worker whose ZREM
removed it enqueues the job.
"""
import os

from rq import Worker as RqWorker
from rq.executions import Execution
from rq.job import JobStatus
from rq.utils import as_text, parse_composite_key


class Worker(RqWorker):
    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        for queue in self.queues:
            for job in resume_abandoned(queue, self.hostname):
                self.log.warning("Worker %s: job %s abandoned by a worker that is gone, enqueued again", self.name, job.id)


def resume_abandoned(queue, hostname):
    """Enqueue again the started jobs of `queue` whose worker is gone; returns those jobs."""
    registry, connection = queue.started_job_registry, queue.connection
    resumed = []
    for entry in connection.zrange(registry.key, 0, -1):
        composite = as_text(entry)
        job_id, execution_id = parse_composite_key(composite)
        try:
            execution = Execution.fetch(execution_id, job_id, connection)
        except ValueError:  # the execution's hash lives as long as its heartbeats: none came for its whole TTL
            execution = None
        if execution and not _gone(connection, execution.worker_name, hostname):
            continue
        if not connection.zrem(registry.key, composite):
            continue  # another worker took it first
        job = queue.fetch_job(job_id)
        if job is None or job.get_status() != JobStatus.STARTED:
            continue  # finished or failed after all: a leftover entry, nothing to run
        if execution:
            with connection.pipeline() as pipeline:
                execution.delete(job, pipeline)
                pipeline.execute()
        job.started_at = None
        queue.enqueue_job(job, at_front=True)
        resumed.append(job)
    return resumed


def _gone(connection, worker_name, hostname):
    """Its key expired, it registered its death, or it ran on this machine and its process is no
    more (a worker that lost Redis exits without registering its death; its key outlives it)."""
    if not worker_name:
        return True
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + worker_name, connection=connection)
    if worker is None or worker.death_date:
        return True
    if worker.hostname != hostname or not worker.pid:
        return False
    if worker.pid == os.getpid():
        return True  # the pid of a dead worker, reused by this one
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return False
