"""Loading files into Деньги: direction by our executors, duplicates, all or nothing, card payments,
the import record and its report."""
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.domain import card_payments
from app.errors import ImportFailed
from app import timeutil
from app.imports import loader
from app.models import Allocation, ImportBatch, Payment, Setting
from tests import factories
from tests.statements import document, statement

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def side(party, account=None):
    return dict(name=party.name, inn=party.inn or "", kpp=party.kpp or "",
                account=account or (party.bank_accounts[0].account if party.bank_accounts else "40702810500000000001"),
                bik="044525225", bank="ПАО СБЕРБАНК")


@pytest.fixture()
def parties(session):
    executor = factories.executor(session)
    tenant = factories.customer(session)
    return executor, tenant


def pay(number, payer, recipient, amount="1000.00", purpose="Оплата аренды", day=date(2026, 2, 3), **fields):
    return document(number, day, amount, payer, recipient, purpose, **fields)


def import_bytes(session, data, fmt="auto"):
    batch = loader.import_file(session, data, fmt, today=timeutil.today(), filename="statement.txt")
    session.commit()
    return batch


def payments(session):
    return session.scalars(select(Payment).order_by(Payment.id)).all()


def test_direction_by_our_executors_account(session, parties):
    executor, tenant = parties
    ours = side(executor)
    # The bank's dates say the opposite: our executor's account tells the direction.
    data = statement([pay(1, side(tenant), ours, incoming=False), pay(2, ours, side(tenant))], account=ours["account"])

    import_bytes(session, data)

    assert [p.direction for p in payments(session)] == ["incoming", "outgoing"]  # the bank's dates said otherwise


def test_a_strangers_statement_is_refused_naming_its_account(session, parties):
    executor, tenant = parties
    ours_elsewhere = side(executor, account="40702810777700000001")  # our executor's INN, an account not in its card
    data = statement([pay(1, side(tenant), ours_elsewhere)], account="40702810777700000001")

    with pytest.raises(ImportFailed, match="^Строка 20: счёт выписки 40702810777700000001 не принадлежит ни одному из"):
        loader.import_file(session, today=timeutil.today(), data=data)


def test_reimport_and_an_overlapping_statement_add_nothing_twice(session, parties):
    executor, tenant = parties
    first, second, third = (pay(n, side(tenant), side(executor), amount=f"{n}00.00") for n in (1, 2, 3))

    one = import_bytes(session, statement([first, second]))
    again = import_bytes(session, statement([first, second]))
    overlapping = import_bytes(session, statement([second, third], codec="utf-8", newline="\n"))

    assert (one.imported, one.duplicates) == (2, 0)
    assert (again.imported, again.duplicates) == (0, 2)
    assert (overlapping.imported, overlapping.duplicates) == (1, 1)
    assert [p.amount for p in payments(session)] == [Decimal("100.00"), Decimal("200.00"), Decimal("300.00")]


def test_the_same_document_twice_in_one_file_is_one_operation(session, parties):
    executor, tenant = parties
    twice = pay(1, side(tenant), side(executor))

    batch = import_bytes(session, statement([twice, twice]))

    assert (batch.imported, batch.duplicates) == (1, 1)


def test_a_file_with_one_bad_document_imports_nothing(session, parties):
    executor, tenant = parties
    data = statement([pay(1, side(tenant), side(executor)), pay(2, side(tenant), side(executor), amount="1,000.00.0")])

    with pytest.raises(ImportFailed, match="сумма не число"):
        loader.import_file(session, today=timeutil.today(), data=data)
    session.rollback()

    assert session.scalar(select(func.count(Payment.id))) == 0


def test_a_refused_file_is_recorded_with_its_error(session):
    data = b"1CClientBankExchange\r\n\xc2\xe5\xf0\xf1\xe8\xff=1.03\r\n"
    try:
        loader.import_file(session, today=timeutil.today(), data=data)
    except ImportFailed as error:
        session.rollback()
        batch = loader.record_failure(session, error, "auto", filename="broken.txt", data=data)
        session.commit()

    assert (batch.filename, batch.imported) == ("broken.txt", 0)
    assert json.loads(batch.report)["errors"] == ["Строка 2: файл обрезан: нет строки «КонецФайла»."]


def test_size_limit_is_a_setting(session, parties):
    executor, tenant = parties
    data = statement([pay(1, side(tenant), side(executor))])
    session.add(Setting(key=loader.SIZE_SETTING, value=str(len(data) / 1024 / 1024 / 2)))
    session.flush()

    with pytest.raises(ImportFailed, match="больше допустимого размера"):
        loader.import_file(session, today=timeutil.today(), data=data)
    assert loader.max_bytes(session) < len(data)


def test_default_size_limit_is_50_mb(session):
    assert loader.max_bytes(session) == 50 * 1024 * 1024


@pytest.mark.parametrize("data, message", [(b"", "Файл пуст"), (b"PK\x03\x04zip", "Формат файла не распознан"),
                                           (b"   \n", "Файл пуст")])
def test_not_a_statement(session, data, message):
    with pytest.raises(ImportFailed, match=message):
        loader.import_file(session, today=timeutil.today(), data=data)


def test_report_counts_and_reasons(session, parties):
    executor, tenant = parties
    invoice = factories.invoice(session, factories.contract(session, executor=executor, customer=tenant), amount=Decimal("1000.00"))
    data = statement([
        pay(1, side(tenant), side(executor), amount="1000.00", purpose=f"Оплата по счёту {invoice.number}"),
        pay(2, side(tenant), side(executor), amount="777.00"),
        pay(3, side(executor), side(tenant), incoming=False),
    ])

    batch = import_bytes(session, data)

    assert loader.summary(batch) == {"imported": 3, "duplicates": 0, "allocated": 1, "not_allocated": 1}
    report = json.loads(batch.report)
    assert (report["incoming"], report["outgoing"], report["errors"]) == (2, 1, [])
    (reason,) = report["not_allocated"]
    assert reason["line"] == 60 and "нет выставленного неоплаченного счёта" in reason["reason"]
    assert session.get(Payment, reason["payment"]).amount == Decimal("777.00")
    assert all(p.batch_id == batch.id and p.source == "bank_statement" for p in payments(session))


def test_card_payment_from_a_bank_is_flagged_and_its_payer_read(session, parties):
    executor, _ = parties
    sber = dict(name="ПАО СБЕРБАНК", inn="7707083893", kpp="773601001", account="30233810000000000001", bik="044525225")
    data = statement([pay(1, sber, side(executor), purpose="Перевод по СБП от Смирнова Мария Андреевна. Аренда кладовой")])

    batch = import_bytes(session, data)

    (payment,) = payments(session)
    assert payment.payer_is_bank
    assert payment.payer_name == "Смирнова Мария Андреевна"
    assert "ПАО СБЕРБАНК" in payment.comment and "7707083893" in payment.comment
    assert "плательщик — банк" in json.loads(batch.report)["not_allocated"][0]["reason"]


def test_card_payment_rules_are_editable(session, parties):
    executor, _ = parties
    card_payments.save(session, [card_payments.Rule("Мой банк", "7700000001", r"Клиент (?P<name>[А-Я][а-я]+ [А-Я]\.)")])
    bank = dict(name="АО МОЙ БАНК", inn="7700000001", kpp="", account="40702810000000000077", bik="044525000")
    data = statement([pay(1, bank, side(executor), purpose="Зачисление. Клиент Петров П. Отправитель: Сидоров Сидор")])

    import_bytes(session, data)

    (payment,) = payments(session)
    assert (payment.payer_is_bank, payment.payer_name) == (True, "Петров П.")


def test_tenant_paying_from_its_own_account_is_not_a_card_payment(session, parties):
    executor, tenant = parties

    import_bytes(session, statement([pay(1, side(tenant), side(executor), purpose="Плательщик: Иванов Иван Иванович")]))

    assert not payments(session)[0].payer_is_bank


def test_real_statements_load(session):
    """The real samples import once their accounts are our executors'; before that they are a stranger's."""
    kilylabs = (FIXTURES / "client_bank" / "kilylabs__one_day.txt").read_bytes()
    with pytest.raises(ImportFailed, match="счёт выписки 40702810200000000001 не принадлежит ни одному из наших"):
        loader.import_file(session, kilylabs, today=timeutil.today())
    session.rollback()
    factories.executor_with_accounts(session, "40802000000000000549")
    factories.executor_with_accounts(session, "40702810200000000001")
    totals = {}
    for name in ("odin_palace__statement-137442.txt", "kilylabs__one_day.txt", "kilylabs__one_day_utf8.txt"):
        batch = import_bytes(session, (FIXTURES / "client_bank" / name).read_bytes())
        totals[name] = (batch.imported, batch.duplicates)

    assert totals == {"odin_palace__statement-137442.txt": (129, 0), "kilylabs__one_day.txt": (13, 0),
                      "kilylabs__one_day_utf8.txt": (0, 13)}


def test_v8_xml_loads_and_reloads_as_duplicates(session):
    factories.executor_with_accounts(session, "40702810938000012345")
    data = (FIXTURES / "v8_xml" / "money.xml").read_bytes()

    first = import_bytes(session, data)
    second = import_bytes(session, data)

    assert (first.format, first.imported, second.duplicates) == ("v8-xml", 5, 5)
    assert {p.source for p in payments(session)} == {"v8_xml"}
    assert sorted(p.direction for p in payments(session)) == ["incoming"] * 3 + ["outgoing"] * 2


def test_format_chosen_explicitly_must_fit(session):
    with pytest.raises(ImportFailed, match="первая строка"):
        loader.import_file(session, today=timeutil.today(), data=(FIXTURES / "v8_xml" / "money.xml").read_bytes(), fmt=loader.CLIENT_BANK)


def test_long_codes_are_refused_not_cut(session, parties):
    executor, _ = parties
    odd = dict(name="Я" * 600, inn="1234567890123", kpp="770901001", account="40702810400000004583", bik="044525225")

    with pytest.raises(ImportFailed, match="ПлательщикИНН: ИНН — не больше 12 цифр: «1234567890123»"):
        loader.import_file(session, statement([pay("N" * 50, odd, side(executor))]), today=timeutil.today())


def test_allocations_are_marked_automatic(session, parties):
    executor, tenant = parties
    factories.invoice(session, factories.contract(session, executor=executor, customer=tenant), amount=Decimal("1000.00"))

    import_bytes(session, statement([pay(1, side(tenant), side(executor))]))

    (item,) = session.scalars(select(Allocation)).all()
    assert item.automatic and item.amount == Decimal("1000.00")
    assert session.scalar(select(ImportBatch.allocated)) == 1


def test_operations_stored_meanwhile_by_another_import_refuse_this_one(session, parties, monkeypatch):
    executor, tenant = parties
    data = statement([pay(1, side(tenant), side(executor))])
    import_bytes(session, data)
    monkeypatch.setattr(loader, "_existing_keys", lambda session, keys: set())  # as if the other import had not committed yet

    with pytest.raises(ImportFailed, match="только что загружены другим импортом"):
        loader.import_file(session, today=timeutil.today(), data=data)


@pytest.mark.parametrize("chunk", [1, 2000])
def test_a_payers_operations_in_several_batches_share_its_invoices_out_as_in_one(session, parties, monkeypatch, chunk):
    executor, tenant = parties
    monkeypatch.setattr(loader, "CHUNK", chunk)  # 1: each operation in a batch of its own
    contract = factories.contract(session, executor=executor, customer=tenant)
    first, second = (factories.invoice(session, contract, amount=Decimal("1000.00")) for _ in range(2))
    named_second = pay(1, side(tenant), side(executor), purpose=f"Оплата по счёту № {second.number}")
    data = statement([named_second, pay(2, side(tenant), side(executor)), named_second, pay(3, side(tenant), side(executor))])

    batch = import_bytes(session, data)

    assert loader.summary(batch) == {"imported": 3, "duplicates": 1, "allocated": 2, "not_allocated": 1}
    paid = session.execute(select(Payment.number, Allocation.invoice_id).join(Allocation).order_by(Payment.id)).all()
    assert paid == [("1", second.id), ("2", first.id)]  # the second payment gets what the first left, not the same invoice
    (reason,) = json.loads(batch.report)["not_allocated"]
    assert "нет выставленного неоплаченного счёта" in reason["reason"]
    assert session.get(Payment, reason["payment"]).number == "3"
