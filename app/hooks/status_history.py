"""Contract status history from either door: a contract saved with a new or changed status gets a
history row naming the acting user (app.hooks.actor) and the door (`door`: "ui" or "api")."""
from app.domain.contracts import record_status_change
from app.hooks.actor import current_user_id


class RecordsStatusChange:
    """Mix in before ReschedulesContract (the row is added before the rebuild flushes); the door's
    base class names the door (`door`)."""

    def reschedule(self, item):
        record_status_change(self.datamodel.session, item, current_user_id(), self.door)
        super().reschedule(item)
