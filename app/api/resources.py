"""The REST resources of SPEC §6 (`/api/v1/<resource_name>/`), fields as named there."""
from decimal import Decimal, InvalidOperation

from flask import current_app
from flask_appbuilder.models.sqla.interface import SQLAInterface
from marshmallow import ValidationError, fields

from app import permissions as P
from app.api.attention import AttentionApi
from app.api.base import ArendaApi, answer_http_errors_in_json
from app.domain.documents import take_parties_from_contract
from app.domain.enums import AmocrmStatus
from app.errors import ValidationFailed
from app.hooks.history import KeepsHistory
from app.hooks.paid_sums import KeepsPaidSums
from app.hooks.rescheduling import ReschedulesContract, SavesDocument
from app.hooks.status_history import RecordsStatusChange
from app.models import (
    Act,
    AmocrmStage,
    Agreement,
    Allocation,
    BankAccount,
    Building,
    Contract,
    ContractRoom,
    Counterparty,
    Floor,
    Inquiry,
    Invoice,
    Payment,
    Room,
    Section,
)


class CounterpartyApi(KeepsHistory, ArendaApi):
    resource_name = "counterparty"
    datamodel = SQLAInterface(Counterparty)
    class_permission_name = P.RESOURCE_COUNTERPARTY
    entity = "counterparty"
    _fields = [
        "name", "full_name", "kind", "inn", "kpp", "ogrn", "address", "phone", "is_executor", "is_customer", "email",
        "doc_prefix", "reply_to_email", "default_vat_rate", "vat_invoices_enabled", "recipient_emails",
    ]
    list_columns = show_columns = ["id"] + _fields
    add_columns = edit_columns = _fields
    search_columns = ["name", "inn", "kpp", "is_executor", "is_customer", "email"]


class BankAccountApi(KeepsHistory, ArendaApi):
    resource_name = "bank_account"
    datamodel = SQLAInterface(BankAccount)
    class_permission_name = P.RESOURCE_BANK_ACCOUNT
    entity = "bank_account"
    _fields = ["counterparty", "account", "bik", "bank_name", "corr_account"]
    list_columns = show_columns = ["id", "counterparty.id", "account", "bik", "bank_name", "corr_account"]
    add_columns = edit_columns = _fields
    search_columns = ["counterparty", "account", "bik"]


class BuildingApi(ArendaApi):
    resource_name = "building"
    datamodel = SQLAInterface(Building)
    class_permission_name = P.RESOURCE_BUILDING
    _fields = ["name", "address", "description", "manager", "floors_count"]
    list_columns = show_columns = ["id", "name", "address", "description", "manager.id", "floors_count"]
    add_columns = edit_columns = _fields
    search_columns = ["name", "address", "manager"]


class SectionApi(ArendaApi):
    resource_name = "section"
    datamodel = SQLAInterface(Section)
    class_permission_name = P.RESOURCE_SECTION
    _fields = ["building", "name", "description", "manager"]
    list_columns = show_columns = ["id", "building.id", "name", "description", "manager.id"]
    add_columns = edit_columns = _fields
    search_columns = ["building", "name"]


class FloorApi(ArendaApi):
    resource_name = "floor"
    datamodel = SQLAInterface(Floor)
    class_permission_name = P.RESOURCE_FLOOR
    _fields = ["building", "section", "number", "in_feed", "feed_mode"]
    list_columns = show_columns = ["id", "building.id", "section.id", "number", "in_feed", "feed_mode"]
    add_columns = edit_columns = _fields
    search_columns = ["building", "section", "number", "in_feed"]


class RoomApi(ArendaApi):
    resource_name = "room"
    datamodel = SQLAInterface(Room)
    class_permission_name = P.RESOURCE_ROOM
    entity = "room"
    _fields = ["floor", "number", "kind", "area", "rent_rate", "description"]
    list_columns = show_columns = ["id", "floor.id", "number", "kind", "area", "rent_rate", "description"]
    add_columns = edit_columns = _fields
    search_columns = ["floor", "number", "kind"]


class AmocrmStageApi(ArendaApi):
    """The amoCRM stage mapping of SPEC §4 (Owner only, as its settings page)."""

    resource_name = "amocrm_stage"
    datamodel = SQLAInterface(AmocrmStage)
    class_permission_name = P.RESOURCE_AMOCRM
    list_columns = show_columns = ["id", "pipeline_id", "status_id", "contract_status", "comment"]
    add_columns = edit_columns = ["pipeline_id", "status_id", "contract_status", "comment"]
    search_columns = ["pipeline_id", "status_id", "contract_status"]

    def check(self, item):
        if item.contract_status not in AmocrmStatus.values():
            raise ValidationFailed({"contract_status": ["Этап сопоставляют одному из статусов: " + ", ".join(AmocrmStatus.values())]})
        item.pipeline_id = item.pipeline_id or 0


class ContractRoomsField(fields.Field):
    """A contract's rooms as `[{"room": id, "area": "50.00", "rate": "12000.00"}]`.
    Area and rate default to the room's own when omitted."""

    def _serialize(self, value, attr, obj, **kwargs):
        return [{"room": r.room_id, "area": str(r.area), "rate": str(r.rate)} for r in value or []]

    def _deserialize(self, value, attr, data, **kwargs):
        from app.extensions import db

        if not isinstance(value, list):
            raise ValidationError("Ожидается список помещений: [{\"room\": id, \"area\": .., \"rate\": ..}]")
        # Rows of the contract being edited are updated in place (its (contract, room) pairs are unique).
        instance = getattr(self.parent, "instance", None)
        existing = {row.room_id: row for row in instance.rooms} if instance is not None else {}
        rows = []
        for position, entry in enumerate(value, 1):
            if not isinstance(entry, dict) or "room" not in entry:
                raise ValidationError(f"Помещение {position}: укажите room (id помещения)")
            room = db.session.get(Room, entry["room"])
            if room is None:
                raise ValidationError(f"Помещение {position}: нет помещения с id {entry['room']}")
            try:
                area = Decimal(str(entry.get("area", room.area)))
                rate = Decimal(str(entry.get("rate", room.rent_rate)))
            except InvalidOperation:
                raise ValidationError(f"Помещение {position}: площадь и ставка — числа") from None
            row = existing.get(room.id) or ContractRoom(room=room, room_id=room.id)
            row.area, row.rate = area, rate
            rows.append(row)
        return rows


class ContractApi(KeepsHistory, RecordsStatusChange, ReschedulesContract, ArendaApi):
    resource_name = "contract"
    datamodel = SQLAInterface(Contract)
    class_permission_name = P.RESOURCE_CONTRACT
    entity = "contract"
    _fields = [
        "number", "date", "executor", "customer", "manager", "status", "start_date", "end_date", "has_original",
        "notify_days_before_end", "autosend_documents", "monthly_rent", "vat_mode", "vat_rate", "billing_period",
        "invoiced_period", "invoice_day", "payment_term_days", "payment_day", "deposit_amount", "amocrm_lead_id", "comment",
        "penalty_mode", "penalty_rate", "penalty_grace_days", "penalty_cap_percent", "penalty_monthly",
        "indexation_mode", "indexation_percent", "indexation_month",
        "rooms",
    ]
    list_columns = show_columns = ["id"] + [f for f in _fields if f not in ("executor", "customer", "manager")] + [
        "executor.id", "customer.id", "manager.id", "link_key",
    ]
    add_columns = edit_columns = _fields
    search_columns = ["number", "status", "executor", "customer", "manager", "start_date", "end_date", "amocrm_lead_id"]

    def _init_model_schemas(self):
        super()._init_model_schemas()
        for name in ("list_model_schema", "show_model_schema", "add_model_schema", "edit_model_schema"):
            schema = getattr(self, name)
            with_rooms = type(type(schema).__name__, (type(schema),), {"rooms": ContractRoomsField()})
            setattr(self, name, with_rooms())

    def contract_of(self, item):
        return item


class AgreementApi(ReschedulesContract, ArendaApi):
    resource_name = "agreement"
    datamodel = SQLAInterface(Agreement)
    class_permission_name = P.RESOURCE_AGREEMENT
    entity = "agreement"
    _fields = ["contract", "number", "date", "start_date", "notify_days_before", "new_monthly_rent", "new_end_date", "terminates",
               "signed", "comment"]
    list_columns = show_columns = ["id", "contract.id"] + _fields[1:] + ["indexation"]
    add_columns = edit_columns = _fields
    search_columns = ["contract", "number", "start_date"]


class _DocumentApi(KeepsHistory, SavesDocument, ArendaApi):
    _fields = ["contract", "kind", "number", "date", "period_start", "period_end", "planned_date", "amount", "vat_amount", "status", "comment"]
    search_columns = ["contract", "number", "status", "period_start", "planned_date"]

    def check(self, item):
        take_parties_from_contract(item)
        super().check(item)


class InvoiceApi(_DocumentApi):
    resource_name = "invoice"
    datamodel = SQLAInterface(Invoice)
    class_permission_name = P.RESOURCE_INVOICE
    entity = "invoice"
    add_columns = edit_columns = _DocumentApi._fields + ["due_date"]
    list_columns = show_columns = ["id", "contract.id", "executor.id", "customer.id"] + _DocumentApi._fields[1:] + [
        "due_date", "paid_amount", "payment_state",
    ]
    search_columns = _DocumentApi.search_columns + ["due_date"]


class ActApi(_DocumentApi):
    resource_name = "act"
    datamodel = SQLAInterface(Act)
    class_permission_name = P.RESOURCE_ACT
    entity = "act"
    add_columns = edit_columns = _DocumentApi._fields
    list_columns = show_columns = ["id", "contract.id", "executor.id", "customer.id"] + _DocumentApi._fields[1:]


class PaymentApi(KeepsHistory, ArendaApi):
    resource_name = "payment"
    datamodel = SQLAInterface(Payment)
    class_permission_name = P.RESOURCE_PAYMENT
    entity = "payment"
    _fields = [
        "direction", "date", "number", "amount", "payer_name", "payer_inn", "payer_kpp", "payer_account", "payer_bik",
        "recipient_name", "recipient_inn", "recipient_kpp", "recipient_account", "recipient_bik", "purpose", "source",
        "comment",
    ]
    # internal_transfer (a transfer between our own accounts) is set by the import: read-only here.
    list_columns = show_columns = ["id"] + _fields + ["allocated_amount", "payer_is_bank", "internal_transfer"]
    add_columns = edit_columns = _fields
    search_columns = ["direction", "date", "number", "amount", "payer_inn", "recipient_inn"]


class AllocationApi(KeepsPaidSums, ArendaApi):
    resource_name = "allocation"
    datamodel = SQLAInterface(Allocation)
    class_permission_name = P.RESOURCE_ALLOCATION
    entity = "allocation"
    list_columns = show_columns = ["id", "payment.id", "invoice.id", "amount", "automatic", "created_at"]
    add_columns = ["payment", "invoice", "amount"]
    edit_columns = ["amount"]
    search_columns = ["payment", "invoice"]


class InquiryApi(ArendaApi):
    """The public site's inquiries, read-only for integrators (they come from the form)."""

    resource_name = "inquiry"
    datamodel = SQLAInterface(Inquiry)
    class_permission_name = P.RESOURCE_INQUIRY
    include_route_methods = {"get", "get_list", "info"}
    list_columns = show_columns = ["id", "building.id", "section.id", "name", "phone", "email", "message", "status", "created"]
    search_columns = ["building", "section", "status", "created"]
    order_columns = ["id", "created"]


RESOURCES = [
    CounterpartyApi, BankAccountApi, BuildingApi, SectionApi, FloorApi, RoomApi, ContractApi, AgreementApi,
    InvoiceApi, ActApi, PaymentApi, AllocationApi, InquiryApi, AttentionApi, AmocrmStageApi,
]


def register(appbuilder):
    for api in RESOURCES:
        appbuilder.add_api(api)
    answer_http_errors_in_json(current_app._get_current_object())
