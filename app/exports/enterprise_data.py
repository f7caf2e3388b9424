"""Export of one executor's invoices, acts and VAT invoices of a period to 1C, in EnterpriseData
1.19 (SPEC §2.2; FORMATS.md §C), loaded in 1C by «Загрузка данных EnterpriseData».

The message carries the executor as the organization (INN/KPP: 1C matches its own
organization by them), the customers with their bank accounts, the contracts, a service item
for rent and one per extra service, then the documents. Every object has a stable reference
(a UUID derived from its kind and id), so a second load updates what the first one created.

* VAT as each line has it (app.domain.vat.rate_of): no VAT, 22/20/10/7/5/0 %, included in the
  sum or on top of it. The paid status of invoices is not exported: 1C does not accept it.
* Cancelled documents are sent as `УдалениеОбъекта` with their reference: 1C marks the object
  it loaded before for deletion (and unposts it); one it never had is not created.
* Planned documents are not exported; VAT invoices only for an executor who has them on.

The XML is written incrementally (lxml's `xmlfile`), documents read in batches of plain rows,
so a month of tens of thousands of documents needs little memory. No Flask here.
"""
import io
import re
import uuid
from hashlib import sha1
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape

from lxml import etree
from sqlalchemy import Boolean, Date, Integer, Numeric, String, column, select, table, union

from app import bulk
from app.domain.enums import N_, ActStatus, DocumentKind, InvoiceStatus, PartyKind, VatInvoiceStatus, VatMode
from app.domain.enums import document_subject as subject
from app.domain.vat import rate_of
from app.errors import DomainError

ED = "http://v8.1c.ru/edi/edi_stnd/EnterpriseData/1.19"
MSG = "http://www.1c.ru/SSL/Exchange/Message"
VERSION = "1.19"
BATCH = 1000  # documents per query
REFERENCES = uuid.UUID("8d6f3c2e-4b1a-5e7f-9c0d-1a2b3c4d5e6f")  # the namespace of our object references
RENT_ITEM = subject(DocumentKind.RENT.value)
KINDS = ("invoices", "acts", "vat_invoices")
_REFERENCES, _VARIANT = REFERENCES.bytes, "89ab"
_XMLNS = f' xmlns="{ED}"'

# The tables read, as plain SQL constructs: exporters import no models (and so no Flask-AppBuilder).
_MONEY, _RATE = Numeric(14, 2), Numeric(7, 4)
Counterparty = table("counterparty", *(column(n, String) for n in (
    "kind", "name", "full_name", "inn", "kpp", "ogrn", "address", "phone", "email")), column("id", Integer),
    column("is_executor", Boolean), column("vat_invoices_enabled", Boolean))
BankAccount = table("bank_account", column("id", Integer), column("counterparty_id", Integer), column("account", String),
                    column("bik", String), column("bank_name", String), column("corr_account", String))
Contract = table("contract", column("id", Integer), column("number", String), column("date", Date),
                 column("executor_id", Integer), column("customer_id", Integer), column("vat_mode", String),
                 column("vat_rate", _RATE), column("end_in_force", Date))
ContractService = table("contract_service", column("contract_id", Integer), column("name", String))


def _document_table(name):
    return table(name, column("id", Integer), column("number", String), column("date", Date),
                 column("contract_id", Integer), column("executor_id", Integer), column("customer_id", Integer),
                 column("kind", String), column("amount", _MONEY), column("vat_amount", _MONEY), column("status", String),
                 column("comment", String))


def _line_table(name, owner):
    return table(name, column("id", Integer), column(owner, Integer), column("position", Integer), column("name", String),
                 column("amount", _MONEY), column("vat_amount", _MONEY))


Invoice, Act = _document_table("invoice"), _document_table("act")
InvoiceLine, ActLine = _line_table("invoice_line", "invoice_id"), _line_table("act_line", "act_id")
VatInvoice = table("vat_invoice", column("id", Integer), column("act_id", Integer), column("executor_id", Integer),
                   column("customer_id", Integer), column("number", String), column("date", Date),
                   column("amount", _MONEY), column("vat_amount", _MONEY), column("status", String))

INVOICE_STATES = (InvoiceStatus.ISSUED.value, InvoiceStatus.CANCELLED.value)
ACT_STATES = (ActStatus.ON_SIGNING.value, ActStatus.SIGNED.value, ActStatus.CANCELLED.value)
CANCELLED = {InvoiceStatus.CANCELLED.value, ActStatus.CANCELLED.value, VatInvoiceStatus.CANCELLED.value}

NO_EXECUTOR = N_("Выберите исполнителя: выгрузка в 1С делается по одному исполнителю (его собственной базе 1С)")
NO_PERIOD = N_("Укажите период выгрузки: дату начала и дату окончания")
BAD_PERIOD = N_("Дата окончания периода раньше даты начала")
NOT_AN_EXECUTOR = N_("«%(name)s» не исполнитель: выгружаются документы только исполнителей")
UNKNOWN_EXECUTOR = N_("Нет исполнителя с ИНН %(inn)s")


def reference(kind, key):
    """The stable reference 1C keeps for one of our objects: uuid5(REFERENCES, "kind:key"),
    computed here without the uuid module's overhead (a month's export makes 180,000)."""
    digest = sha1(_REFERENCES + f"{kind}:{key}".encode()).hexdigest()
    return (f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-{_VARIANT[int(digest[16], 16) & 3]}{digest[17:20]}-"
            f"{digest[20:32]}")


def check_request(executor, start, end):
    """Refuse an export without an executor or a period (SPEC §2.2), with the reason."""
    if executor is None:
        raise DomainError(NO_EXECUTOR)
    if start is None or end is None:
        raise DomainError(NO_PERIOD)
    if end < start:
        raise DomainError(BAD_PERIOD)
    if not executor.is_executor:
        raise DomainError(NOT_AN_EXECUTOR % {"name": executor.name})


def executor_by_inn(session, inn):
    """The executor card with this INN (the CLI's `--executor INN`)."""
    inn = (inn or "").strip()
    if not inn:
        raise DomainError(NO_EXECUTOR)
    found = session.execute(select(Counterparty).where(Counterparty.c.inn == inn).order_by(
        Counterparty.c.is_executor.desc(), Counterparty.c.id)).first()
    if found is None:
        raise DomainError(UNKNOWN_EXECUTOR % {"inn": inn})
    return found


@dataclass
class Summary:
    """What an export carried, per kind (the CLI prints it; the history keeps it)."""

    executor: str
    start: date
    end: date
    counts: Counter = field(default_factory=Counter)

    def as_dict(self):
        return {
            "executor": self.executor, "from": self.start.isoformat(), "to": self.end.isoformat(),
            "invoices": self.counts["invoices"], "acts": self.counts["acts"], "vat_invoices": self.counts["vat_invoices"],
            "cancelled": self.counts["cancelled"], "customers": self.counts["customers"],
            "contracts": self.counts["contracts"], "items": self.counts["items"],
        }


def filename(executor, start, end):
    """The file's name says the executor and the period."""
    name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in (executor.inn or executor.name or "executor"))
    return f"1C_EnterpriseData_{name}_{start:%Y-%m-%d}_{end:%Y-%m-%d}.xml"


def export_bytes(session, executor, start, end, created=None):
    """(XML bytes, Summary) of one executor's documents dated start..end."""
    out = io.BytesIO()
    summary = write(session, executor, start, end, out, created)
    return out.getvalue(), summary


# --- building blocks ------------------------------------------------------------------------

def _el(parent, tag, text=None):
    """A child element of `parent` (None: a free-standing one, for a fragment)."""
    child = _object(tag) if parent is None else etree.SubElement(parent, f"{{{ED}}}{tag}")
    if text is not None:
        child.text = text if isinstance(text, str) else _text(text)
    return child


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _object(tag):
    return etree.Element(f"{{{ED}}}{tag}", nsmap={None: ED})


def _xml(node):
    """A fragment's XML text, without the namespace declaration the document around it gives."""
    return etree.tostring(node, encoding="unicode").replace(_XMLNS, "", 1)


def _cut(text, limit):
    text = (text or "").strip()
    return text[:limit]


class _Parties:
    """Key properties of the organization, customers and contracts (written inline in every
    object that refers to them), and the customers' data for their own objects."""

    def __init__(self, session, executor, involved):
        self.executor = executor
        self.texts = {}  # XML text of what repeats from document to document, by key
        customer_ids, contract_ids = select(involved.c.customer_id), select(involved.c.contract_id)
        query = select(Counterparty).where(Counterparty.c.id.in_(customer_ids)).order_by(Counterparty.c.id)
        self.customers = {c.id: c for c in session.execute(query)}
        self.accounts = defaultdict(list)
        query = (select(BankAccount).where(BankAccount.c.counterparty_id.in_(customer_ids)
                                           | (BankAccount.c.counterparty_id == executor.id)).order_by(BankAccount.c.id))
        for account in session.execute(query):
            self.accounts[account.counterparty_id].append(account)
        query = select(Contract).where(Contract.c.id.in_(contract_ids)).order_by(Contract.c.id)
        self.contracts = {c.id: c for c in session.execute(query)}
        self.services = defaultdict(list)
        for service in session.execute(select(ContractService).where(ContractService.c.contract_id.in_(contract_ids))):
            self.services[service.contract_id].append(service.name.strip())

    def text(self, key, build):
        """The XML text of a fragment, built (as elements) the first time it is asked for."""
        found = self.texts.get(key)
        if found is None:
            found = self.texts[key] = _xml(build())
        return found

    def organization_text(self):
        return self.text("organization", lambda: self.organization(None))

    def customer_text(self, customer_id):
        return self.text(("customer", customer_id), lambda: self.customer(None, customer_id))

    def contract_text(self, contract_id, tag="Договор"):
        """КлючевыеСвойстваДоговор: kept for its invoice, act and VAT invoice, which all carry it
        (the contract's own object, written once, needs no copy kept: memory)."""
        if tag != "Договор":
            return self._contract_text(contract_id, tag)
        found = self.texts.get(contract_id)
        if found is None:
            found = self.texts[contract_id] = self._contract_text(contract_id, tag)
        return found

    def _contract_text(self, contract_id, tag):
        contract = self.contracts[contract_id]
        name = _cut(f"Договор аренды № {contract.number} от {contract.date:%d.%m.%Y}", 150)
        return (f"<{tag}><Ссылка>{reference('contract', contract.id)}</Ссылка><ВидДоговора>СПокупателем</ВидДоговора>"
                f"{self.organization_text()}{self.customer_text(contract.customer_id)}"
                f"{self.currency_text('ВалютаВзаиморасчетов')}<РасчетыВУсловныхЕдиницах>false</РасчетыВУсловныхЕдиницах>"
                f"{_t('Наименование', name)}{_t('Дата', contract.date)}{_t('Номер', contract.number)}</{tag}>")

    def settlement_text(self, contract_id):
        return (f"<ДанныеВзаиморасчетов>{self.contract_text(contract_id)}{self.currency_text('ВалютаВзаиморасчетов')}"
                "<КурсВзаиморасчетов>1</КурсВзаиморасчетов><КратностьВзаиморасчетов>1</КратностьВзаиморасчетов>"
                "<РасчетыВУсловныхЕдиницах>false</РасчетыВУсловныхЕдиницах></ДанныеВзаиморасчетов>")

    def currency_text(self, tag="Валюта"):
        return self.text(("currency", tag), lambda: _currency(None, tag))

    def item_text(self, name):
        return self.text(("item", name), lambda: _item(None, name))

    def vat_rate_text(self, rate):
        return self.text(("vat_rate", rate), lambda: _vat_rate(None, rate))

    def executor_account_text(self):
        if not self.accounts.get(self.executor.id):
            return ""
        return self.text("executor_account", lambda: self.executor_account(None))

    def organization(self, parent, tag="Организация"):
        return _requisites(_el(parent, tag), self.executor)

    def customer(self, parent, customer_id, tag="Контрагент"):
        party = self.customers[customer_id]
        node = _el(parent, tag)
        _el(node, "Ссылка", reference("counterparty", party.id))
        _requisites(node, party)
        if party.kind == PartyKind.SOLE.value:
            _el(node, "ИндивидуальныйПредприниматель", True)
        return node


    def bank_account(self, parent, account, tag="ОсновнойБанковскийСчет"):
        node = _el(parent, tag)
        _el(node, "Ссылка", reference("bank_account", account.id))
        _el(node, "НомерСчета", account.account)
        bank = _el(_el(node, "Банк"), "ДанныеКлассификатораБанков")
        if account.bank_name:
            _el(bank, "Наименование", _cut(account.bank_name, 255))
        _el(bank, "БИК", account.bik)
        if account.corr_account:
            _el(bank, "КоррСчет", account.corr_account)
        owner = _el(node, "Владелец")
        if account.counterparty_id == self.executor.id:
            self.organization(owner, "ОрганизацииСсылка")
        else:
            self.customer(owner, account.counterparty_id, "КонтрагентыСсылка")
        return node

    def executor_account(self, parent):
        accounts = self.accounts.get(self.executor.id)
        if accounts:
            return self.bank_account(parent, accounts[0], "БанковскийСчетОрганизации")
        return None

    def item_of(self, line_name, contract_id, kind):
        """The service item a line bills: the contract's extra service it names, else rent
        (for the schedule's rent lines), else what the document's kind bills."""
        name = (line_name or "").strip()
        for service in sorted(self.services.get(contract_id, ()), key=len, reverse=True):
            if service and name.startswith(service):
                return service
        if name.startswith(RENT_ITEM) or kind == DocumentKind.RENT.value:
            return RENT_ITEM
        return subject(kind)


def _requisites(node, party):
    """Name, INN, KPP (legal entities only) and legal form: how 1C matches a party."""
    _el(node, "Наименование", _cut(party.name, 255))
    if party.full_name:
        _el(node, "НаименованиеПолное", _cut(party.full_name, 500))
    if party.inn:
        _el(node, "ИНН", party.inn)
    if party.kpp and party.kind == PartyKind.LEGAL.value:
        _el(node, "КПП", party.kpp)
    _el(node, "ЮридическоеФизическоеЛицо", "ЮридическоеЛицо" if party.kind == PartyKind.LEGAL.value else "ФизическоеЛицо")
    return node


def _currency(parent, tag="Валюта"):
    node = _el(parent, tag)
    classifier = _el(node, "ДанныеКлассификатора")
    _el(classifier, "Код", "643")
    _el(classifier, "Наименование", "руб.")
    return node


def _item(parent, name, tag="Номенклатура"):
    node = _el(parent, tag)
    _el(node, "Ссылка", reference("item", name))
    _el(node, "НаименованиеПолное", _cut(name, 1000))
    _el(node, "Наименование", _cut(name, 100))
    return node


def _vat_rate(parent, rate):
    """КлючевыеСвойстваСтавкиНДС of a rate (None: no VAT)."""
    node = _el(parent, "СтавкаНДС")
    if rate is None:
        _el(node, "РасчетнаяСтавка", False)
        _el(node, "НеОблагается", True)
        _el(node, "ВидСтавки", "БезНДС")
        return node
    _el(node, "Ставка", f"{rate * 100:.0f}")
    _el(node, "РасчетнаяСтавка", False)
    _el(node, "НеОблагается", False)
    # 1.19 names the general (22 %, before 2026 20 %), reduced (10 %; the 5 % and 7 % of the
    # simplified system have no kind of their own there, the rate itself says which) and zero rates.
    _el(node, "ВидСтавки", "Нулевая" if not rate else "Общая" if rate >= Decimal("0.20") else "Пониженная")
    return node


# --- the message ----------------------------------------------------------------------------

def _document_rows(session, model, executor_id, start, end, states):
    m = model.c
    query = (select(m.id, m.number, m.date, m.contract_id, m.customer_id, m.kind, m.amount, m.vat_amount, m.status, m.comment)
             .where(m.executor_id == executor_id, m.date.between(start, end), m.number.is_not(None), m.status.in_(states))
             .order_by(m.id))
    return session.execute(query.execution_options(yield_per=BATCH))


def _vat_invoice_rows(session, executor_id, start, end):
    v, a = VatInvoice.c, Act.c
    query = (select(v.id, v.number, v.date, a.contract_id, v.customer_id, v.amount, v.vat_amount, v.status, a.id, a.number,
                    a.date, a.kind)
             .join(Act, a.id == v.act_id)
             .where(v.executor_id == executor_id, v.date.between(start, end))
             .order_by(v.id))
    return session.execute(query.execution_options(yield_per=BATCH))


def _batches(result):
    """The rows of a streamed result (yield_per: a server-side cursor), BATCH at a time."""
    yield from result.partitions()


def _lines(session, line_model, owner, ids):
    """{document id: [(name, amount, vat)]} of a batch of documents: the lines of exactly these
    ids (one array on PostgreSQL; a month's documents are spread over the whole id range, so a
    range of ids would read many times the lines wanted)."""
    lines, c = defaultdict(list), line_model.c
    for clause in bulk.where_in(session, c[owner], ids):
        query = select(c[owner], c.name, c.amount, c.vat_amount).where(clause).order_by(c[owner], c.position, c.id)
        for owner_id, name, amount, vat in session.execute(query):
            lines[owner_id].append((name, amount, vat))
    return lines


def _involved(executor_id, start, end):
    """(customer_id, contract_id) of the documents the export carries, as a subquery."""
    selects = [select(m.c.customer_id, m.c.contract_id).where(
        m.c.executor_id == executor_id, m.c.date.between(start, end), m.c.number.is_not(None), m.c.status.in_(states))
        for m, states in ((Invoice, INVOICE_STATES), (Act, ACT_STATES))]
    return union(*selects).subquery()


def _items(session, executor_id, start, end, parties):
    """The service items the documents' lines bill (rent first, then by name)."""
    names = set()
    for model, line_model, owner in ((Invoice, InvoiceLine, "invoice_id"), (Act, ActLine, "act_id")):
        m, line = model.c, line_model.c
        query = (select(line.name, m.contract_id, m.kind).join(model, m.id == line[owner])
                 .where(m.executor_id == executor_id, m.date.between(start, end), m.number.is_not(None),
                        m.status.not_in(CANCELLED))
                 .group_by(line.name, m.contract_id, m.kind))
        for name, contract_id, kind in session.execute(query):
            names.add(parties.item_of(name, contract_id, kind))
    return sorted(names, key=lambda n: (n != RENT_ITEM, n))


def _header(created):
    header = etree.Element(f"{{{MSG}}}Header", nsmap={"msg": MSG})
    etree.SubElement(header, f"{{{MSG}}}Format").text = ED
    etree.SubElement(header, f"{{{MSG}}}CreationDate").text = _text(created)
    etree.SubElement(header, f"{{{MSG}}}AvailableVersion").text = VERSION
    return header


def _organization_object(parties):
    node = _object("Справочник.Организации")
    parties.organization(node, "КлючевыеСвойства")
    executor = parties.executor
    if executor.ogrn:
        _el(node, "ОГРН", executor.ogrn)
    _contacts(node, executor)
    if parties.accounts.get(executor.id):
        parties.bank_account(node, parties.accounts[executor.id][0])
    return node


def _contacts(node, party):
    rows = [(kind, value) for kind, value in (("ЮридическийАдрес", party.address), ("Телефон", party.phone),
                                              ("АдресЭлектроннойПочты", party.email)) if (value or "").strip()]
    if rows:
        info = _el(node, "КонтактнаяИнформация")
        for kind, value in rows:
            row = _el(info, "Строка")
            _el(row, "ВидКонтактнойИнформации", kind)
            _el(row, "ЗначенияПолей", value.strip())


def _customer_object(parties, customer_id):
    party = parties.customers[customer_id]
    node = _object("Справочник.Контрагенты")
    parties.customer(node, customer_id, "КлючевыеСвойства")
    _contacts(node, party)
    if parties.accounts.get(customer_id):
        parties.bank_account(node, parties.accounts[customer_id][0])
    return node


def _account_object(parties, account):
    node = _object("Справочник.БанковскиеСчета")
    parties.bank_account(node, account, "КлючевыеСвойства")
    _currency(node, "ВалютаДенежныхСредств")
    return node


def _contract_object(parties, contract_id):
    end = parties.contracts[contract_id].end_in_force
    return _document("Справочник.Договоры", [parties.contract_text(contract_id, "КлючевыеСвойства"),
                                             _t("СрокДействия", end) if end else ""])


def _item_object(name):
    node = _object("Справочник.Номенклатура")
    _item(node, name, "КлючевыеСвойства")
    _el(node, "ТипНоменклатуры", "Услуга")
    return node


# What XML 1.0 cannot carry: lxml refuses it in element text (ValueError), so do we.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _t(tag, value):
    """<tag>value</tag>, the value escaped (text) or formatted (bool, Decimal, date), exactly as lxml
    serializes the element (documents are written as this text): an empty one as <tag/>, a
    carriage return as the parser's newline."""
    if not isinstance(value, str):
        return f"<{tag}>{_text(value)}</{tag}>"
    if not value:
        return f"<{tag}/>"
    if _NOT_XML.search(value):
        etree.Element("text").text = value  # raises lxml's own ValueError
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return f"<{tag}>{escape(value)}</{tag}>"


def _key(parties, kind, row_id, number, day, tag="КлючевыеСвойства", number_first=False):
    moment = f"<Дата>{day.isoformat()}T00:00:00</Дата>"
    number = _t("Номер", number)
    return (f"<{tag}><Ссылка>{reference(kind, row_id)}</Ссылка>{number + moment if number_first else moment + number}"
            f"{parties.organization_text()}</{tag}>")


def _deletion(kind, tag, row_id):
    return _document("УдалениеОбъекта", [f"<СсылкаНаОбъект><СсылкаНаОбъект>{_t(tag, reference(kind, row_id))}"  # ЛюбаяСсылка
                                         "</СсылкаНаОбъект></СсылкаНаОбъект>"])


def _services(parties, lines, contract_id, kind, mode, contract_rate):
    """The service lines (Услуги/Строка): Сумма and Цена as the document shows them (with the
    VAT when it is included, without it when it is on top), the rate and the VAT of each line."""
    rows = []
    for position, (name, amount, vat) in enumerate(lines, start=1):
        net = _text(amount if mode == VatMode.INCLUDED.value else amount - vat)
        rows.append(f"<Строка><НомерСтрокиДокумента>{position}</НомерСтрокиДокумента>"
                    f"{parties.item_text(parties.item_of(name, contract_id, kind))}<Количество>1</Количество>"
                    f"<Сумма>{net}</Сумма><Цена>{net}</Цена>{parties.vat_rate_text(rate_of(amount, vat, mode, contract_rate))}"
                    f"{_t('СуммаНДС', vat)}{_t('Содержание', name)}</Строка>")
    return f"<Услуги>{''.join(rows)}</Услуги>"


def _document(tag, parts):
    """An object's XML text from its parts' text: the bytes lxml would write for it (its own
    namespace declaration included), written as they are — no tree per document."""
    return f'<{tag} xmlns="{ED}">{"".join(parts)}</{tag}>'


class _Out:
    """The message's body in order: elements through lxml's incremental writer, objects already
    XML text straight to the file after it (flushed first), a batch at a time."""

    def __init__(self, xf, out):
        self.xf, self.out, self.pending = xf, out, []

    def element(self, node):
        self.drain()
        self.xf.write(node)

    def text(self, xml):
        self.pending.append(xml)
        if len(self.pending) >= BATCH:
            self.drain()

    def drain(self):
        if self.pending:
            self.xf.flush()
            self.out.write("".join(self.pending).encode())
            self.pending.clear()


def _sale_document(tag, kind, row, lines, parties):
    """Документ.СчетПокупателю (an invoice) or Документ.РеализацияТоваровУслуг (an act)."""
    row_id, number, day, contract_id, customer_id, doc_kind, amount, vat, status, comment = row
    contract = parties.contracts[contract_id]
    mode = contract.vat_mode
    act = kind == "act"
    includes_vat = _t("СуммаВключаетНДС", mode != VatMode.ON_TOP.value)
    parts = [_key(parties, kind, row_id, number, day)]
    if act:
        parts.append("<ВидОперации>РеализацияКлиенту</ВидОперации>")
    parts += [parties.currency_text(), _t("Сумма", amount)]
    if act:
        parts += [includes_vat, parties.executor_account_text()]
    parts += [parties.customer_text(customer_id), parties.settlement_text(contract_id)]
    if act:
        parts.append(_t("Налогообложение", "ПродажаНеОблагаетсяНДС" if mode == VatMode.NONE.value else "ПродажаОблагаетсяНДС"))
    else:
        parts += [includes_vat, parties.executor_account_text()]
    parts.append(_services(parties, lines or [(subject(doc_kind), amount, vat)], contract_id, doc_kind, mode,
                           contract.vat_rate))
    if comment:
        parts.append(f"<ОбщиеСвойстваОбъектовФормата>{_t('Комментарий', comment)}</ОбщиеСвойстваОбъектовФормата>")
    return _document(tag, parts)


def _vat_invoice_document(row, lines, parties):
    row_id, number, day, contract_id, customer_id, amount, vat, status, act_id, act_number, act_date, kind = row
    contract = parties.contracts[contract_id]
    parts = [_key(parties, "vat_invoice", row_id, number, day, number_first=True), parties.currency_text(),
             _t("Сумма", amount), parties.customer_text(customer_id), parties.contract_text(contract_id)]
    rates = {rate_of(a, v, contract.vat_mode, contract.vat_rate) for _, a, v in lines} or {
        rate_of(amount, vat, contract.vat_mode, contract.vat_rate)}
    if len(rates) == 1:
        parts.append(parties.vat_rate_text(rates.pop()))
    parts += [_t("СуммаНДС", vat), "<ВидСчетаФактуры>НаРеализацию</ВидСчетаФактуры><КодВидаОперации>01</КодВидаОперации>"
              "<Выставлен>true</Выставлен>", _t("ДатаВыставления", day),
              "<СпособВыставления>НаБумажномНосителе</СпособВыставления><ДокументыОснования><Строка><ДокументОснование>",
              _key(parties, "act", act_id, act_number, act_date, tag="РеализацияТоваровУслугСсылка"),
              "</ДокументОснование></Строка></ДокументыОснования>"]
    return _document("Документ.СчетФактураВыданный", parts)


def write(session, executor, start, end, out, created=None):
    """Write the EnterpriseData message of `executor`'s documents dated start..end to the
    binary file `out`; returns the Summary."""
    check_request(executor, start, end)
    created = created or datetime.now()
    summary = Summary(executor.inn or executor.name, start, end)
    parties = _Parties(session, executor, _involved(executor.id, start, end))
    customer_ids, contract_ids = list(parties.customers), list(parties.contracts)
    with etree.xmlfile(out, encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element("Message", nsmap={"msg": MSG, "xs": "http://www.w3.org/2001/XMLSchema",
                                          "xsi": "http://www.w3.org/2001/XMLSchema-instance"}):
            xf.write(_header(created))
            with xf.element(f"{{{ED}}}Body", nsmap={None: ED}):
                body = _Out(xf, out)
                body.element(_organization_object(parties))
                for account in parties.accounts.get(executor.id, []):
                    body.element(_account_object(parties, account))
                for customer_id in customer_ids:
                    body.element(_customer_object(parties, customer_id))
                    for account in parties.accounts.get(customer_id, []):
                        body.element(_account_object(parties, account))
                for contract_id in contract_ids:
                    body.text(_contract_object(parties, contract_id))
                items = _items(session, executor.id, start, end, parties)
                for name in items:
                    body.element(_item_object(name))
                summary.counts.update(customers=len(customer_ids), contracts=len(contract_ids), items=len(items))
                _write_documents(session, body, parties, summary, start, end)
                body.drain()
    return summary


def _write_documents(session, body, parties, summary, start, end):
    executor = parties.executor
    for model, line_model, owner, states, tag, kind, count in (
        (Invoice, InvoiceLine, "invoice_id", INVOICE_STATES, "Документ.СчетПокупателю", "invoice", "invoices"),
        (Act, ActLine, "act_id", ACT_STATES, "Документ.РеализацияТоваровУслуг", "act", "acts"),
    ):
        for rows in _batches(_document_rows(session, model, executor.id, start, end, states)):
            lines = _lines(session, line_model, owner, [r[0] for r in rows if r[8] not in CANCELLED])
            for row in rows:
                if row[8] in CANCELLED:
                    body.text(_deletion(kind, f"{tag.split('.', 1)[1]}Ссылка", row[0]))
                    summary.counts["cancelled"] += 1
                else:
                    body.text(_sale_document(tag, kind, row, lines.get(row[0]), parties))
                    summary.counts[count] += 1
    if not executor.vat_invoices_enabled:
        return
    for rows in _batches(_vat_invoice_rows(session, executor.id, start, end)):
        lines = _lines(session, ActLine, "act_id", [r[8] for r in rows if r[7] not in CANCELLED])
        for row in rows:
            if row[7] in CANCELLED:
                body.text(_deletion("vat_invoice", "СчетФактураВыданныйСсылка", row[0]))
                summary.counts["cancelled"] += 1
            elif row[3] in parties.contracts:
                body.text(_vat_invoice_document(row, lines.get(row[8], []), parties))
                summary.counts["vat_invoices"] += 1

