"""Application factory: config, extensions, security, admin views, REST API, CLI."""
import os
from pathlib import Path

from flask import Flask
from flask_appbuilder import AppBuilder
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db, mail, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def _config_class():
    import config

    name = os.environ.get("ARENDA_CONFIG", "default").lower()
    return {"production": config.ProductionConfig, "test": config.TestConfig}.get(name, config.Config)


def create_app(config=None):
    """Build the app. `config` is a config class or a mapping of overrides."""
    import config as config_module

    app = Flask(__name__, instance_path=str(config_module.INSTANCE_DIR))
    if isinstance(config, dict):
        app.config.from_object(_config_class())
        app.config.update(config)
    else:
        app.config.from_object(config or _config_class())
    for required in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI"):
        if not app.config.get(required):
            raise RuntimeError(f"{required} is not set (see README: configuration)")
    Path(app.config["IMG_UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        _without_jit(app.config)
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    mail.init_app(app)

    from app import api, cli, logs, models, notify, pacing, views, web, web_security  # noqa: F401  (models register the tables)
    from app.hooks import audit, changes
    from app.jobs.outbox import request_delivery

    logs.init_app(app)
    pacing.init_app(app)
    web_security.init_app(app)
    web.init_app(app)

    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        views.register(appbuilder)
        api.register(appbuilder)
    cli.register(app)
    audit.install(db.session)  # before notify's hooks: their commit forgets the bulk writes the log counts
    changes.install(db.session)
    notify.init_app(app, request_delivery)
    return app


def _without_jit(config):
    """PostgreSQL sessions without JIT: the start page's and the reports' aggregates cost enough
    for the planner to compile them, and compiling took longer (~200 ms) than running them."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect = dict(options.get("connect_args") or {})
    connect["options"] = f"{connect.get('options', '')} -c jit=off".strip()
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect}


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys (ON DELETE CASCADE), WAL, and wait instead of failing on locks;
    lower() of any alphabet, so case-insensitive search (ILIKE) works for Cyrillic too."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # WAL: readers never wait for the writer, so the server's threads and the embedded jobs
        # share the file; synchronous=NORMAL is durable in WAL mode except for the last commits on power loss.
        if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _lower(value):
    return value.lower() if isinstance(value, str) else value
