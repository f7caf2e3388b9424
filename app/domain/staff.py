"""Staff accounts: who may be removed, switched off or lose a role without locking everyone out.

The Owner role is the only one that manages staff; an installation without an active Owner
has nobody left to fix it. So the last active Owner (by role or through a group) can be
neither deleted, nor deactivated, nor stripped of the role, and nobody deletes themselves.
"""
from sqlalchemy import func, inspect, or_, select

from app.errors import DomainError
from app.models import Group, Role, User
from app.permissions import ROLE_OWNER

LAST_OWNER = "«{user}» — последний действующий владелец: {what} нельзя. Сначала назначьте владельцем другого сотрудника"
SELF_DELETE = "Нельзя удалить собственную учётную запись «{user}»"


def _is_owner(user, roles=None):
    roles = list(user.roles or []) if roles is None else list(roles)
    roles += [role for group in (user.groups or []) for role in group.roles]
    return any(role.name == ROLE_OWNER for role in roles)


def _was_active_owner(user):
    """Whether `user` was an active Owner before the changes pending on it (loaded values)."""
    state = inspect(user)
    if state.transient or state.pending:
        return False
    active, roles = state.attrs.active.history, state.attrs.roles.history
    was_active = active.deleted[0] if active.deleted else user.active
    old_roles = list(roles.unchanged or ()) + list(roles.deleted or ()) if roles.has_changes() else user.roles
    return bool(was_active) and _is_owner(user, old_roles)


def _other_active_owners(session, user_id):
    owner = Role.name == ROLE_OWNER
    query = select(func.count(User.id)).where(
        User.active.is_(True), User.id != user_id, or_(User.roles.any(owner), User.groups.any(Group.roles.any(owner)))
    )
    with session.no_autoflush:
        return session.scalar(query)


def check_delete(session, user, acting_user_id):
    """Refuse deleting oneself or the last active Owner (DomainError, nothing changed)."""
    if acting_user_id is not None and user.id == acting_user_id:
        raise DomainError(SELF_DELETE.format(user=user.username))
    if user.active and _is_owner(user) and not _other_active_owners(session, user.id):
        raise DomainError(LAST_OWNER.format(user=user.username, what="удалить его"))


def check_update(session, user):
    """Refuse a change (pending on `user`) after which no active Owner would remain."""
    if not _was_active_owner(user) or (user.active and _is_owner(user)):
        return
    if not _other_active_owners(session, user.id):
        what = "отключить его" if not user.active else "снять с него роль владельца"
        raise DomainError(LAST_OWNER.format(user=user.username, what=what))
