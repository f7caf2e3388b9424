"""`integrations urls`: the secret URLs to paste into CIAN (and Avito, Yandex) as one JSON object."""
from flask import current_app
from flask.cli import AppGroup

from app.cli.output import emit
from app.domain import feeds
from app.extensions import db

group = AppGroup("integrations", help="Integrations: the secret URLs of the feeds and hooks.")


@group.command("urls")
def urls_command():
    """The secret URLs: {"cian_feed": URL, "avito_feed": URL, "yandex_feed": URL, "amocrm_webhook": null}."""
    result = feeds.secret_urls(db.session, feeds.base_url(db.session, current_app.config["PUBLIC_URL"]))
    db.session.commit()  # a token made on first use is kept
    emit(result)
