"""`outbox send`: deliver what the outbox holds now."""
from flask.cli import AppGroup

from app.cli.output import emit
from app.extensions import db
from app.notify import sender

group = AppGroup("outbox", help="Notifications: the outbox.")


@group.command("send")
def send_command():
    """Send every message due now (new ones, and failed ones whose retry time has come): {"sent": n, "failed": n}."""
    emit(sender.deliver(db.session))
