"""`money import FILE [--format auto|client-bank|v8-xml]`: a bank statement or 1C XML into Деньги."""
from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli.output import emit, fail
from app.errors import ImportFailed
from app.domain.enums import AuditDoor
from app.extensions import db
from app.hooks.actor import through
from app.imports import loader
from app.timeutil import today

group = AppGroup("money", help="Money operations.")


@group.command("import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["auto", *loader.FORMATS]), default="auto", show_default=True)
def import_command(path, fmt):
    """Import money operations (all or nothing), skip duplicates, allocate what matches an invoice."""
    try:
        data = path.read_bytes()
    except OSError as error:
        fail(f"Не удалось прочитать файл {path}: {error.strerror}")
    with through(AuditDoor.IMPORT):  # the commit included: the audit log's batch entry is the import's
        try:
            batch = loader.import_file(db.session, data, fmt, today=today(), filename=path.name)
        except ImportFailed as error:
            db.session.rollback()
            loader.record_failure(db.session, error, fmt, filename=path.name, data=data)
            db.session.commit()
            fail(f"{path.name}: {error}")
        db.session.commit()
    emit(loader.summary(batch))
