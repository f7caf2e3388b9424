"""Background jobs: importable functions taking ISO dates and ids, run by RQ workers, by the
CLI, or in-process in the embedded mode. `with_app_context` gives a job its app."""
import functools

from flask import has_app_context

from app.hooks.actor import through
from app.vocabulary.enums import AuditDoor

QUEUE = "default"


def with_app_context(job):
    """Run the job inside the current app context, or in a fresh app's (an RQ worker has
    none); the session is removed at the end either way. What it changes is logged as the
    job's (app.hooks.actor.through), whoever started it."""

    @functools.wraps(job)
    def run(*args, **kwargs):
        from app.extensions import db

        if has_app_context():
            try:
                with through(AuditDoor.JOB):
                    return job(*args, **kwargs)
            finally:
                db.session.remove()
        from app import create_app

        app = create_app()
        with app.app_context():
            try:
                with through(AuditDoor.JOB):
                    return job(*args, **kwargs)
            finally:
                db.session.remove()
                db.engine.dispose()

    return run
