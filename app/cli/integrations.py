"""`integrations urls`: the secret URLs to paste into CIAN (and Avito, Yandex) and amoCRM, as one JSON object."""
from flask.cli import AppGroup

from app import addresses
from app.cli.output import emit
from app.domain import amocrm, feeds
from app.extensions import db

group = AppGroup("integrations", help="Integrations: the secret URLs of the feeds and hooks.")


@group.command("urls")
def urls_command():
    """The secret URLs: {"cian_feed": URL, "avito_feed": URL, "yandex_feed": URL, "amocrm_webhook": URL}."""
    base = addresses.base_url(db.session)
    result = feeds.secret_urls(db.session, base)
    result["amocrm_webhook"] = amocrm.webhook_url(base, amocrm.webhook_token(db.session))
    db.session.commit()  # a token made on first use is kept
    emit(result)
