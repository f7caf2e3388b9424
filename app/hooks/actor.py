"""The acting user: who is signed in to the admin or authenticated to the REST API (FAB puts
either on flask.g), for history and audit columns; None in a job, the CLI or outside a request."""
from flask import g, has_app_context


def current_user_id():
    """The acting staff member's id, None when nobody is signed in (a job, the CLI, a test)."""
    if not has_app_context():
        return None
    user = getattr(g, "user", None)
    return getattr(user, "id", None) if getattr(user, "is_authenticated", True) else None
