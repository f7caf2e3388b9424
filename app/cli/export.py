"""`export 1c --executor INN --from D --to D -o FILE`: EnterpriseData XML for 1C (SPEC §2.2, §6);
`export xlsx` (app/cli/export_xlsx.py): Excel.

The `export` group holds the exports of SPEC §6; a new one is one more
`@group.command` here or a module adding itself to `group`."""
import shutil
from pathlib import Path

import click
from flask.cli import AppGroup

from app.cli.export_xlsx import xlsx_command
from app.cli.output import emit, fail, iso_date
from app.errors import DomainError
from app.exports import enterprise_data
from app.extensions import db
from app.jobs import export_1c as exporting

group = AppGroup("export", help="Exports: 1C (EnterpriseData), Excel.")


@group.command("1c")
@click.option("--executor", "inn", metavar="INN", help="The executor's INN (required: one executor per 1C base).")
@click.option("--from", "start", metavar="YYYY-MM-DD", callback=iso_date, help="First day of the period (required).")
@click.option("--to", "end", metavar="YYYY-MM-DD", callback=iso_date, help="Last day of the period (required).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The XML file to write.")
def export_1c(inn, start, end, output):
    """One executor's invoices, acts and VAT invoices of the period, for «Загрузка данных EnterpriseData» in 1C."""
    try:
        executor = enterprise_data.executor_by_inn(db.session, inn)
        run = exporting.make(db.session, executor, start, end, exporting.exports_dir())
    except DomainError as error:
        db.session.rollback()
        fail(str(error))
    try:
        shutil.copyfile(exporting.path_of(run, exporting.exports_dir()), output)
    except OSError as error:
        db.session.rollback()
        fail(f"Не удалось записать файл {output}: {error.strerror}")
    db.session.commit()
    emit({**exporting.counts(run), "file": str(output), "size": run.size})


group.add_command(xlsx_command)
