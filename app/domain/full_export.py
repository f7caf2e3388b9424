"""What the full export holds (SPEC §6 `export xlsx [--entity NAME|all]`): per entity its
model, sheet title and columns (attribute, Russian header) with the enums whose labels it
writes. The writer is app.exports.workbook; related objects become a name and an id there."""
from dataclasses import dataclass, field

from app.models import (
    Act, Agreement, Allocation, BankAccount, Building, ContactPerson, Contract, ContractRoom, ContractService,
    Counterparty, DepositOperation, Floor, Invoice, Payment, Room, Section, VatInvoice,
)
from app.vocabulary import enums as E

ALL = "all"


@dataclass(frozen=True)
class Entity:
    name: str
    title: str
    model: type
    columns: list  # [(attribute, header)]
    enums: dict = field(default_factory=dict)  # attribute -> Labelled enum


_DOCUMENT = [("number", "Номер"), ("date", "Дата"), ("kind", "Вид"), ("status", "Статус"), ("contract", "Договор"),
             ("executor", "Исполнитель"), ("customer", "Заказчик"), ("period_start", "Период с"),
             ("period_end", "Период по"), ("planned_date", "Плановая дата"), ("amount", "Сумма"),
             ("vat_amount", "в т. ч. НДС")]

ENTITIES = {e.name: e for e in [
    Entity("counterparties", "Контрагенты", Counterparty, [
        ("name", "Наименование"), ("kind", "Вид"), ("full_name", "Полное наименование"), ("inn", "ИНН"),
        ("kpp", "КПП"), ("ogrn", "ОГРН"), ("address", "Адрес"), ("phone", "Телефон"), ("email", "Email"),
        ("is_executor", "Исполнитель"), ("is_customer", "Заказчик"), ("doc_prefix", "Префикс документов"),
        ("default_vat_rate", "Ставка НДС"), ("recipient_emails", "Получатели документов"), ("comment", "Комментарий"),
    ], {"kind": E.PartyKind}),
    Entity("bank_accounts", "Банковские счета", BankAccount, [
        ("counterparty", "Контрагент"), ("account", "Счёт"), ("bik", "БИК"), ("bank_name", "Банк"),
        ("corr_account", "Корр. счёт"),
    ]),
    Entity("contacts", "Контактные лица", ContactPerson, [
        ("counterparty", "Контрагент"), ("name", "ФИО"), ("position", "Должность"), ("phone", "Телефон"),
        ("email", "Email"),
    ]),
    Entity("buildings", "Здания", Building, [
        ("name", "Наименование"), ("address", "Адрес"), ("floors_count", "Этажей"), ("manager", "Менеджер"),
    ]),
    Entity("sections", "Секции", Section, [("building", "Здание"), ("name", "Наименование"), ("manager", "Менеджер")]),
    Entity("floors", "Этажи", Floor, [
        ("building", "Здание"), ("section", "Секция"), ("number", "Этаж"), ("in_feed", "В фиде"),
    ]),
    Entity("rooms", "Помещения", Room, [
        ("floor", "Этаж"), ("floor.building_id", "Здание, id"), ("number", "Номер"), ("kind", "Вид"),
        ("area", "Площадь, м²"), ("rent_rate", "Ставка, ₽/м² в год"), ("description", "Описание"),
    ], {"kind": E.RoomKind}),
    Entity("contracts", "Договоры", Contract, [
        ("number", "Номер"), ("date", "Дата"), ("status", "Статус"), ("executor", "Исполнитель"),
        ("customer", "Заказчик"), ("manager", "Менеджер"), ("start_date", "Начало"), ("end_date", "Окончание"),
        ("end_in_force", "Окончание с доп. соглашениями"), ("monthly_rent", "Аренда в месяц"),
        ("vat_mode", "НДС"), ("vat_rate", "Ставка НДС"), ("billing_period", "Период счёта"),
        ("invoice_day", "День счёта"), ("payment_term_days", "Срок оплаты, дней"), ("deposit_amount", "Обеспечительный платёж"),
        ("indexation_mode", "Индексация"), ("indexation_percent", "Индексация, % в год"),
        ("indexation_month", "Месяц индексации"), ("has_original", "Оригинал получен"), ("comment", "Комментарий"),
    ], {"status": E.ContractStatus, "vat_mode": E.VatMode, "billing_period": E.BillingPeriod,
        "indexation_mode": E.IndexationMode}),
    Entity("contract_rooms", "Помещения договоров", ContractRoom, [
        ("contract", "Договор"), ("room", "Помещение"), ("area", "Площадь, м²"), ("rate", "Ставка, ₽/м² в год"),
    ]),
    Entity("contract_services", "Услуги договоров", ContractService, [
        ("contract", "Договор"), ("name", "Услуга"), ("monthly_amount", "В месяц"),
    ]),
    Entity("agreements", "Доп. соглашения", Agreement, [
        ("contract", "Договор"), ("number", "Номер"), ("date", "Дата"), ("start_date", "Действует с"),
        ("new_monthly_rent", "Новая аренда в месяц"), ("new_end_date", "Новое окончание"),
        ("terminates", "Расторжение"), ("indexation", "Индексация"), ("signed", "Подписано"), ("comment", "Комментарий"),
    ]),
    Entity("invoices", "Счета", Invoice, _DOCUMENT + [("due_date", "Оплатить до"), ("paid_amount", "Оплачено")],
           {"kind": E.DocumentKind, "status": E.InvoiceStatus}),
    Entity("acts", "Акты", Act, _DOCUMENT, {"kind": E.DocumentKind, "status": E.ActStatus}),
    Entity("vat_invoices", "Счета-фактуры", VatInvoice, [
        ("number", "Номер"), ("date", "Дата"), ("status", "Статус"), ("act", "Акт"), ("executor", "Исполнитель"),
        ("customer", "Заказчик"), ("amount", "Сумма"), ("vat_amount", "в т. ч. НДС"),
    ], {"status": E.VatInvoiceStatus}),
    Entity("payments", "Деньги", Payment, [
        ("date", "Дата"), ("number", "Номер"), ("direction", "Направление"), ("amount", "Сумма"),
        ("allocated_amount", "Разнесено"), ("payer_name", "Плательщик"), ("payer_inn", "ИНН плательщика"),
        ("recipient_name", "Получатель"), ("recipient_inn", "ИНН получателя"), ("purpose", "Назначение"),
        ("source", "Источник"), ("internal_transfer", "Внутренний перевод"), ("comment", "Комментарий"),
    ], {"direction": E.Direction, "source": E.PaymentSource}),
    Entity("allocations", "Разнесения", Allocation, [
        ("payment", "Операция"), ("invoice", "Счёт"), ("amount", "Сумма"), ("automatic", "Автоматически"),
        ("created_at", "Создано"),
    ]),
    Entity("deposit_operations", "Операции с депозитом", DepositOperation, [
        ("contract", "Договор"), ("date", "Дата"), ("kind", "Вид"), ("amount", "Сумма"), ("invoice", "Счёт"),
        ("comment", "Комментарий"), ("created_at", "Создано"),
    ], {"kind": E.DepositOperationKind}),
]}


def chosen(names):
    """The entities named (all of them for "all"), in the workbook's order."""
    return [ENTITIES[name] for name in (list(ENTITIES) if ALL in names else names)]
