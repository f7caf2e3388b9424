"""`export xlsx [--entity NAME|all] -o FILE` (SPEC §6): the full export, one sheet per entity
(app.domain.full_export,
written by app.exports.workbook). A command of the `export` group (attached in app/cli/export.py)."""
from pathlib import Path

import click

from app.cli.output import emit, fail
from app.domain import full_export
from app.exports import workbook
from app.extensions import db


@click.command("xlsx")
@click.option("--entity", "entities", multiple=True, default=[full_export.ALL], show_default=True,
              type=click.Choice([full_export.ALL, *full_export.ENTITIES]), help="Sheet to export (repeatable); all by default.")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
def xlsx_command(entities, path):
    """Export the data to one Excel workbook, a sheet per entity, ids and names for VLOOKUP."""
    try:
        with path.open("wb") as out:
            workbook.write(db.session, out, full_export.chosen(entities))
    except OSError as error:
        fail(f"Не удалось записать файл {path}: {error.strerror}")
    emit({"file": str(path), "sheets": [entity.title for entity in full_export.chosen(entities)]})
