"""Entry point: `python run.py` serves; `flask --app run.py <command>` runs the CLI.

Without REDIS_URL (the embedded mode) the served process also runs the nightly job itself,
at start-up and at every 00:00 UTC, and sends the outbox; with Redis, `make worker` runs them
(rq worker + rq cron).
"""
from app import create_app

app = create_app()

if __name__ == "__main__":
    if not app.config.get("REDIS_URL"):
        from app.jobs import embedded

        embedded.start(app)
        embedded.start_sender(app)
    app.run(host="127.0.0.1", port=5000)
