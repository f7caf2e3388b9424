"""The CLI groups of SPEC §6 (`flask --app run.py GROUP COMMAND`), one module per group."""
from app.cli import attention, demo, export, money, outbox, schedule


def register(app):
    for group in (demo.group, attention.group, schedule.group, money.group, outbox.group, export.group):
        app.cli.add_command(group)
