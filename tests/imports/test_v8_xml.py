"""1C «Выгрузка и загрузка данных XML»: the four money documents, references resolved, hostile XML refused."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import ImportFailed
from app.imports import v8_xml

TODAY = date(2026, 12, 1)
MONEY_XML = Path(__file__).resolve().parent.parent / "fixtures" / "v8_xml" / "money.xml"


def parse(data, today=TODAY):
    return v8_xml.parse(data, today)


def parse_fixture(change=lambda text: text):
    return parse(change(MONEY_XML.read_text(encoding="utf-8")).encode("utf-8"))


def test_the_four_documents_with_their_counterparties():
    bank_in, cash_in, cash_in_text, bank_out, cash_out = parse_fixture()

    assert (bank_in.kind, bank_in.direction, bank_in.number, bank_in.date, bank_in.amount) == (
        "ПоступлениеНаРасчетныйСчет", "incoming", "412", date(2026, 2, 3), Decimal("1200.00"))
    assert (bank_in.payer.name, bank_in.payer.inn, bank_in.payer.kpp) == ("Арендатор ООО", "7709876543", "770901001")
    assert (bank_in.payer.account, bank_in.payer.bik, bank_in.payer.bank) == ("40702810400000004583", "044525593", 'АО "АЛЬФА-БАНК"')
    assert (bank_in.recipient.inn, bank_in.recipient.account) == ("7701234567", "40702810938000012345")
    assert bank_in.purpose.startswith("Оплата по счету № А-57")
    assert bank_in.identity == "1f0e8c2a-0e77-11f0-9a1b-0050569f0001"

    assert (cash_in.kind, cash_in.direction, cash_in.amount) == ("ПриходныйКассовыйОрдер", "incoming", Decimal("350.50"))
    assert (cash_in.payer.name, cash_in.payer.inn) == ("Петров Пётр Петрович", "500100732259")  # an individual (ФизическиеЛица)
    assert cash_in.purpose == "Оплата парковки за февраль"
    assert (cash_in_text.payer.name, cash_in_text.payer.inn) == ("Сидорова Анна Ивановна", "")  # ПринятоОт, no reference

    assert (bank_out.kind, bank_out.direction, bank_out.date) == ("СписаниеСРасчетногоСчета", "outgoing", date(2026, 2, 7))
    assert (bank_out.payer.inn, bank_out.recipient.inn) == ("7701234567", "7709876543")
    assert (cash_out.kind, cash_out.direction, cash_out.recipient.name) == ("РасходныйКассовыйОрдер", "outgoing", "Петров Пётр Петрович")


def test_documents_marked_for_deletion_and_other_objects_are_skipped():
    assert "Помечен на удаление" not in {o.purpose for o in parse_fixture()}
    assert len(parse_fixture()) == 5


def test_a_default_namespace_instead_of_prefixes():
    operations = parse_fixture(lambda text: text.replace("<v8:", "<").replace("</v8:", "</").replace(
        '<V8Exch:Data>', '<V8Exch:Data xmlns="http://v8.1c.ru/8.1/data/enterprise/current-config">'))

    assert [o.amount for o in operations] == [Decimal(v) for v in ("1200", "350.50", "100", "500", "75")]


def test_a_reference_missing_from_the_file_is_named():
    with pytest.raises(ImportFailed, match="Контрагент.*9a3c1e2f-5b6d-11ee-8c90-0242ac120002.*по ссылкам"):
        parse_fixture(lambda text: text.replace("<v8:Ref>9a3c1e2f-5b6d-11ee-8c90-0242ac120002</v8:Ref>", "<v8:Ref>x</v8:Ref>"))


@pytest.mark.parametrize("change, message", [
    (lambda t: t.replace("<v8:СуммаДокумента>1200</v8:СуммаДокумента>", ""), "Строка 5: у документа ПоступлениеНаРасчетныйСчет нет суммы"),
    (lambda t: t.replace("<v8:СуммаДокумента>1200</v8:СуммаДокумента>", "<v8:СуммаДокумента>-5</v8:СуммаДокумента>"), "больше нуля"),
    (lambda t: t.replace("2026-02-03T00:00:00", "2026-13-03T00:00:00"), "дата не в формате"),
    (lambda t: t.replace("</V8Exch:Data>", ""), "XML повреждён"),
    (lambda t: t[: len(t) // 2], "XML повреждён"),
    (lambda t: t.replace("V8Exch:_1CV8DtUD", "V8Exch:Other"), "корневой элемент"),
])
def test_a_malformed_file_is_refused_with_its_line(change, message):
    with pytest.raises(ImportFailed, match=message):
        parse_fixture(change)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<V8Exch:_1CV8DtUD xmlns:V8Exch="http://www.1c.ru/V8/1CV8DtUD/"><V8Exch:Data>&xxe;</V8Exch:Data></V8Exch:_1CV8DtUD>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<V8Exch:_1CV8DtUD xmlns:V8Exch="http://www.1c.ru/V8/1CV8DtUD/"><V8Exch:Data><a>&lol3;</a></V8Exch:Data></V8Exch:_1CV8DtUD>"""
REMOTE_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://127.0.0.1:9/evil.dtd">
<V8Exch:_1CV8DtUD xmlns:V8Exch="http://www.1c.ru/V8/1CV8DtUD/"><V8Exch:Data/></V8Exch:_1CV8DtUD>"""


@pytest.mark.parametrize("data", [XXE, LAUGHS, REMOTE_DTD], ids=["external entity", "billion laughs", "remote DTD"])
def test_doctype_and_entities_are_refused(data):
    with pytest.raises(ImportFailed, match="DOCTYPE"):
        parse(data)


def test_an_undeclared_entity_is_a_syntax_error_not_a_lookup():
    with pytest.raises(ImportFailed, match="XML повреждён"):
        parse(b'<V8Exch:_1CV8DtUD xmlns:V8Exch="http://www.1c.ru/V8/1CV8DtUD/"><V8Exch:Data>&xxe;</V8Exch:Data></V8Exch:_1CV8DtUD>')
