"""1C «Выгрузка и загрузка данных XML» (`_1CV8DtUD`, FORMATS.md §B): money documents to operations.

`parse(data, today) -> [Operation]` for ПоступлениеНаРасчетныйСчет and ПриходныйКассовыйОрдер (incoming),
СписаниеСРасчетногоСчета and РасходныйКассовыйОрдер (outgoing); other objects are only read as the
targets of references: counterparties, organisations, individuals, bank accounts and banks give the
name, INN, KPP, account and BIK that a document refers to by GUID. Documents marked for deletion
are skipped. Elements match by local name, so both the `v8:` prefix and a default namespace work.
Amounts, INN/KPP/BIK/account numbers and dates are checked strictly (operation.py), a refusal naming
the line and the element (`СуммаДокумента`, `Контрагенты.ИНН`, `БанковскиеСчета.НомерСчета` …).

The file is untrusted: a pull parser with entities, DTDs and the network off reads it in chunks and
drops each object once read; a DOCTYPE is refused outright (no XXE, no entity expansion).
"""
from datetime import date
import re

from lxml import etree

from app.domain.enums import N_, Direction
from app.errors import ImportFailed
from app.imports.operation import Operation, Side, amount, check_date, code, digits_or_blank, failure

ROOT = "_1CV8DtUD"
EMPTY_REF = "00000000-0000-0000-0000-000000000000"
CHUNK = 1 << 20
INCOMING, OUTGOING = Direction.INCOMING.value, Direction.OUTGOING.value
# document type -> (direction, its purpose attribute); the organisation is the recipient of incoming money
DOCUMENTS = {
    "ПоступлениеНаРасчетныйСчет": (INCOMING, "НазначениеПлатежа"),
    "ПриходныйКассовыйОрдер": (INCOMING, "Основание"),
    "СписаниеСРасчетногоСчета": (OUTGOING, "НазначениеПлатежа"),
    "РасходныйКассовыйОрдер": (OUTGOING, "Основание"),
}
BANKS = ("Банки", "КлассификаторБанков")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}:[0-9]{2})?", re.ASCII)


def hardened_parser():
    """The only way this module reads XML: no entities, no DTD, no network, libxml2's size limits on."""
    return etree.XMLPullParser(
        events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_comments=True, remove_pis=True,
    )


def _local(tag):
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _objects(data):
    """(type, kind, line, {property: text}) for each object under Data, e.g. ("DocumentObject", "ПриходныйКассовыйОрдер", …)."""
    parser = hardened_parser()
    depth, in_data = 0, False
    try:
        for offset in range(0, len(data) or 1, CHUNK):
            parser.feed(data[offset:offset + CHUNK])
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    if depth == 1:
                        if element.getroottree().docinfo.doctype:
                            raise ImportFailed(N_("XML с объявлением DOCTYPE не принимается (возможна атака через сущности)."))
                        if _local(element.tag) != ROOT:
                            raise ImportFailed(N_("Это не выгрузка 1С «Выгрузка и загрузка данных XML»: корневой элемент "
                                                  "должен быть _1CV8DtUD, а не %(tag)s.") % {"tag": _local(element.tag)})
                    elif depth == 2:
                        in_data = _local(element.tag) == "Data"
                    continue
                depth -= 1
                if depth == 2 and in_data:
                    kind_type, _, kind = _local(element.tag).partition(".")
                    properties = {_local(child.tag): (child.text or "").strip() for child in element if len(child) == 0}
                    yield kind_type, kind, element.sourceline, properties
                    element.clear()
                    parent = element.getparent()
                    if parent is not None:
                        parent.remove(element)
        parser.close()
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0)
        raise failure(line, N_("XML повреждён:"), error.msg) from None


def parse(data: bytes, today) -> list[Operation]:
    """The money documents of a 1C XML; `today` bounds their dates (at most a year ahead)."""
    references, documents = {}, []
    for kind_type, kind, line, properties in _objects(data):
        if kind_type == "DocumentObject" and kind in DOCUMENTS:
            documents.append((kind, line, properties))
        elif kind_type == "CatalogObject" and properties.get("Ref"):
            references[properties["Ref"]] = (kind, properties, line)
    reader = _References(references, today)
    return [
        reader.operation(kind, line, properties)
        for kind, line, properties in documents
        if properties.get("DeletionMark") != "true"
    ]


class _References:
    def __init__(self, catalog, today):
        self.catalog, self.today = catalog, today

    def find(self, ref, line, what):
        if not ref or ref == EMPTY_REF:
            return None
        if ref not in self.catalog:
            raise failure(line, N_("в файле нет объекта, на который ссылается «%(what)s» (%(ref)s): выгрузите из 1С "
                                   "вместе с объектами по ссылкам.") % {"what": what, "ref": ref})
        return self.catalog[ref]

    def side(self, properties, party, account, line, name=""):
        """Payer or recipient from a reference to a counterparty/organisation/individual and its bank account."""
        found = self.find(properties.get(party), line, party)
        side = Side(name=name)
        if found:
            kind, fields, at = found
            side.name = fields.get("Description") or fields.get("НаименованиеПолное") or name
            side.inn = code("inn", digits_or_blank(fields.get("ИНН")), at, f"{kind}.ИНН")
            side.kpp = code("kpp", digits_or_blank(fields.get("КПП")), at, f"{kind}.КПП")
        bank_account = self.find(properties.get(account), line, account) if account else None
        if bank_account:
            kind, fields, at = bank_account
            side.account = code("account", fields.get("НомерСчета", "").replace(" ", ""), at, f"{kind}.НомерСчета")
            bank = self.find(fields.get("Банк"), line, "Банк")
            if bank and bank[0] in BANKS:
                side.bik = code("bik", bank[1].get("Code", ""), bank[2], f"{bank[0]}.Code")
                side.bank = bank[1].get("Description", "")
        return side

    def operation(self, kind, line, properties):
        direction, purpose_key = DOCUMENTS[kind]
        bank = kind.endswith("РасчетныйСчет") or kind.endswith("РасчетногоСчета")
        ours = self.side(properties, "Организация", "СчетОрганизации" if bank else None, line)
        # A cash order may name a person in text only (ПринятоОт / Выдать).
        theirs = self.side(properties, "Контрагент", "СчетКонтрагента" if bank else None, line,
                           name=properties.get("ПринятоОт") or properties.get("Выдать") or "")
        if not properties.get("СуммаДокумента"):
            raise failure(line, N_("у документа %(kind)s нет суммы (СуммаДокумента).") % {"kind": kind})
        when, date_key = _date(properties, "ДатаВходящегоДокумента", line), "ДатаВходящегоДокумента"
        if when is None:
            when, date_key = _date(properties, "Date", line), "Date"
        if when is None:
            raise failure(line, N_("у документа %(kind)s нет даты.") % {"kind": kind})
        incoming = direction == INCOMING
        return Operation(
            line=line, kind=kind, date=check_date(when, line, self.today, date_key),
            number=properties.get("НомерВходящегоДокумента") or properties.get("Number", ""),
            amount=amount(properties["СуммаДокумента"], line, "СуммаДокумента"),
            payer=theirs if incoming else ours, recipient=ours if incoming else theirs,
            purpose=properties.get(purpose_key, ""), direction=direction, identity=properties.get("Ref", ""),
            accounts=(ours.account,) if ours.account else (), accounts_where="СчетОрганизации",
        )


def _date(properties, key, line):
    """`2025-03-31T12:00:00` -> date; 1C's empty date `0001-01-01T00:00:00` and blanks -> None."""
    text = properties.get(key)
    if not text or text.startswith("0001-01-01"):
        return None
    try:
        if _DATE.fullmatch(text):
            return date.fromisoformat(text[:10])
    except ValueError:
        pass
    raise failure(line, f"{key}: " + N_("дата не в формате ГГГГ-ММ-ДД:"), f"«{text}»")

