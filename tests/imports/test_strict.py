"""Strict import input, both formats: amounts only in bank notation, codes never cut, dates in a sane
window, a stranger's statement refused, a transfer between our own accounts recorded as such, a cp1251
file under «Кодировка=DOS» named as an encoding problem. A refused file imports nothing."""
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain import attention
from app.errors import ImportFailed
from app.imports import loader
from app.models import Allocation, Payment
from tests import factories
from tests.statements import TENANT, document, statement

MONEY_XML = (Path(__file__).resolve().parent.parent / "fixtures" / "v8_xml" / "money.xml").read_text(encoding="utf-8")
XML_ACCOUNT = "40702810938000012345"  # the organisation's account in money.xml


@pytest.fixture()
def ours(session):
    """Our executor, owning the account of the statements built here and of money.xml."""
    return factories.executor_with_accounts(session, XML_ACCOUNT, inn="7701234564")


def our_side(executor, account=XML_ACCOUNT):
    return dict(name=executor.name, inn=executor.inn, kpp=executor.kpp, account=account, bik="044525225", bank="ПАО СБЕРБАНК")


def text_statement(executor, day=date(2026, 2, 3), **tenant):
    return statement([document(1, day, "1200.00", TENANT, our_side(executor), "Аренда"),
                      document(2, day, "10.00", dict(TENANT, **tenant), our_side(executor), "Пени")], account=XML_ACCOUNT,
                     codec="utf-8")


def refused(session, data, today):
    """The message of a refused import, after checking that nothing was stored."""
    with pytest.raises(ImportFailed) as error:
        loader.import_file(session, data, today=today)
    session.rollback()
    assert session.scalar(select(func.count(Payment.id))) == 0
    return str(error.value)


def xml(change=lambda text: text):
    return change(MONEY_XML).encode("utf-8")


def xml_amount(value):
    return xml(lambda t: t.replace("<v8:СуммаДокумента>1200</v8:СуммаДокумента>", f"<v8:СуммаДокумента>{value}</v8:СуммаДокумента>"))


NOT_BANK_NOTATION = ["1e9", "1E-2", "1_000.00", "+500", "١٢٠٠", "NaN", "Infinity", "1 200.00", "1200.", ".50", "0x10"]


@pytest.mark.parametrize("value", NOT_BANK_NOTATION)
def test_an_amount_not_in_bank_notation_is_refused_in_a_statement(session, ours, today, value):
    data = statement([document(1, date(2026, 2, 3), value, TENANT, our_side(ours), "Аренда")], account=XML_ACCOUNT,
                     codec="utf-8")

    message = refused(session, data, today)

    assert message.startswith("Строка 20: сумма не число в записи банка") and f"«{value}»" in message


@pytest.mark.parametrize("value", NOT_BANK_NOTATION)
def test_an_amount_not_in_bank_notation_is_refused_in_1c_xml(session, ours, today, value):
    message = refused(session, xml_amount(value), today)

    assert message.startswith("Строка 5: СуммаДокумента: сумма не число в записи банка") and f"«{value}»" in message


@pytest.mark.parametrize("value, stored", [("1200", "1200.00"), ("1200,5", "1200.50"), ("1200.05", "1200.05"), (" 7,00 ", "7.00")])
def test_bank_notation_still_imports(session, ours, today, value, stored):
    data = statement([document(1, date(2026, 2, 3), value, TENANT, our_side(ours), "Аренда")], account=XML_ACCOUNT)

    loader.import_file(session, data, today=today)

    assert session.scalars(select(Payment.amount)).one() == Decimal(stored)


@pytest.mark.parametrize("field, value, message", [
    ("inn", "7" * 5000, "ПлательщикИНН: ИНН — не больше 12 цифр"),
    ("inn", "7709876543x", "ПлательщикИНН: ИНН — не больше 12 цифр"),
    ("kpp", "7709010010", "ПлательщикКПП: КПП — не больше 9 знаков"),
    ("bik", "0445255930", "ПлательщикБИК: БИК — не больше 9 цифр"),
    ("account", "4" * 21, "ПлательщикРасчСчет: номер счёта — не больше 20 цифр"),
    ("account", "4070281040000000458٣", "ПлательщикРасчСчет: номер счёта — не больше 20 цифр"),
])
def test_a_code_too_long_or_not_digits_is_refused_in_a_statement_not_cut(session, ours, today, field, value, message):
    text = refused(session, text_statement(ours, **{field: value}), today)

    assert text.startswith(f"Строка 60: {message}")  # the second document names the party first
    assert value[:40] in text


@pytest.mark.parametrize("old, new, message", [
    ("<v8:ИНН>7709876543</v8:ИНН>", "<v8:ИНН>" + "7" * 5000 + "</v8:ИНН>", "Строка 29: Контрагенты.ИНН: ИНН — не больше 12 цифр"),
    ("<v8:КПП>770901001</v8:КПП>", "<v8:КПП>7709010011</v8:КПП>", "Строка 29: Контрагенты.КПП: КПП — не больше 9 знаков"),
    ("<v8:Code>044525593</v8:Code>", "<v8:Code>0445255931</v8:Code>", "Строка 50: Банки.Code: БИК — не больше 9 цифр"),
    ("<v8:НомерСчета>40702810400000004583</v8:НомерСчета>", "<v8:НомерСчета>407028104000000045831</v8:НомерСчета>",
     "Строка 41: БанковскиеСчета.НомерСчета: номер счёта — не больше 20 цифр"),
])
def test_a_code_too_long_is_refused_in_1c_xml_naming_the_element(session, ours, today, old, new, message):
    assert refused(session, xml(lambda t: t.replace(old, new)), today).startswith(message)


def test_names_are_still_cut_to_their_columns(session, ours, today):
    odd = dict(TENANT, name="Я" * 600, bank="Б" * 300)

    loader.import_file(session, statement([document("N" * 50, date(2026, 2, 3), "5", odd, our_side(ours), "Аренда")],
                                          account=XML_ACCOUNT), today=today)

    payment = session.scalars(select(Payment)).one()
    assert (len(payment.payer_name), len(payment.payer_bank), len(payment.number)) == (500, 255, 40)


@pytest.mark.parametrize("day, kind", [(date(1999, 12, 31), "early"), (None, "late")])
def test_a_date_outside_the_window_is_refused_in_a_statement(session, ours, today, day, kind):
    day = day or today + timedelta(days=367)

    message = refused(session, text_statement(ours, day=day), today)

    assert message.startswith(f"Строка 20: Дата: дата {day:%d.%m.%Y} вне допустимого диапазона (с 01.01.2000")


def test_a_date_a_year_ahead_still_imports(session, ours, today):
    day = today + timedelta(days=365)

    loader.import_file(session, text_statement(ours, day=day), today=today)

    assert set(session.scalars(select(Payment.date))) == {day}


@pytest.mark.parametrize("value, key", [("1999-12-31T00:00:00", "ДатаВходящегоДокумента"), ("2126-02-03T00:00:00", "ДатаВходящегоДокумента"),
                                        ("٢٠٢٦-02-03T00:00:00", "ДатаВходящегоДокумента")])
def test_a_date_outside_the_window_is_refused_in_1c_xml(session, ours, today, value, key):
    message = refused(session, xml(lambda t: t.replace("2026-02-03T00:00:00", value)), today)

    assert message.startswith(f"Строка 5: {key}: дата")


def test_a_statement_of_a_strangers_account_is_refused_naming_it(session, ours, today):
    stranger = dict(TENANT, inn="7703000018", account="40702810200000000001")
    data = statement([document(n, date(2026, 2, 3), "10", TENANT, stranger, "Аренда") for n in (1, 2)], account=stranger["account"])

    message = refused(session, data, today)

    assert message.startswith("Строка 20: счёт выписки 40702810200000000001 не принадлежит ни одному из наших исполнителей")


def test_an_account_of_our_executor_missing_from_its_card_is_a_strangers(session, ours, today):
    elsewhere = our_side(ours, account="40702810777700000001")
    data = statement([document(1, date(2026, 2, 3), "10", TENANT, elsewhere, "Аренда")], account=elsewhere["account"])

    assert "счёт выписки 40702810777700000001 не принадлежит" in refused(session, data, today)


def test_an_operation_with_neither_side_ours_is_refused(session, ours, today):
    stranger = dict(TENANT, inn="7703000018", account="40702810600000000001")
    data = statement([document(1, date(2026, 2, 3), "10", TENANT, stranger, "Перевод")], account="")  # names no account

    assert refused(session, data, today).startswith(
        "Строка 20: ни счёт плательщика 40702810400000004583, ни счёт получателя 40702810600000000001 не принадлежат")


def test_1c_xml_of_a_strangers_organisation_account_is_refused(session, today):
    factories.executor(session)  # ours, with another account

    assert refused(session, xml(), today).startswith(
        f"Строка 5: СчетОрганизации {XML_ACCOUNT} не принадлежит ни одному из наших исполнителей")


def test_a_transfer_between_our_accounts_is_recorded_not_allocated_nor_flagged(session, ours, today):
    other = factories.executor_with_accounts(session, "40702810500000000077")
    factories.invoice(session, factories.contract(session, executor=ours, customer=other), amount=Decimal("1000.00"))
    theirs = dict(our_side(other, account="40702810500000000077"))
    data = statement([document(1, date(2026, 2, 3), "1000.00", theirs, our_side(ours), "Перевод собственных средств"),
                      document(2, date(2026, 2, 4), "300.00", our_side(ours), theirs, "Перевод", incoming=False),
                      document(3, date(2026, 2, 5), "50.00", TENANT, our_side(ours), "Аренда")], account=XML_ACCOUNT)

    batch = loader.import_file(session, data, today=today)

    rows = session.scalars(select(Payment).order_by(Payment.number)).all()
    assert [(p.direction, p.internal_transfer) for p in rows] == [("incoming", True), ("outgoing", True), ("incoming", False)]
    assert session.scalar(select(func.count(Allocation.id))) == 0
    assert (batch.allocated, batch.not_allocated) == (0, 1)  # only the tenant's payment waits for allocation
    assert attention.counts(session, today, kinds=("money",)).by_rule["money"]["not_allocated"] == 1


def test_a_transfer_between_our_accounts_in_1c_xml(session, ours, today):
    factories.executor_with_accounts(session, "40702810400000004583")  # the counterparty's account is ours too

    loader.import_file(session, xml(), today=today)

    transfers = session.scalars(select(Payment).where(Payment.internal_transfer.is_(True))).all()
    assert [(p.number, p.direction, p.allocated_amount) for p in transfers] == [("412", "incoming", Decimal("0.00")),
                                                                               ("77", "outgoing", Decimal("0.00"))]


def test_a_transfer_whose_direction_nothing_tells_is_refused(session, ours, today):
    second = "40702810500000000077"
    factories.executor_with_accounts(session, second)
    lines = [line for line in document(1, date(2026, 2, 3), "10", our_side(ours), our_side(ours, second), "Перевод")
             if not line.startswith("ДатаПоступило")]
    data = statement([lines], account=XML_ACCOUNT).replace(
        "КонецРасчСчет\r\n".encode("cp1251"), f"КонецРасчСчет\r\nСекцияРасчСчет\r\nРасчСчет={second}\r\nКонецРасчСчет\r\n".encode("cp1251"), 1)

    assert refused(session, data, today).startswith("Строка 23: не понять, поступление это или списание")


def test_cp1251_bytes_under_kodirovka_dos_get_an_encoding_message(session, ours, today):
    data = statement([document(1, date(2026, 2, 3), "10", TENANT, our_side(ours), "Аренда")], account=XML_ACCOUNT,
                     codec="cp1251", encoding_name="DOS")

    message = refused(session, data, today)

    assert message.startswith("Строка 3: Кодировка файла не совпадает с заголовком Кодировка=DOS: текст в кодировке Windows")
    assert "обрезан" not in message


def test_cp866_bytes_under_kodirovka_windows_get_an_encoding_message(session, ours, today):
    plain = dict(our_side(ours), name="ООО Бизнес-центр")
    data = statement([document(1, date(2026, 2, 3), "10", TENANT, plain, "Аренда")], account=XML_ACCOUNT, codec="cp866")

    assert refused(session, data, today).startswith("Строка 3: Кодировка файла не совпадает с заголовком Кодировка=Windows")
