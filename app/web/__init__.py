"""Blueprints outside the admin, no login: the listing feeds and the public site (public.py),
the amoCRM webhook (amocrm.py), the permanent contract links (links.py), the health check
for monitors (health.py)."""
from app.web import amocrm, health, links, public


def init_app(app):
    public.init_app(app)
    amocrm.register(app)
    links.register(app)
    health.register(app)
