"""Whatever bytes arrive, the parsers answer with operations or with ImportFailed — never
with another exception (which would surface as a server error instead of a clear message)."""
from datetime import date
from pathlib import Path

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


XML = (Path(__file__).resolve().parent.parent / "fixtures" / "v8_xml" / "money.xml").read_bytes()


@FUZZ
@given(edits_of(XML))
def test_a_1c_xml_damaged_anywhere(edits):
    parses_or_refuses(damaged(XML, edits), parse=v8_xml.parse)
