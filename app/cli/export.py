"""`export …`: files for other systems and people (SPEC §6)."""
from flask.cli import AppGroup

from app.cli.export_xlsx import xlsx_command

group = AppGroup("export", help="Exports.")
group.add_command(xlsx_command)
