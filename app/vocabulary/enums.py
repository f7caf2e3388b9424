"""Status and kind values with their Russian labels: the one place that names them.

Each enum's values are what the database stores (CHECK constraints are built from
them); `label()` gives the Russian text shown to users. `N_` marks labels for the
translation catalog without importing Flask.
"""
from enum import Enum


def N_(text):
    """Mark a string for extraction into the translation catalog."""
    return text


class Labelled(str, Enum):
    """A string enum whose members carry a Russian label."""

    def __new__(cls, value, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    def __str__(self):
        return self.value

    @classmethod
    def values(cls):
        return [m.value for m in cls]

    @classmethod
    def choices(cls):
        return [(m.value, m.label) for m in cls]

    @classmethod
    def label_of(cls, value):
        try:
            return cls(value).label
        except ValueError:
            return value or ""


class PartyKind(Labelled):
    LEGAL = "legal", N_("Юридическое лицо")
    SOLE = "sole", N_("Индивидуальный предприниматель")
    PERSON = "person", N_("Физическое лицо")


class RoomKind(Labelled):
    OFFICE = "office", N_("Офис")
    WAREHOUSE = "warehouse", N_("Склад")
    RETAIL = "retail", N_("Торговое")
    PRODUCTION = "production", N_("Производство")
    FREE_PURPOSE = "free_purpose", N_("Свободное назначение")
    SERVICE = "service", N_("Служебное")


class FeedMode(Labelled):
    PER_ROOM = "per_room", N_("Каждое помещение отдельно")
    SINGLE = "single", N_("Этаж одним объявлением")


class InquiryStatus(Labelled):
    NEW = "new", N_("Новая")
    IN_WORK = "in_work", N_("В работе")
    DONE = "done", N_("Обработана")
    SPAM = "spam", N_("Спам")


class ContractStatus(Labelled):
    DRAFT = "draft", N_("Черновик")
    BOOKED = "booked", N_("Забронировано")
    ON_SIGNING = "on_signing", N_("На подписании")
    SIGNED = "signed", N_("Подписан")
    REGISTERED = "registered", N_("Зарегистрирован")
    CANCELLED = "cancelled", N_("Отменён")
    TERMINATED = "terminated", N_("Расторгнут")


ACTIVE_CONTRACT = (ContractStatus.SIGNED.value, ContractStatus.REGISTERED.value)
INACTIVE_CONTRACT = (
    ContractStatus.DRAFT.value,
    ContractStatus.BOOKED.value,
    ContractStatus.ON_SIGNING.value,
)


class VatMode(Labelled):
    NONE = "none", N_("Без НДС")
    INCLUDED = "included", N_("НДС в сумме")
    ON_TOP = "on_top", N_("НДС сверху")


class BillingPeriod(Labelled):
    CALENDAR_MONTH = "calendar_month", N_("Календарный месяц")
    FROM_START = "from_start", N_("Месяц от даты начала")


class InvoicedPeriod(Labelled):
    PREVIOUS = "previous", N_("Прошлый период (по факту)")
    CURRENT = "current", N_("Текущий период")
    NEXT = "next", N_("Следующий период (аванс)")


class InvoiceStatus(Labelled):
    PLANNED = "planned", N_("Запланирован")
    ISSUED = "issued", N_("Выставлен")
    CANCELLED = "cancelled", N_("Отменён")


class ActStatus(Labelled):
    PLANNED = "planned", N_("Запланирован")
    ON_SIGNING = "on_signing", N_("На подписании")
    SIGNED = "signed", N_("Подписан")
    CANCELLED = "cancelled", N_("Отменён")


class VatInvoiceStatus(Labelled):
    ISSUED = "issued", N_("Выставлен")
    CANCELLED = "cancelled", N_("Отменён")


class DocumentKind(Labelled):
    """What a document bills: the schedule's rent, a one-off deposit, or a manual charge."""

    RENT = "rent", N_("Аренда")
    DEPOSIT = "deposit", N_("Обеспечительный платёж")
    OTHER = "other", N_("Прочее")
    PENALTY = "penalty", N_("Пени")


class PenaltyMode(Labelled):
    """How a contract charges for late payment (SPEC §1.9)."""

    NONE = "none", N_("Без пеней")
    PERCENT_PER_DAY = "percent_per_day", N_("Процент в день")
    KEY_RATE = "key_rate", N_("Ключевая ставка (ст. 395 ГК РФ)")


class IndexationMode(Labelled):
    """How a contract's rent is indexed once a year (SPEC §1.9, ст. 614 ГК РФ)."""

    NONE = "none", N_("Без индексации")
    FIXED = "fixed", N_("Фиксированный процент в год")
    CPI = "cpi", N_("Индекс потребительских цен (Росстат)")


class DepositOperationKind(Labelled):
    """What is done with a held security deposit."""

    OFFSET = "offset", N_("Зачёт в счёт долга")
    REFUND = "refund", N_("Возврат")


# What a document of each kind bills, as its default line (and the 1C export's service item) says.
DOCUMENT_SUBJECTS = {
    DocumentKind.RENT.value: "Арендная плата",
    DocumentKind.DEPOSIT.value: "Обеспечительный платёж",
    DocumentKind.OTHER.value: "Услуги по договору",
}


def document_subject(kind):
    return DOCUMENT_SUBJECTS.get(kind, DOCUMENT_SUBJECTS[DocumentKind.OTHER.value])


class PaymentState(Labelled):
    UNPAID = "unpaid", N_("Не оплачен")
    PARTLY = "partly", N_("Оплачен частично")
    PAID = "paid", N_("Оплачен")


class Direction(Labelled):
    INCOMING = "incoming", N_("Поступление")
    OUTGOING = "outgoing", N_("Списание")


class PaymentSource(Labelled):
    BANK_STATEMENT = "bank_statement", N_("Банковская выписка")
    V8_XML = "v8_xml", N_("1С XML")
    CASH = "cash", N_("Касса")
    MANUAL = "manual", N_("Вручную")


class TariffPeriod(Labelled):
    MONTHLY = "monthly", N_("Помесячно")
    YEARLY = "yearly", N_("Годовая оплата")


class OutboxStatus(Labelled):
    PENDING = "pending", N_("Ожидает отправки")
    SENT = "sent", N_("Отправлено")
    FAILED = "failed", N_("Ошибка, повтор")
    DEAD = "dead", N_("Не доставлено")


class NotifyEvent(Labelled):
    """The notification events of SPEC §1.8 (the outbox's `event` column)."""

    AGREEMENT_STARTS = "agreement_starts", N_("Вступает в силу доп. соглашение")
    CONTRACT_ENDS = "contract_ends", N_("Заканчивается договор")
    DOCUMENTS_ISSUED = "documents_issued", N_("Выставлены документы: сводка менеджеру")
    DOCUMENTS_SENT = "documents_sent", N_("Документы заказчику")
    EXPORT_1C = "export_1c", N_("Выгрузка в 1С")
    SITE_INQUIRY = "site_inquiry", N_("Заявка с сайта")
    STAFF_CREATED = "staff_created", N_("Сотрудник добавлен")
    STAFF_CHANGED = "staff_changed", N_("Сотрудник изменён")
    STAFF_DELETED = "staff_deleted", N_("Сотрудник удалён")
    TARIFF_CHANGED = "tariff_changed", N_("Тариф изменён")
    TARIFF_ENDS = "tariff_ends", N_("Заканчивается оплаченный период тарифа")
    INDEXATION_DRAFTED = "indexation_drafted", N_("Подготовлена индексация аренды")
    RECONCILIATION_SENT = "reconciliation_sent", N_("Акт сверки заказчику")


class StatusSource(Labelled):
    """Who or what changed a contract's status (the history's `source` column)."""

    UI = "ui", N_("Пользователь")
    API = "api", N_("REST API")
    AMOCRM = "amocrm", N_("amoCRM")
    SCHEDULE = "schedule", N_("График")


class AmocrmStatus(Labelled):
    """The contract statuses an amoCRM pipeline stage may move a contract to (SPEC §4)."""

    BOOKED = ContractStatus.BOOKED.value, ContractStatus.BOOKED.label
    ON_SIGNING = ContractStatus.ON_SIGNING.value, ContractStatus.ON_SIGNING.label
    SIGNED = ContractStatus.SIGNED.value, ContractStatus.SIGNED.label
    REGISTERED = ContractStatus.REGISTERED.value, ContractStatus.REGISTERED.label
    CANCELLED = ContractStatus.CANCELLED.value, ContractStatus.CANCELLED.label


AMOCRM_WON, AMOCRM_LOST = 142, 143  # amoCRM's fixed stages of every pipeline


class WebhookEvent(Labelled):
    """The events an outgoing webhook may subscribe to (the outbox's `event` on the webhook channel)."""

    CONTRACT_CREATED = "contract.created", N_("Договор создан")
    CONTRACT_CHANGED = "contract.changed", N_("Договор изменён")
    CONTRACT_STATUS_CHANGED = "contract.status_changed", N_("Статус договора изменён")
    DOCUMENT_ISSUED = "document.issued", N_("Документ выставлен")
    DOCUMENT_CANCELLED = "document.cancelled", N_("Документ отменён")
    PAYMENT_IMPORTED = "payment.imported", N_("Платёж загружен")
    PAYMENT_ALLOCATED = "payment.allocated", N_("Платёж разнесён")
    INQUIRY_RECEIVED = "inquiry.received", N_("Заявка с сайта")


class AuditDoor(Labelled):
    """Where a change came in (the audit log's `door`): app.hooks.actor.current_door tells."""

    ADMIN = "admin", N_("Админка")
    API = "api", N_("REST API")
    CLI = "cli", N_("Командная строка")
    JOB = "job", N_("Ночная задача")
    IMPORT = "import", N_("Импорт файла")
    WEBHOOK = "webhook", N_("Вебхук")


class AuditAction(Labelled):
    CREATE = "create", N_("Создание")
    UPDATE = "update", N_("Изменение")
    DELETE = "delete", N_("Удаление")
    BATCH = "batch", N_("Пакетная запись")
