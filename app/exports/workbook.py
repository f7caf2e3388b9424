"""The full export (SPEC §6 `export xlsx [--entity NAME|all] -o FILE`): one workbook, a sheet
per entity, each row with its id and every related object as its name and its id, so VLOOKUP
and pivot tables join the sheets. No Flask: the CLI calls `write(session, out, entities)`."""
from sqlalchemy import select

from app.exports import tables, xlsx
from app.models import (
    Act, Agreement, Allocation, BankAccount, Building, ContactPerson, Contract, ContractRoom, ContractService,
    Counterparty, Floor, Invoice, Payment, Room, Section, VatInvoice,
)
from app.vocabulary import enums as E


class Entity:
    def __init__(self, name, title, model, columns, enums=None):
        self.name, self.title, self.model = name, title, model
        self.columns = columns  # [(attribute, header)]
        self.enums = enums or {}

    def table_columns(self):
        found = [tables.id_column()]
        for name, header in self.columns:
            found += tables.columns_for(self.model, name, header, self.enums.get(name))
        return found

    def sheet(self, session):
        columns = self.table_columns()
        names = [c.name for c in columns if c.name != "id"]
        query = select(self.model).order_by(self.model.id).options(*tables.eager(self.model, names))
        rows = tables.stream(_Scalars(session, query), columns)
        return xlsx.Sheet(self.title, [c.column for c in columns], rows)


class _Scalars:
    """A select of one model streamed through the session, as `tables.stream` reads a query."""

    def __init__(self, session, query):
        self.session, self.query = session, query

    def yield_per(self, size):
        return self.session.scalars(self.query.execution_options(yield_per=size))


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
        ("invoice_day", "День счёта"), ("payment_term_days", "Срок оплаты, дней"), ("deposit", "Обеспечительный платёж"),
        ("has_original", "Оригинал получен"), ("comment", "Комментарий"),
    ], {"status": E.ContractStatus, "vat_mode": E.VatMode, "billing_period": E.BillingPeriod}),
    Entity("contract_rooms", "Помещения договоров", ContractRoom, [
        ("contract", "Договор"), ("room", "Помещение"), ("area", "Площадь, м²"), ("rate", "Ставка, ₽/м² в год"),
    ]),
    Entity("contract_services", "Услуги договоров", ContractService, [
        ("contract", "Договор"), ("name", "Услуга"), ("monthly_amount", "В месяц"),
    ]),
    Entity("agreements", "Доп. соглашения", Agreement, [
        ("contract", "Договор"), ("number", "Номер"), ("date", "Дата"), ("start_date", "Действует с"),
        ("new_monthly_rent", "Новая аренда в месяц"), ("new_end_date", "Новое окончание"),
        ("terminates", "Расторжение"), ("comment", "Комментарий"),
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
]}
ALL = "all"


def write(session, out, names=(ALL,)):
    """Write the named entities' sheets (all of them for "all") into the binary file `out`."""
    wanted = list(ENTITIES) if ALL in names else list(names)
    return xlsx.write(out, (ENTITIES[name].sheet(session) for name in wanted))
