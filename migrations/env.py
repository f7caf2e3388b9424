"""Alembic environment: runs against the app's engine and the one metadata that holds
Flask-AppBuilder's ab_* tables and ours (app.models)."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

import app.models  # noqa: F401  (registers every table)
from app.models import Model

config = context.config
fileConfig(config.config_file_name, disable_existing_loggers=False)  # an upgrade inside the app keeps its loggers
logger = logging.getLogger("alembic.env")

target_metadata = Model.metadata


def render_item(type_, obj, autogen_context):
    """Render Flask-AppBuilder's file/image column types as the Text they store."""
    if type_ == "type" and isinstance(obj, TypeDecorator) and type(obj).__module__.startswith("flask_appbuilder"):
        return "sa.Text()"
    return False


def run_migrations_offline():
    context.configure(url=str(current_app.extensions["migrate"].db.engine.url), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("process_revision_directives", skip_empty)
    options.setdefault("render_item", render_item)
    with current_app.extensions["migrate"].db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
