"""The 1CClientBankExchange parser on statements built here: encodings, line endings, kinds, names, errors."""
from datetime import date
from decimal import Decimal

import pytest

from app.errors import ImportFailed
from app.imports import client_bank
from tests.statements import OURS, TENANT, document, statement

TODAY = date(2026, 12, 1)  # the parser's "today": it bounds the dates (a year ahead at most)


def parse(data, today=TODAY):
    return client_bank.parse(data, today)

RENT = "Оплата по счету № А-57 от 25.01.2026 за аренду. В т.ч. НДС 20% - 200.00"


def incoming(number=1, amount="1200.00", **fields):
    return document(number, date(2026, 2, 3), amount, TENANT, OURS, RENT, **fields)


def outgoing(number=2, amount="500.00"):
    return document(number, date(2026, 2, 4), amount, OURS, TENANT, "Возврат переплаты", incoming=False)


@pytest.mark.parametrize("codec, declared", [("cp1251", "Windows"), ("cp866", "DOS"), ("utf-8", "Windows"), ("utf-8-sig", "Windows")])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_every_encoding_and_line_ending_reads_the_same(codec, declared, newline):
    data = statement([incoming(), outgoing()], codec=codec, encoding_name=declared, newline=newline)

    first, second = parse(data)

    assert (first.number, first.date, first.amount, first.direction) == ("1", date(2026, 2, 3), Decimal("1200.00"), "incoming")
    assert first.payer.name == 'ООО "АРЕНДАТОР"' and first.payer.inn == "7709876543" and first.payer.kpp == "770901001"
    assert first.recipient.account == OURS["account"] and first.recipient.bik == "044525225"
    assert first.purpose == RENT
    assert (second.direction, second.amount, second.recipient.name) == ("outgoing", Decimal("500.00"), 'ООО "АРЕНДАТОР"')


@pytest.mark.parametrize("kind", ["Платежное поручение", "Банковский ордер", "Платежное требование", "Мемориальный ордер",
                                  "Инкассовое поручение", "Платёжный ордер", "Прочее"])
def test_every_document_kind_is_an_operation(kind):
    (operation,) = parse(statement([incoming(kind=kind)]))

    assert operation.kind == kind
    assert operation.amount == Decimal("1200.00")


def test_several_account_sections_and_unknown_keys():
    lines = incoming()
    lines.insert(3, "КакойТоНовыйКлюч=что-то")
    data = statement([lines]).replace(
        "КонецРасчСчет\r\n".encode("cp1251"),
        "КонецРасчСчет\r\nСекцияРасчСчет\r\nРасчСчет=40702810000000000002\r\nКонецРасчСчет\r\n".encode("cp1251"), 1)

    (operation,) = parse(data)

    assert operation.direction == "incoming"


def test_names_fall_back_to_the_composite_key_without_its_inn():
    lines = [line for line in incoming() if not line.startswith(("Плательщик1=", "ПлательщикИНН="))]
    lines = [line.replace(f"Плательщик=ИНН {TENANT['inn']} ", f"Плательщик={TENANT['inn']}, ") for line in lines]

    (operation,) = parse(statement([lines]))

    assert operation.payer.name == 'ООО "АРЕНДАТОР"'
    assert operation.payer.inn == TENANT["inn"]


def test_purpose_from_its_numbered_lines_and_keys_in_any_letter_case():
    lines = [line for line in incoming() if not line.startswith("НазначениеПлатежа=")]
    lines[-1:-1] = ["НАЗНАЧЕНИЕПЛАТЕЖА1=Оплата аренды", "назначениеплатежа2=за февраль"]
    lines = [line.replace("Сумма=", "СУММА=") for line in lines]

    (operation,) = parse(statement([lines]))

    assert operation.purpose == "Оплата аренды за февраль"
    assert operation.amount == Decimal("1200.00")


def test_direction_from_the_dates_when_no_account_is_the_statements():
    stranger = dict(TENANT, account="40702810900000000009")
    received = document(1, date(2026, 2, 3), "10", TENANT, stranger, "Перевод")
    written_off = document(2, date(2026, 2, 3), "10", stranger, TENANT, "Перевод", incoming=False)
    unknown = [line for line in received if not line.startswith("ДатаПоступило")]

    operations = parse(statement([received, written_off, unknown], account=OURS["account"]))

    assert [o.direction for o in operations] == ["incoming", "outgoing", None]


def test_zero_inn_and_kpp_mean_none():
    person = dict(TENANT, name="Иванов Иван Иванович", inn="0", kpp="0")

    (operation,) = parse(statement([document(1, date(2026, 2, 3), "10", person, OURS, "Аренда")]))

    assert (operation.payer.inn, operation.payer.kpp) == ("", "")


@pytest.mark.parametrize("change, message", [
    (lambda d: d.replace(b"1CClientBankExchange", b"1CClientBankExchangeX", 1), "первая строка"),
    (lambda d: d.replace("КонецФайла".encode("cp1251"), b""), "нет строки «КонецФайла»"),
    (lambda d: d.replace("КонецДокумента".encode("cp1251"), b"", 1), "не закончен строкой «КонецДокумента»"),
    (lambda d: d.replace("Сумма=1200.00".encode("cp1251"), "Сумма=двенадцать".encode("cp1251")), "сумма не число"),
    (lambda d: d.replace("Сумма=1200.00".encode("cp1251"), b"\xd1\xf3\xec\xec\xe0=0"), "больше нуля"),
    (lambda d: d.replace("Сумма=1200.00".encode("cp1251"), b"\xd1\xf3\xec\xec\xe0=1.001"), "двух знаков"),
    (lambda d: d.replace("Дата=03.02.2026".encode("cp1251"), "Дата=31.02.2026".encode("cp1251")), "ДД.ММ.ГГГГ"),
    (lambda d: d.replace("Номер=1\r\n".encode("cp1251"), "Номер=1\r\nмусор без знака равенства\r\n".encode("cp1251")),
     "ожидалась строка вида «Ключ=Значение»"),
    (lambda d: d + "СекцияДокумент=Платежное поручение\r\n".encode("cp1251"), "после «КонецФайла»"),
])
def test_a_broken_statement_is_refused_with_its_line(change, message):
    with pytest.raises(ImportFailed) as refused:
        parse(change(statement([incoming()])))

    assert message in str(refused.value)


def test_the_error_names_the_line_where_the_document_starts():
    data = statement([incoming(1), incoming(2, amount="abc")])

    with pytest.raises(ImportFailed, match="^Строка 60: сумма не число в записи банка .*: «abc»"):
        parse(data)


def test_utf8_with_replaced_letters_is_refused():
    data = statement([incoming()], codec="utf-8").replace("Получатель1".encode(), "\ufffd\ufffd".encode())

    with pytest.raises(ImportFailed, match="испорченной кодировке"):
        parse(data)


def test_mixed_encodings_are_refused():
    data = statement([incoming()], codec="utf-8") + statement([incoming()], codec="cp1251")

    with pytest.raises(ImportFailed):
        parse(data)


def test_the_garbage_collector_is_on_again_after_a_statement_is_read_or_refused():
    import gc

    good, bad = statement([incoming(), outgoing()]), statement([incoming(amount="1e9")])
    parse(good)
    assert gc.isenabled()
    with pytest.raises(ImportFailed):
        parse(bad)
    assert gc.isenabled()
    with pytest.raises(ImportFailed):
        list(client_bank.Batches(bad, TODAY, 1))
    batches = iter(client_bank.Batches(good, TODAY, 1))
    next(batches)
    assert gc.isenabled()  # paused only while a batch is read, not while the caller works on it
    gc.disable()
    try:
        parse(good)
        assert not gc.isenabled()  # left off when it was off
    finally:
        gc.enable()
