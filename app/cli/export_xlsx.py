"""`export xlsx [--entity NAME|all] -o FILE` (SPEC §6): the full export, one sheet per entity
(app.exports.workbook). A command of the `export` group (attached in app/cli/export.py)."""
from pathlib import Path

import click

from app.cli.output import emit, fail
from app.exports import workbook
from app.extensions import db


@click.command("xlsx")
@click.option("--entity", "entities", multiple=True, default=[workbook.ALL], show_default=True,
              type=click.Choice([workbook.ALL, *workbook.ENTITIES]), help="Sheet to export (repeatable); all by default.")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
def xlsx_command(entities, path):
    """Export the data to one Excel workbook, a sheet per entity, ids and names for VLOOKUP."""
    try:
        with path.open("wb") as out:
            workbook.write(db.session, out, entities)
    except OSError as error:
        fail(f"Не удалось записать файл {path}: {error.strerror}")
    wanted = list(workbook.ENTITIES) if workbook.ALL in entities else list(entities)
    emit({"file": str(path), "sheets": [workbook.ENTITIES[name].title for name in wanted]})
