"""The security manager: roles seeded idempotently once the tables exist.

All roles are built-in (`app.permissions.FAB_ROLES`); the database holds only their names,
which user rows link to. Tables come from migrations (FAB_CREATE_DB is off), so seeding
waits until `ab_role` exists and is repeated harmlessly on every start.
"""
from flask_appbuilder.security.sqla.manager import SecurityManager
from sqlalchemy import inspect

from app.permissions import ROLES
from app.views.staff import StaffRoleView, StaffView


class ArendaSecurityManager(SecurityManager):
    userdbmodelview = StaffView
    rolemodelview = StaffRoleView

    def create_db(self):
        self.seed_roles()

    def seed_roles(self):
        """Create the roles of SPEC §1.1 (and the public role) where missing."""
        engine = self.session.get_bind(mapper=None, clause=None)
        if "ab_role" not in inspect(engine).get_table_names():
            return False
        for name in ROLES + [self.auth_role_public]:
            if self.find_role(name) is None:
                self.add_role(name)
        return True
