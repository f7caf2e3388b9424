"""The CLI groups of SPEC §6 (`flask --app run.py GROUP COMMAND`), one module per group."""
from app.cli import attention, demo, money, schedule


def register(app):
    for group in (demo.group, attention.group, schedule.group, money.group):
        app.cli.add_command(group)
