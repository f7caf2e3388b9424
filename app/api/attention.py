"""`/api/v1/attention/`: what needs attention (SPEC §1.7) for integrations — the same JSON as
`flask attention list` and `attention counts`, limited to the lists the caller may read."""
from flask import request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import gettext

from app import permissions as P
from app.api.base import READ, Unavailable503
from app.domain import attention, dates
from app.extensions import db
from app.timeutil import today


class _BadRequest(Exception):
    pass


class AttentionApi(Unavailable503, BaseApi):
    resource_name = "attention"
    class_permission_name = P.RESOURCE_DASHBOARD
    base_permissions = [P.CAN_READ]
    method_permission_name = {"get_list": READ, "counts": READ}
    openapi_spec_tag = "Attention"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get_list(self):
        """Rows needing attention with their reasons.
        ---
        get:
          summary: Rows needing attention, by kind, with the reasons (rule labels) of each row
          parameters:
          - {in: query, name: 'on', schema: {type: string, format: date}, description: "day to judge by (default today, UTC)"}
          - {in: query, name: kind, schema: {type: string, enum: [contracts, invoices, acts, money]}}
          responses:
            200: {description: '{"contracts": [{"id": 1, "number": "…", "reasons": ["…"]}], "invoices": [...], ...}'}
            400: {$ref: '#/components/responses/400'}
            403: {description: the caller may read none of the four lists (or the one asked for)}
        """
        return self._answer(
            lambda on, kinds: {
                kind: [dict(row, reasons=[gettext(r) for r in row["reasons"]]) for row in rows]
                for kind, rows in attention.listing(db.session, on, kinds).items()
            }
        )

    @expose("/counts", methods=["GET"])
    @protect()
    @safe
    def counts(self):
        """Rows per rule and the total.
        ---
        get:
          summary: Rows needing attention per rule of each kind, and the total (each row once)
          parameters:
          - {in: query, name: 'on', schema: {type: string, format: date}, description: "day to judge by (default today, UTC)"}
          responses:
            200: {description: '{"contracts": {"inactive": 1, ...}, "invoices": {...}, ..., "total": 9}'}
            400: {$ref: '#/components/responses/400'}
        """
        return self._answer(lambda on, kinds: attention.counts(db.session, on, kinds).as_json())

    def _answer(self, build):
        try:
            on, kinds = self._day(), self._kinds()
        except _BadRequest as error:
            return self.response_400(message=str(error))
        if not kinds:
            return self.response_403()
        return self.response(200, **build(on, kinds))

    @staticmethod
    def _day():
        value = request.args.get("on")
        if not value:
            return today()
        try:
            return dates.iso_date(value, "on")
        except dates.NotADate as error:
            raise _BadRequest(gettext(dates.NOT_A_DATE, **error.params)) from None

    def _kinds(self):
        asked = request.args.get("kind")
        if asked is not None and asked not in attention.KINDS:
            message = gettext("kind: неизвестный вид «%(kind)s»; допустимы: %(kinds)s", kind=asked, kinds=", ".join(attention.KINDS))
            raise _BadRequest(message)
        return [k for k in P.readable_kinds(self.appbuilder.sm, attention.KINDS) if asked in (None, k)]
