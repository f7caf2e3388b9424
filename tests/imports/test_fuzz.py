"""Whatever bytes arrive, the parsers answer with operations or with ImportFailed — never
with another exception (which would surface as a server error instead of a clear message)."""
from datetime import date
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import ImportFailed
from app.imports import client_bank, v8_xml
from tests.statements import OURS, TENANT, document, statement

VALID = statement([document(1, date(2026, 2, 3), "1200.00", TENANT, OURS, "Оплата по счету № А-57"),
                   document(2, date(2026, 2, 4), "500", OURS, TENANT, "Возврат", incoming=False)])
KEYS = ["СекцияДокумент", "КонецДокумента", "СекцияРасчСчет", "КонецРасчСчет", "КонецФайла", "Сумма", "Дата", "Номер",
        "РасчСчет", "ПлательщикСчет", "ПолучательСчет", "ПлательщикИНН", "Плательщик", "Плательщик1", "Кодировка",
        "ДатаПоступило", "ДатаСписано", "НазначениеПлатежа", "сумма", "Неизвестный"]
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parses_or_refuses(data, parse=client_bank.parse):
    try:
        result = parse(data, date(2026, 12, 1))
    except ImportFailed as error:
        assert str(error)
    else:
        assert isinstance(result, list)


def damaged(data, edits):
    for at, cut, insert in edits:
        data = data[:at] + insert + data[at + cut:]
    return data


def edits_of(data):
    return st.lists(st.tuples(st.integers(0, len(data)), st.integers(0, 8), st.binary(max_size=8)), min_size=1, max_size=6)


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_after_the_signature(tail):
    parses_or_refuses(b"1CClientBankExchange\r\n" + tail)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(KEYS), st.booleans(), st.text(max_size=30)), max_size=60),
       st.sampled_from(["\r\n", "\n", "\r"]), st.sampled_from(["cp1251", "cp866", "utf-8"]))
def test_lines_of_real_keys_in_any_order(lines, newline, codec):
    text = newline.join(["1CClientBankExchange"] + [f"{key}={value}" if has_value else key for key, has_value, value in lines])
    parses_or_refuses(text.encode(codec, errors="replace"))


@FUZZ
@given(edits_of(VALID))
def test_a_valid_statement_damaged_anywhere(edits):
    parses_or_refuses(damaged(VALID, edits))


def outcome(data, layouts):
    """What the parser gives — the operations, or the error's text — reading documents by their learned
    layouts (`layouts`: how many it may learn) or each the careful way (0)."""
    with mock.patch.object(client_bank, "MAX_LAYOUTS", layouts):
        try:
            return client_bank.parse(data, date(2026, 12, 1))
        except ImportFailed as error:
            return str(error)


def in_batches(data, size=2):
    """The operations read in batches of `size` (as the loader reads a big file), or the error's text."""
    try:
        return [operation for batch in client_bank.Batches(data, date(2026, 12, 1), size) for operation in batch]
    except ImportFailed as error:
        return str(error)


def same_both_ways(data):
    parsed = outcome(data, client_bank.MAX_LAYOUTS)
    assert parsed == outcome(data, 0)
    assert parsed == in_batches(data)


STRANGER = dict(TENANT, name="ИП Сидоров", inn="500100732259", kpp="", account="40802810500000001234")
DOCUMENTS = [
    document(1, date(2026, 2, 3), "1200.00", TENANT, OURS, "Оплата по счету № А-57"),
    document(2, date(2026, 2, 4), "500", OURS, TENANT, "Возврат", incoming=False),
    document(3, date(2026, 2, 5), "77,10", STRANGER, OURS, "Аренда", kind="Банковский ордер"),
    document(4, date(2026, 2, 6), "1200.00", TENANT, OURS, "Оплата по счету № А-58"),
    [line.replace("Очередность=5", "Очередность=5\r\nКодНазПлатежа=1") for line in
     document(5, date(2026, 2, 7), "99.99", TENANT, OURS, "Другой порядок ключей")],
    document(6, date(2026, 2, 8), "10.00", STRANGER, OURS, "Ещё"),
]
SEVERAL = {newline: statement(DOCUMENTS, newline=newline) for newline in ("\r\n", "\n")}


def test_documents_after_the_first_of_their_layout_are_read_by_it():
    reader = client_bank._Reader(SEVERAL["\r\n"], "cp1251", True, date(2026, 12, 1))
    operations = [operation for batch in reader.read() for operation in batch]
    assert [op.number for op in operations] == ["1", "2", "3", "4", "5", "6"]
    assert len(reader.layouts) == 2  # documents 2, 3, 4 and 6 were read by the first one's layout
    same_both_ways(SEVERAL["\r\n"])


@FUZZ
@given(st.sampled_from(sorted(SEVERAL)), st.data())
def test_layouts_read_a_damaged_statement_as_the_careful_way_does(newline, data):
    """Whatever the damage (a key respelled, a value with a line break, a missing end, bytes that do not
    decode), reading by layouts gives the same operations or the same error as reading every document
    the careful way."""
    statement_bytes = SEVERAL[newline]
    same_both_ways(damaged(statement_bytes, data.draw(edits_of(statement_bytes))))


@FUZZ
@given(st.lists(st.sampled_from(["Сумма", "сумма", "Сумма ", " Дата", "Номер", "Номер", "ПлательщикИНН", "Неизвестный",
                                 "ПолучательСчет", "НазначениеПлатежа"]), min_size=1, max_size=8),
       st.sampled_from(["cp1251", "cp866", "utf-8"]))
def test_layouts_with_respelled_or_repeated_keys(keys, codec):
    """A document whose keys are respelled, repeated or unknown, after one of the usual layout: the same
    operations or error both ways."""
    extra = [f"{key}={n}" for n, key in enumerate(keys)]
    documents = [DOCUMENTS[0], DOCUMENTS[3][:-1] + extra + ["КонецДокумента"], DOCUMENTS[3]]
    same_both_ways(statement(documents, codec=codec, encoding_name="DOS" if codec == "cp866" else "Windows"))


XML = (Path(__file__).resolve().parent.parent / "fixtures" / "v8_xml" / "money.xml").read_bytes()


@FUZZ
@given(edits_of(XML))
def test_a_1c_xml_damaged_anywhere(edits):
    parses_or_refuses(damaged(XML, edits), parse=v8_xml.parse)
