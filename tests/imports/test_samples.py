"""Every real statement in tests/fixtures/client_bank (exports of Tinkoff, Sber, VTB, UniCredit,
Raiffeisen, Ozon Bank and others): the valid ones parse with the right count, directions and sums
(the sums checked against the files' own balance sections where those cover the documents), the
truncated and broken ones are refused with a message naming the problem. dronm's hand-made sample has a
13-digit INN, refused as it is (never cut to a plausible 12-digit one); with that INN corrected it reads
as every valid one."""
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from app.errors import ImportFailed
from app.imports import client_bank

TODAY = date(2026, 12, 1)
SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "client_bank"

# file -> (documents, incoming, outgoing, incoming total, outgoing total)
VALID = {
    "dronm_clbnk__kl_to_1c.txt": (3, 0, 3, "0", "169992.00"),
    "kilylabs__one_day.txt": (13, 3, 10, "40000.00", "41184.00"),  # = ВсегоПоступило / ВсегоСписано
    "kilylabs__one_day_utf8.txt": (13, 3, 10, "40000.00", "41184.00"),
    "odin_palace__no_documents.txt": (0, 0, 0, "0", "0"),
    "odin_palace__one_document.txt": (1, 1, 0, "1000.00", "0"),
    "odin_palace__one_document_utf.txt": (1, 1, 0, "1000.00", "0"),
    "odin_palace__statement-137442.txt": (129, 103, 26, "1027356.16", "642268.31"),  # incoming = ВсегоПоступило
    "odin_palace__taxdev_4645.txt": (9, 9, 0, "66770.00", "0"),
    "odin_palace__taxdev_4645_utf.txt": (10, 10, 0, "67770.00", "0"),  # = ВсегоПоступило
    "odin_palace__two_accounts.txt": (6, 1, 5, "10106.78", "159.56"),
    "odin_palace__two_documents.txt": (2, 2, 0, "1100.00", "0"),
    "odin_palace__unknown_direction.txt": (2, 1, 1, "207459.00", "4900.00"),  # = the balance section
    "odin_palace__version_1_03.txt": (2, 1, 1, "158654.52", "140000.00"),  # = the balance sections
    "odoo-ru__kl_to_1c.txt": (1, 0, 1, "0", "108159.12"),
}
REFUSED = {
    "odin_palace__no_end_of_account.txt": "Строка 20: раздел «СекцияРасчСчет» не закончен строкой «КонецРасчСчет»",
    "odin_palace__no_end_of_document.txt": "документ со строки 20 не закончен строкой «КонецДокумента»",
    "odin_palace__no_end_of_file.txt": "файл обрезан: нет строки «КонецФайла»",
    "odin_palace__statement-131911.txt": "Строка 2: файл в испорченной кодировке",
    "dronm_clbnk__kl_to_1c.txt": "^Строка 86: ПолучательИНН: ИНН — не больше 12 цифр: «7123456789012»",
}
# Samples read as valid once a value a bank would never write is corrected in memory (the file stays as published).
CORRECTED = {"dronm_clbnk__kl_to_1c.txt": (b"7123456789012", b"712345678901")}


def sample(name):
    data = (SAMPLES / name).read_bytes()
    if name in CORRECTED:
        data = data.replace(*CORRECTED[name])
    return data


def parse(data):
    return client_bank.parse(data, TODAY)


def test_every_sample_is_covered():
    assert set(VALID) | set(REFUSED) == {p.name for p in SAMPLES.glob("*.txt") if not p.name.startswith("LICENSE")}


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_sample(name):
    count, incoming, outgoing, incoming_total, outgoing_total = VALID[name]

    operations = parse(sample(name))

    directions = Counter(o.direction for o in operations)
    assert (len(operations), directions["incoming"], directions["outgoing"]) == (count, incoming, outgoing)
    assert sum((o.amount for o in operations if o.direction == "incoming"), Decimal(0)) == Decimal(incoming_total)
    assert sum((o.amount for o in operations if o.direction == "outgoing"), Decimal(0)) == Decimal(outgoing_total)


@pytest.mark.parametrize("name, message", sorted(REFUSED.items()))
def test_broken_sample_is_refused(name, message):
    with pytest.raises(ImportFailed, match=message):
        parse((SAMPLES / name).read_bytes())


def test_tinkoff_bank_order_read_by_hand():
    (operation,) = parse((SAMPLES / "odin_palace__one_document.txt").read_bytes())

    assert (operation.kind, operation.number, operation.date) == ("Банковский ордер", "481554", date(2024, 4, 13))
    assert (operation.payer.name, operation.payer.account) == ("Петров Петр Петрович", "30233000000000000004")
    assert (operation.recipient.inn, operation.recipient.bank) == ("260000000002", 'АО "ТИНЬКОФФ БАНК"')
    assert operation.purpose == "Оплата по договору"


def test_tinkoff_incoming_despite_the_written_off_date():
    """taxdev_4645: every document has ДатаСписано and no ДатаПоступило, yet all are incoming by account."""
    operations = parse((SAMPLES / "odin_palace__taxdev_4645.txt").read_bytes())

    assert {o.direction for o in operations} == {"incoming"}


def test_unicredit_foreign_payer_read_by_hand():
    outgoing, incoming = parse((SAMPLES / "odin_palace__unknown_direction.txt").read_bytes())

    assert (outgoing.number, outgoing.amount, outgoing.recipient.account) == ("6502", Decimal("4900.00"), "70601000000000000006")
    assert (incoming.number, incoming.amount, incoming.payer.bank) == ("FDC240", Decimal("207459.00"), "NEW YORK NY USA")
    assert incoming.payer.bik == ""


def test_vtb_with_every_key_read_by_hand():
    """«Банк Клиент Онлайн» writes every key, `Плательщик=7123456789, ООО "…"` among them."""
    order, first, second = parse(sample("dronm_clbnk__kl_to_1c.txt"))

    assert (order.kind, order.number, order.amount) == ("Банковский ордер", "69147", Decimal("6936.00"))
    assert (first.kind, first.number, first.amount) == ("Платежное поручение", "1", Decimal("13056.00"))
    assert (first.payer.name, first.payer.inn) == ('ООО "Рога и копыта"', "7123456789")
    assert second.amount == Decimal("150000.00")


def test_utf8_and_cp1251_copies_of_one_statement_are_equal():
    cp1251 = parse((SAMPLES / "kilylabs__one_day.txt").read_bytes())
    utf8 = parse((SAMPLES / "kilylabs__one_day_utf8.txt").read_bytes())

    assert cp1251 == utf8
