"""Who receives a notification: the customer, a staff member, the tariff's people."""
from flask_appbuilder.security.sqla.models import Group, Role, User
from sqlalchemy import or_, select

from app.domain.validation import split_emails
from app.permissions import ROLE_OWNER, ROLE_TARIFF


def customer(counterparty):
    """"The customer" as a recipient: its document recipient list, or its email when the list is empty."""
    if counterparty is None:
        return []
    return split_emails(counterparty.recipient_emails) or split_emails(counterparty.email)


def staff(user):
    """A staff member in charge of something (a contract's or a building's manager), if active."""
    return [user.email] if user is not None and user.active and user.email else []


def tariff_people(session):
    """Every active Owner and Tariff & Payment user, by role or through a group."""
    roles = Role.name.in_([ROLE_OWNER, ROLE_TARIFF])
    return sorted(set(session.scalars(
        select(User.email).where(User.active.is_(True), or_(User.roles.any(roles), User.groups.any(Group.roles.any(roles))))
    )))
