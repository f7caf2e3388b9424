"""`report NAME [--on DATE] -o FILE`: a report of «Отчёты» (app.domain.reports) as the same .xlsx
the admin page downloads (app.exports.reports), for a day (default today)."""
from pathlib import Path

import click

from app.cli.output import emit, fail, iso_date
from app.domain import reports
from app.exports import reports as workbooks
from app.exports import xlsx
from app.extensions import db
from app.timeutil import today


@click.command("report")
@click.argument("name", type=click.Choice(list(reports.REPORTS)))
@click.option("--on", "on", callback=iso_date, metavar="YYYY-MM-DD", help="The day of the report (default: today, UTC).")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsx file to write.")
def report_command(name, on, path):
    """Write one report (debtors, vacancy, rent-roll, revenue) to an Excel workbook."""
    day = on or today()
    sheets = workbooks.SHEETS[name](reports.REPORTS[name](db.session, day))
    try:
        with path.open("wb") as out:
            xlsx.write(out, sheets)
    except OSError as error:
        fail(f"Не удалось записать файл {path}: {error.strerror}")
    emit({"file": str(path), "report": name, "on": day, "sheets": [sheet.name for sheet in sheets]})
