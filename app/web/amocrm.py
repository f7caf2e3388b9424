"""`POST /hooks/amocrm/<token>`: amoCRM's webhook (SPEC §4, FORMATS.md §E.1). The token is the
secret of the URL the Owner pastes into amoCRM (Настройки → amoCRM); an unknown one is 404.
Whatever the body holds the answer is 200 with a summary — amoCRM retries errors and would
storm — and what was ignored or refused is logged. One transaction per call."""
import logging

from flask import Blueprint, abort, jsonify, request

from app.domain import amocrm
from app.extensions import db
from app.timeutil import today

log = logging.getLogger(__name__)
blueprint = Blueprint("amocrm_hook", __name__)


@blueprint.route(amocrm.WEBHOOK_PATH + "<token>", methods=["POST"])
def webhook(token):
    if not amocrm.token_matches(db.session, token):
        abort(404)
    try:
        report = amocrm.apply_webhook(db.session, request.form, today())
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("amoCRM webhook failed; nothing applied")
        return jsonify({"changed": [], "ignored": [], "refused": [], "error": "не применено, см. журнал"}), 200
    for entry in report["ignored"]:
        log.info("amoCRM webhook: ignored %s", entry)
    for entry in report["refused"]:
        log.warning("amoCRM webhook: refused %s", entry)
    return jsonify(report)


def register(app):
    app.register_blueprint(blueprint)
