"""Security headers on every response, the per-request CSP nonce, and the CSRF token for FAB's
own forms.

The policy is as strict as the admin allows: scripts only from our origin or inline with this
request's nonce (FAB's templates print `csp_nonce()` on each of their inline scripts, ours do
too); styles need 'unsafe-inline' because FAB's and our templates carry style="" attributes,
which no nonce can cover; images and fonts may be data: URIs (bootstrap, select2). No page may
be framed (frame-ancestors 'none' and X-Frame-Options: DENY).
"""
import secrets

from flask import g
from flask_wtf.csrf import generate_csrf

POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def csp_nonce():
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _secure(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", POLICY.format(nonce=csp_nonce()))
    g.pop("csp_nonce", None)  # the next request (same app context in tests) gets its own
    return response


def init_app(app):
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    # FAB's own POST forms (a list's bulk actions, delete) carry the session's CSRF token when
    # the templates know `csrf_token`; our bulk actions check it (app.views.pages.check_csrf).
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.after_request(_secure)
