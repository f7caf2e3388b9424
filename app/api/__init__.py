"""REST API (Flask-AppBuilder ModelRestApi) for integrations; see resources.py."""
from app.api.resources import register

__all__ = ["register"]
