"""The security manager: roles seeded idempotently once the tables exist; login throttling;
JWT errors answered 401.

All roles are built-in (`app.permissions.FAB_ROLES`); the database holds only their names,
which user rows link to. Tables come from migrations (FAB_CREATE_DB is off), so seeding
waits until `ab_role` exists and is repeated harmlessly on every start.

Both doors of sign-in (the login form and `POST /api/v1/security/login`) go through
`auth_user_db`, so throttling (app.domain.login_throttle) sits there: a refused attempt leaves
its Russian message and wait in the request's environ (REFUSED) for the door to show.
"""
from flask import has_request_context, jsonify, request
from flask_appbuilder.api import safe
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.views import expose
from sqlalchemy import inspect

from app import timeutil
from app.domain import login_throttle
from app.api.base import Unavailable503
from app.permissions import ROLES
from app.views.staff import StaffGroupView, StaffRoleView, StaffStatsChartView, StaffView

INVALID_LOGIN = "Неверный логин или пароль"
REFUSED = "arenda.login_refused"  # request.environ: (message, seconds to wait) of a throttled attempt
TOKEN_INVALID = "Токен доступа недействителен: войдите заново (POST /api/v1/security/login)"
TOKEN_EXPIRED = "Срок действия токена истёк: войдите заново или обновите его (POST /api/v1/security/refresh)"


class ArendaAuthDBView(AuthDBView):
    @property
    def invalid_login_message(self):
        refused = request.environ.get(REFUSED) if has_request_context() else None
        return refused[0] if refused else INVALID_LOGIN


class ArendaSecurityApi(Unavailable503, SecurityApi):
    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        response = super().login()
        refused = request.environ.get(REFUSED)
        if refused:
            response = self.response(429, message=refused[0])
            response.headers["Retry-After"] = str(refused[1])
        return response

    login.__doc__ = SecurityApi.login.__doc__.replace(
        "            500:", "            429:\n              description: Too many failed attempts; try after Retry-After seconds\n"
        "            500:", 1)


class ArendaSecurityManager(SecurityManager):
    userdbmodelview = StaffView
    rolemodelview = StaffRoleView
    groupmodelview = StaffGroupView
    userstatschartview = StaffStatsChartView
    authdbview = ArendaAuthDBView
    security_api = ArendaSecurityApi

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

    def auth_user_db(self, username, password):
        now, address = timeutil.utcnow(), request.remote_addr if has_request_context() else None
        until = login_throttle.blocked_until(self.session, username, address, now)
        if until is not None:
            request.environ[REFUSED] = (login_throttle.refusal(until, now), max(1, int((until - now).total_seconds())))
            return None
        user = super().auth_user_db(username, password)
        if user is None:
            login_throttle.record_failure(self.session, username, address, now)
        else:
            login_throttle.forget(self.session, username)
        self.session.commit()
        return user

    def create_jwt_manager(self, app):
        manager = super().create_jwt_manager(app)
        manager.invalid_token_loader(lambda reason: (jsonify(message=TOKEN_INVALID), 401))
        manager.expired_token_loader(lambda header, data: (jsonify(message=TOKEN_EXPIRED), 401))
        return manager
