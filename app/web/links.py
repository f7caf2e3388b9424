"""`/c/<key>`: the permanent link of a contract (Bitrix24, any browser). The key is random (it
tells nothing of the database id) and never changes; the link opens the contract's card after
login and comes back to it; an unknown key is 404."""
from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import permissions as P
from app.extensions import db
from app.models import Contract

blueprint = Blueprint("contract_link", __name__)
PATH = "/c/"


@blueprint.route(PATH + "<key>")
def contract_link(key):
    appbuilder = current_app.appbuilder
    if not current_user.is_authenticated:
        return redirect(appbuilder.get_url_for_login_with(request.path))
    contract_id = db.session.scalar(select(Contract.id).where(Contract.link_key == key))
    if contract_id is None:
        abort(404)
    if not appbuilder.sm.has_access(P.CAN_READ, P.RESOURCE_CONTRACT):
        abort(403)
    return redirect(url_for("ContractView.show", pk=contract_id))


def link_url(contract):
    """The contract's permanent link, absolute (for the card's copy button)."""
    return url_for("contract_link.contract_link", key=contract.link_key, _external=True)


def register(app):
    app.register_blueprint(blueprint)
