"""The CLI groups of SPEC §6 (`flask --app run.py GROUP COMMAND`), one module per group."""
from app.cli import demo, money


def register(app):
    for group in (demo.group, money.group):
        app.cli.add_command(group)
