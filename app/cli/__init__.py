"""The CLI groups of SPEC §6 (`flask --app run.py GROUP COMMAND`), one module per group."""
from app.cli import attention, demo, export, feed, integrations, money, outbox, penalties, report, schedule


def register(app):
    for group in (demo.group, attention.group, schedule.group, money.group, outbox.group, export.group, feed.group,
                  integrations.group, penalties.group):
        app.cli.add_command(group)
    app.cli.add_command(penalties.reconcile_command)
    app.cli.add_command(report.report_command)
