"""Onboarding from Excel: the template's sheets and columns, every row checked with the
forms' field rules (app.domain.validation) and the uniqueness rules (app.domain.uniqueness),
and then, only when no cell is bad, everything created at once — contracts with their
schedules built as the admin builds them.

All or nothing: `check()` returns a `Plan` with every bad cell as a `Problem(sheet, row, column,
message)`; `create()` refuses a plan with problems. Re-uploading the same file creates nothing
new: counterparties are matched by INN+KPP, rooms by building + floor + room number, contracts by
executor + contract number (what is already there is counted as "already there", not changed).

Rows come from the file reader (app.imports.onboarding) as {header: value} with openpyxl's
values (text, numbers, datetimes); a sheet or header that is missing is a problem too.
"""
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from sqlalchemy import select

from app.domain import contracts as contract_rules
from app.domain import schedule, uniqueness, validation
from app.domain.enums import N_, ContractStatus, PartyKind, RoomKind, VatMode
from app.errors import DomainError
from app.models import BankAccount, Building, Contract, ContractRoom, Counterparty, Floor, Room

PARTIES, PROPERTY, CONTRACTS = "Контрагенты", "Помещения", "Договоры"
TEXT, DECIMAL, INTEGER, DATE, YES_NO, CHOICE = "text", "decimal", "integer", "date", "yes_no", "choice"


@dataclass(frozen=True)
class Field:
    header: str
    name: str
    kind: str = TEXT
    required: bool = False
    choices: type = None  # a Labelled enum: the cell holds its Russian label
    note: str = ""


SHEETS = {
    PARTIES: [
        Field("Вид", "kind", CHOICE, choices=PartyKind, note="Юридическое лицо, Индивидуальный предприниматель или Физическое лицо"),
        Field("Наименование", "name", required=True),
        Field("Полное наименование", "full_name"),
        Field("ИНН", "inn", required=True),
        Field("КПП", "kpp"),
        Field("ОГРН", "ogrn"),
        Field("Адрес", "address"),
        Field("Телефон", "phone"),
        Field("Email", "email"),
        Field("Исполнитель (наше юрлицо)", "is_executor", YES_NO, note="Да или Нет"),
        Field("Префикс номеров документов", "doc_prefix"),
        Field("Получатели документов", "recipient_emails"),
        Field("Расчётный счёт", "account"),
        Field("БИК", "bik"),
        Field("Банк", "bank_name"),
        Field("Корр. счёт", "corr_account"),
    ],
    PROPERTY: [
        Field("Здание", "building", required=True),
        Field("Адрес здания", "address"),
        Field("Этаж", "floor", INTEGER, required=True),
        Field("Номер помещения", "number", required=True),
        Field("Вид", "kind", CHOICE, choices=RoomKind, note="Офис, Склад, Торговое, Производство, Свободное назначение, Служебное"),
        Field("Площадь, м²", "area", DECIMAL, required=True),
        Field("Ставка, ₽ за м² в год", "rent_rate", DECIMAL),
    ],
    CONTRACTS: [
        Field("ИНН исполнителя", "executor_inn", required=True),
        Field("КПП исполнителя", "executor_kpp"),
        Field("Номер договора", "number", required=True),
        Field("Дата договора", "date", DATE, required=True),
        Field("ИНН арендатора", "customer_inn", required=True),
        Field("КПП арендатора", "customer_kpp"),
        Field("Статус", "status", CHOICE, choices=ContractStatus, note="Черновик, Подписан, Зарегистрирован …"),
        Field("Начало аренды", "start_date", DATE, required=True),
        Field("Окончание аренды", "end_date", DATE),
        Field("НДС", "vat_mode", CHOICE, choices=VatMode, note="Без НДС, НДС в сумме или НДС сверху"),
        Field("День выставления счёта", "invoice_day", INTEGER),
        Field("Срок оплаты, дней", "payment_term_days", INTEGER),
        Field("Обеспечительный платёж", "deposit_amount", DECIMAL),
        Field("Здание", "building", required=True),
        Field("Этаж", "floor", INTEGER, required=True),
        Field("Номер помещения", "room", required=True),
        Field("Арендуемая площадь, м²", "area", DECIMAL, note="Пусто — вся площадь помещения"),
        Field("Ставка, ₽ за м² в год", "rate", DECIMAL, note="Пусто — ставка помещения"),
    ],
}
NOTE = N_("Одна строка — один контрагент, одно помещение, одно помещение договора (договор на несколько помещений — "
          "несколько строк с одним номером). Повторная загрузка того же файла ничего не задвоит.")


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # the row's number in Excel (the header is row 1)
    column: str  # the column's header
    message: str


@dataclass
class Plan:
    problems: list = field(default_factory=list)
    parties: list = field(default_factory=list)  # records to create
    rooms: list = field(default_factory=list)
    contracts: list = field(default_factory=list)  # (record, [room lines])
    existing: dict = field(default_factory=lambda: {PARTIES: 0, PROPERTY: 0, CONTRACTS: 0})

    @property
    def counts(self):
        return {PARTIES: len(self.parties), PROPERTY: len(self.rooms), CONTRACTS: len(self.contracts)}


class _Row(SimpleNamespace):
    """One row's values by field name, with its sheet and Excel row number."""


def _text(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


_NUMBER = re.compile(r"^-?\d{1,12}([.,]\d+)?$")


def _convert(spec, value):
    """(value, message): the cell read as the field's kind."""
    if isinstance(value, str):
        value = value.strip() or None
    if value is None:
        return None, (N_("Заполните это поле") if spec.required else None)
    if spec.kind == TEXT:
        return _text(value), None
    if spec.kind == DATE:
        if isinstance(value, dt.datetime):
            return value.date(), None
        if isinstance(value, dt.date):
            return value, None
        match = re.match(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$", str(value))
        try:
            if match:
                return dt.date(int(match[3]), int(match[2]), int(match[1])), None
        except ValueError:
            pass
        return None, N_("Дата — в формате ДД.ММ.ГГГГ или ячейка типа «Дата»")
    if spec.kind in (DECIMAL, INTEGER):
        text = _text(value).replace(" ", "").replace("\u00a0", "")
        if isinstance(value, bool) or not _NUMBER.match(text):
            return None, N_("Число — цифрами, дробная часть через запятую или точку")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return None, N_("Число — цифрами, дробная часть через запятую или точку")
        if spec.kind == INTEGER:
            if number != number.to_integral_value():
                return None, N_("Целое число")
            return int(number), None
        return number.quantize(Decimal("0.01")), None
    if spec.kind == YES_NO:
        text = str(value).strip().lower()
        if value is True or text in ("да", "1", "yes"):
            return True, None
        if value is False or text in ("нет", "0", "no"):
            return False, None
        return None, N_("Да или Нет")
    text = _text(value)
    for member in spec.choices:
        if text.lower() in (member.label.lower(), member.value):
            return member.value, None
    return None, N_("Одно из значений: ") + ", ".join(m.label for m in spec.choices)


def _read(sheet, rows, plan):
    """The sheet's rows as _Row, each cell converted; problems for bad cells and missing columns."""
    specs = SHEETS[sheet]
    if rows is None:
        plan.problems.append(Problem(sheet, 1, "", N_("Нет листа в файле: скачайте шаблон заново")))
        return []
    headers = set().union(*(set(r) for _, r in rows)) if rows else set()
    missing = [s.header for s in specs if s.required and s.header not in headers]
    for header in missing:
        plan.problems.append(Problem(sheet, 1, header, N_("Нет столбца: скачайте шаблон заново")))
    if missing:
        return []
    found = []
    for number, cells in rows:
        record = _Row(sheet=sheet, line=number)
        for spec in specs:
            value, message = _convert(spec, cells.get(spec.header))
            setattr(record, spec.name, value)
            if message:
                plan.problems.append(Problem(sheet, number, spec.header, message))
        found.append(record)
    return found


def _header(sheet, name):
    return next(s.header for s in SHEETS[sheet] if s.name == name)


def _rules(plan, sheet, entity, record, columns):
    """The forms' field rules of `entity` on the record; each message at its column."""
    for name, messages in validation.errors_for(entity, record).items():
        if name in columns:
            for message in messages:
                plan.problems.append(Problem(sheet, record.line, _header(sheet, columns[name]), message))


def _party_key(inn, kpp):
    return (inn or "", kpp or "")


def _check_parties(session, rows, plan):
    known = {}  # (inn, kpp) -> Counterparty (existing or to create)
    for row in rows:
        if row.kind is None:
            row.kind = PartyKind.LEGAL.value
        _rules(plan, PARTIES, "counterparty", row, {f: f for f in ("inn", "kpp", "ogrn", "email", "recipient_emails")})
        if row.account or row.bik:
            _rules(plan, PARTIES, "bank_account", row, {"account": "account", "bik": "bik", "corr_account": "corr_account"})
        key = _party_key(row.inn, row.kpp)
        if key in known:
            plan.problems.append(Problem(PARTIES, row.line, _header(PARTIES, "inn"),
                                         N_("Этот ИНН и КПП уже есть выше в файле")))
            continue
        clash = uniqueness.counterparty_inn_kpp(session, row)
        if clash is not None:
            known[key] = clash.existing
            plan.existing[PARTIES] += 1
            continue
        party = Counterparty(
            kind=row.kind, name=row.name, full_name=row.full_name, inn=row.inn, kpp=row.kpp, ogrn=row.ogrn,
            address=row.address, phone=row.phone, email=row.email, is_executor=bool(row.is_executor),
            is_customer=not row.is_executor, doc_prefix=row.doc_prefix, recipient_emails=row.recipient_emails,
        )
        if row.account:
            party.bank_accounts.append(BankAccount(account=row.account, bik=row.bik, bank_name=row.bank_name,
                                                   corr_account=row.corr_account))
        known[key] = party
        plan.parties.append(party)
    return known


def _existing_rooms(session):
    rows = session.execute(
        select(Building.name, Floor.number, Room).join(Floor, Floor.building_id == Building.id).join(Room, Room.floor_id == Floor.id)
    ).all()
    return {(func_key(name), number, func_key(room.number)): room for name, number, room in rows}


def func_key(text):
    return (text or "").strip().lower()


def _check_rooms(session, rows, plan):
    rooms = _existing_rooms(session)
    buildings = {func_key(b.name): b for b in session.scalars(select(Building))}
    floors = {(func_key(f.building.name), f.number): f for f in session.scalars(select(Floor).where(Floor.section_id.is_(None)))}
    for row in rows:
        _rules(plan, PROPERTY, "room", row, {"area": "area", "rent_rate": "rent_rate"})
        if row.floor is None or row.building is None or row.number is None:
            continue
        key = (func_key(row.building), row.floor, func_key(row.number))
        if key in rooms:
            if isinstance(rooms[key], Room) and rooms[key] in plan.rooms:
                plan.problems.append(Problem(PROPERTY, row.line, _header(PROPERTY, "number"),
                                             N_("Это помещение уже есть выше в файле")))
            else:
                plan.existing[PROPERTY] += 1
            continue
        building = buildings.get(func_key(row.building))
        if building is None:
            building = buildings[func_key(row.building)] = Building(name=row.building, address=row.address)
        floor = floors.get((func_key(row.building), row.floor))
        if floor is None:
            floor = floors[(func_key(row.building), row.floor)] = Floor(building=building, number=row.floor)
        room = Room(floor=floor, number=row.number, kind=row.kind or RoomKind.OFFICE.value, area=row.area or Decimal("0"),
                    rent_rate=row.rent_rate or Decimal("0.00"))
        rooms[key] = room
        plan.rooms.append(room)
    return rooms


def _party(plan, parties, row, inn_field, kpp_field):
    inn, kpp = getattr(row, inn_field), getattr(row, kpp_field)
    party = parties.get(_party_key(inn, kpp))
    if party is None:
        plan.problems.append(Problem(CONTRACTS, row.line, _header(CONTRACTS, inn_field),
                                     N_("Нет такого контрагента ни в файле, ни в базе: ИНН %(inn)s, КПП %(kpp)s")
                                     % dict(inn=inn or "—", kpp=kpp or "—")))
    return party


def _check_contracts(session, rows, plan, parties, rooms):
    made = {}  # (executor key, number) -> (contract or None when already there, lines)
    for row in rows:
        _rules(plan, CONTRACTS, "contract", row, {"end_date": "end_date", "invoice_day": "invoice_day",
                                                  "payment_term_days": "payment_term_days", "deposit_amount": "deposit_amount"})
        executor = _party(plan, parties, row, "executor_inn", "executor_kpp")
        customer = _party(plan, parties, row, "customer_inn", "customer_kpp")
        room = rooms.get((func_key(row.building), row.floor, func_key(row.room)))
        if room is None and row.room is not None:
            plan.problems.append(Problem(CONTRACTS, row.line, _header(CONTRACTS, "room"),
                                         N_("Нет такого помещения ни на листе «Помещения», ни в базе")))
        if executor is not None and not executor.is_executor:
            plan.problems.append(Problem(CONTRACTS, row.line, _header(CONTRACTS, "executor_inn"),
                                         N_("Этот контрагент не отмечен как исполнитель (наше юрлицо)")))
            continue
        if executor is None or customer is None or row.number is None:
            continue
        key = (id(executor), row.number)
        if key not in made:
            record = SimpleNamespace(number=row.number, executor=executor, executor_id=executor.id)
            clash = uniqueness.contract_number(session, record) if executor.id is not None else None
            if clash is not None:
                made[key] = (None, None)
                plan.existing[CONTRACTS] += 1
                continue
            contract = Contract(
                number=row.number, date=row.date, executor=executor, customer=customer,
                status=row.status or ContractStatus.DRAFT.value, start_date=row.start_date, end_date=row.end_date,
                vat_mode=row.vat_mode or VatMode.ON_TOP.value, invoice_day=row.invoice_day or 25,
                payment_term_days=row.payment_term_days if row.payment_term_days is not None else 5, deposit_amount=row.deposit_amount,
            )
            made[key] = (contract, [])
            plan.contracts.append(made[key])
        contract, lines = made[key]
        if contract is None or room is None:
            continue
        line = SimpleNamespace(line=row.line, room=room, area=row.area or room.area, rate=row.rate if row.rate is not None else room.rent_rate)
        _rules(plan, CONTRACTS, "contract_room", line, {"area": "area", "rate": "rate"})
        lines.append(line)


def check(session, sheets):
    """The plan of a file: `sheets` is {sheet title: [(row number, {header: value})] or None}."""
    plan = Plan()
    with session.no_autoflush:
        parties = _check_parties(session, _read(PARTIES, sheets.get(PARTIES), plan), plan)
        rooms = _check_rooms(session, _read(PROPERTY, sheets.get(PROPERTY), plan), plan)
        _check_contracts(session, _read(CONTRACTS, sheets.get(CONTRACTS), plan), plan, parties, rooms)
    plan.problems.sort(key=lambda p: (list(SHEETS).index(p.sheet), p.row))
    return plan


def create(session, plan, today, user_id=None):
    """Create what the plan holds, the contracts' schedules rebuilt as the admin's save does."""
    if plan.problems:
        raise DomainError(N_("В файле есть ошибки: ничего не загружено"))
    session.add_all(plan.parties)
    session.add_all(plan.rooms)
    for contract, lines in plan.contracts:
        for line in lines:
            contract.rooms.append(ContractRoom(room=line.room, area=line.area, rate=line.rate))
        session.add(contract)
        contract_rules.keep_end_in_force(contract)
        contract_rules.record_status_change(session, contract, user_id, "import")
    schedule.plan_new(session, [contract for contract, _ in plan.contracts], today)
    return plan.counts

