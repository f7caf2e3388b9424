"""The address the outside world reaches us at, for every URL we hand out (the feeds, photos on
the site and in the feeds, the amoCRM webhook): the site address set in «Настройки сайта», else
PUBLIC_URL, else the request's own host (outside a request, e.g. the CLI: localhost)."""
from flask import current_app, has_request_context, request

from app.domain import feeds

OUTSIDE_A_REQUEST = "http://localhost:5000"


def base_url(session):
    return configured_base_url(session) or (request.host_url if has_request_context() else OUTSIDE_A_REQUEST).rstrip("/")


def configured_base_url(session):
    """The address where it is set (the site's address, else PUBLIC_URL); None where each request's
    host is the address."""
    return feeds.base_url(session, current_app.config.get("PUBLIC_URL")) or None
