"""The CLI groups of SPEC §6 (`flask --app run.py GROUP COMMAND`), one module per group."""
from app.cli import demo, outbox, schedule


def register(app):
    for group in (demo.group, schedule.group, outbox.group):
        app.cli.add_command(group)
