"""The one web server of both modes: `make run` (embedded: SQLite, no Redis) and `make prod`
serve `run:app` with gunicorn and this file; only the environment differs.

HOST, PORT        where to listen (127.0.0.1:5000)
WEB_WORKERS       processes (1 per CPU in the embedded mode, else 2 per CPU)
WEB_THREADS       threads per process (8)
WEB_TIMEOUT       seconds a request may take before its worker is replaced (120)
GRACEFUL_TIMEOUT  seconds a stopping worker gets to finish its requests after SIGTERM (30)
LOG_FORMAT        "json" (JSON lines, the default with ARENDA_CONFIG=production) or "text"

Each worker builds the listing feeds the portals poll as it starts (`public.warm_feeds`), so the
first poll after a start is not kept waiting. Without REDIS_URL each worker also calls
`embedded.start_once`: the nightly job and the outbox sender run in exactly one process
(app/jobs/embedded.py)."""
import multiprocessing
import os

from app.logs import gunicorn_logconfig

_embedded = not os.environ.get("REDIS_URL")

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
worker_class = "gthread"
# Embedded, one process per CPU: one Python process serves ~7 pages/s on a 2-core host (its GIL);
# SQLite in WAL mode reads from both, and embedded.start_once runs the jobs in one of them.
workers = int(os.environ.get("WEB_WORKERS") or (1 if _embedded else 2) * multiprocessing.cpu_count())
threads = int(os.environ.get("WEB_THREADS", "8"))
timeout = int(os.environ.get("WEB_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
keepalive = 5
control_socket_disable = True  # several servers may share a host; signals do the control (docs/deployment.md)
accesslog = None  # the app logs every request itself, with its request id and user (app/logs.py)
logconfig_dict = gunicorn_logconfig()


def post_worker_init(worker):
    from app.web import public

    public.warm_feeds(worker.wsgi)
    if _embedded:
        from app.jobs import embedded

        embedded.start_once(worker.wsgi)
