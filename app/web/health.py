"""`GET /health`: for monitors and load balancers (the route name is a contract, see
docs/deployment.md). No login; 200 when the database answers and, with REDIS_URL, Redis too,
else 503 naming what failed. The body is JSON: {"status", "database", "redis"} with "ok",
"off" (no Redis configured: the embedded mode) or the error."""
from flask import Blueprint, current_app, jsonify
from redis import Redis
from sqlalchemy import text

from app.extensions import db

blueprint = Blueprint("health", __name__)
TIMEOUT_SECONDS = 2


def _database():
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as error:  # any failure is the answer, never a 500
        db.session.rollback()
        return f"error: {type(error).__name__}"


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "off"
    try:
        connection = Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)
        try:
            connection.ping()
        finally:
            connection.close()
        return "ok"
    except Exception as error:
        return f"error: {type(error).__name__}"


@blueprint.route("/health")
def health():
    checks = {"database": _database(), "redis": _redis()}
    healthy = all(value in ("ok", "off") for value in checks.values())
    response = jsonify({"status": "ok" if healthy else "error", **checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app):
    app.register_blueprint(blueprint)
