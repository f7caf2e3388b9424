"""The admin pages of the money import: upload and result, manual allocation with undo, the invoice
card's payments, the card-payment rules page; and who may use them."""
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain import allocation, card_payments
from app.models import Allocation, ImportBatch, Payment, Setting, User
from app.permissions import ROLE_ACCOUNTANT, ROLE_MANAGER, ROLE_OWNER, ROLE_VIEWER
from tests import factories
from tests.statements import document, statement

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture()
def lease(session):
    executor, tenant = factories.executor(session), factories.customer(session)
    contract = factories.contract(session, executor=executor, customer=tenant)
    session.commit()
    return contract


def side(party, account):
    return dict(name=party.name, inn=party.inn, kpp=party.kpp, account=account, bik="044525225")


def upload(client, data, name="kl_to_1c.txt", fmt="auto"):
    return client.post("/money/import/", data={"file": (io.BytesIO(data), name), "format": fmt},
                       content_type="multipart/form-data", follow_redirects=True)


def test_import_then_the_result_page_links_what_is_not_allocated(client, login_as, session, lease):
    invoice = factories.invoice(session, lease, amount=Decimal("1000.00"))
    session.commit()
    ours, theirs = side(lease.executor, lease.executor.bank_accounts[0].account), side(lease.customer, "40702810400000004583")
    data = statement([document(1, date(2026, 2, 3), "1000.00", theirs, ours, f"Оплата {invoice.number}"),
                      document(2, date(2026, 2, 4), "321.00", theirs, ours, "Пени за январь")])
    login_as(ROLE_ACCOUNTANT)

    page = upload(client, data)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Импорт выполнен" in html and "Результат импорта" in html
    assert '<td class="imported">2</td>' in html and '<td class="allocated">1</td>' in html
    left = session.scalars(select(Payment).where(Payment.amount == Decimal("321.00"))).one()
    assert f"/money/allocate/{left.id}" in html and "Пени за январь" in html
    assert "нет выставленного неоплаченного счёта" in html


def test_a_bad_file_shows_its_error_and_imports_nothing(client, login_as, session):
    login_as(ROLE_MANAGER)

    page = upload(client, (FIXTURES / "client_bank" / "odin_palace__statement-131911.txt").read_bytes(), name="bad.txt")

    html = page.get_data(as_text=True)
    assert "Файл не импортирован" in html and "испорченной кодировке" in html
    assert session.scalars(select(Payment)).all() == []
    assert json.loads(session.scalars(select(ImportBatch.report)).one())["errors"]


def test_a_statement_with_a_corrupted_amount_shows_the_line_and_imports_nothing(client, login_as, session, lease):
    ours, theirs = side(lease.executor, lease.executor.bank_accounts[0].account), side(lease.customer, "40702810400000004583")
    data = statement([document(1, date(2026, 2, 3), "1000.00", theirs, ours, "Аренда"),
                      document(2, date(2026, 2, 4), "1e9", theirs, ours, "Пени")])
    login_as(ROLE_ACCOUNTANT)

    html = upload(client, data).get_data(as_text=True)

    assert "Файл не импортирован" in html and "Строка 60: сумма не число в записи банка" in html and "«1e9»" in html
    assert session.scalars(select(Payment)).all() == []


def test_an_internal_transfer_is_labelled_in_the_money_list_and_card(client, login_as, session):
    transfer = factories.payment(session, number="501", internal_transfer=True)
    factories.payment(session, number="502")
    session.commit()
    login_as(ROLE_ACCOUNTANT)

    listing = client.get("/paymentview/list/").get_data(as_text=True)
    card = client.get(f"/paymentview/show/{transfer.id}").get_data(as_text=True)

    assert listing.count("Перевод между своими счетами") == 1
    assert "Перевод между своими счетами" in card


def test_the_upload_page_lists_recent_imports(client, login_as, session):
    login_as(ROLE_OWNER)
    upload(client, (FIXTURES / "v8_xml" / "money.xml").read_bytes(), name="money.xml")

    html = client.get("/money/import/").get_data(as_text=True)

    assert "money.xml" in html and 'name="file"' in html
    assert 'href="/money/import/"' in html and "Импорт" in html  # the item in the Деньги menu


def test_viewer_may_not_import(client, login_as, session):
    login_as(ROLE_VIEWER)

    assert client.get("/money/import/").status_code == 403
    assert upload(client, b"1CClientBankExchange").status_code == 403
    assert session.scalars(select(ImportBatch)).all() == []


def test_manual_allocation_across_invoices_and_undo(client, login_as, session, lease):
    first = factories.invoice(session, lease, amount=Decimal("600.00"), due_date=date(2026, 1, 5))
    second = factories.invoice(session, lease, amount=Decimal("900.00"), due_date=date(2026, 2, 5))
    payment = factories.payment(session, amount=Decimal("1000.00"), payer_name=lease.customer.name, payer_inn=lease.customer.inn)
    session.commit()
    login_as(ROLE_ACCOUNTANT)

    page = client.get(f"/money/allocate/{payment.id}").get_data(as_text=True)
    assert f'value="{first.id}"' in page and f'value="{second.id}"' in page
    assert f'name="amount_{first.id}" value="600,00"' in page  # as much as both allow

    done = client.post(f"/money/allocate/{payment.id}/save", data={"invoice": [first.id, second.id], f"amount_{first.id}": "600",
                                                                   f"amount_{second.id}": "400,00"}, follow_redirects=True)
    assert "Разнесено на счета: 2" in done.get_data(as_text=True)
    session.expire_all()
    assert (payment.allocated_amount, first.payment_state, second.paid_amount) == (Decimal("1000.00"), "paid", Decimal("400.00"))
    accountant = session.scalars(select(User).where(User.username == "accountant")).one()
    assert {(a.automatic, a.created_by_id) for a in payment.allocations} == {(False, accountant.id)}

    undone = client.post(f"/money/allocate/{payment.id}/undo/{first.allocations[0].id}", follow_redirects=True)
    assert "Разноска отменена" in undone.get_data(as_text=True)
    session.expire_all()
    assert (payment.allocated_amount, first.paid_amount) == (Decimal("400.00"), Decimal("0.00"))


def test_manual_allocation_is_all_or_nothing(client, login_as, session, lease):
    first = factories.invoice(session, lease, amount=Decimal("600.00"))
    cancelled = factories.invoice(session, lease, amount=Decimal("400.00"), status="cancelled")
    payment = factories.payment(session, amount=Decimal("1000.00"), payer_inn=lease.customer.inn)
    session.commit()
    login_as(ROLE_MANAGER)

    page = client.post(f"/money/allocate/{payment.id}/save", data={"invoice": [first.id, cancelled.id], f"amount_{first.id}": "600",
                                                                   f"amount_{cancelled.id}": "400"}, follow_redirects=True)

    assert "Счёт отменён" in page.get_data(as_text=True)
    assert session.scalars(select(Allocation)).all() == []


def test_viewer_sees_the_allocation_page_but_may_not_allocate(client, login_as, session, lease):
    invoice = factories.invoice(session, lease, amount=Decimal("600.00"))
    payment = factories.payment(session, amount=Decimal("600.00"), payer_inn=lease.customer.inn)
    session.commit()
    login_as(ROLE_VIEWER)

    page = client.get(f"/money/allocate/{payment.id}")
    assert page.status_code == 200
    for button in ("Разнести на отмеченные счета", "Исправить плательщика", f'name="amount_{invoice.id}"'):
        assert button not in page.text
    refused = client.post(f"/money/allocate/{payment.id}/save", data={"invoice": [invoice.id], f"amount_{invoice.id}": "600"})

    assert refused.status_code == 403
    assert session.scalars(select(Allocation)).all() == []


def test_the_invoice_card_lists_its_payments(client, login_as, session, lease):
    invoice = factories.invoice(session, lease, amount=Decimal("600.00"))
    payment = factories.payment(session, amount=Decimal("600.00"), number="777", payer_name="ООО «Платит исправно»")
    allocation.allocate(session, payment, invoice, Decimal("600.00"))
    session.commit()
    login_as(ROLE_ACCOUNTANT)

    html = client.get(f"/invoiceview/show/{invoice.id}").get_data(as_text=True)

    assert "Оплаты" in html and "№ 777" in html and "ООО «Платит исправно»" in html


def test_payment_card_has_an_allocate_action(client, login_as, session):
    payment = factories.payment(session)
    session.commit()
    login_as(ROLE_ACCOUNTANT)

    response = client.post(f"/paymentview/action/allocate/{payment.id}")

    assert response.status_code == 302 and response.headers["Location"].endswith(f"/money/allocate/{payment.id}")


def test_card_rules_page_edits_validates_and_resets(client, login_as, session):
    login_as(ROLE_OWNER)
    page = client.get("/settings/card-payer-rules/").get_data(as_text=True)
    assert "Сбербанк" in page and "7707083893" in page

    saved = client.post("/settings/card-payer-rules/", data={
        "rules-0-bank": "Мой банк", "rules-0-inn": "7700000001", "rules-0-pattern": r"Клиент (?P<name>\w+)",
        "rules-1-bank": "", "rules-1-inn": "", "rules-1-pattern": ""}, follow_redirects=True)
    assert "Правила сохранены" in saved.get_data(as_text=True)
    assert card_payments.load(session) == [card_payments.Rule("Мой банк", "7700000001", r"Клиент (?P<name>\w+)")]

    refused = client.post("/settings/card-payer-rules/", data={"rules-0-bank": "Банк", "rules-0-inn": "", "rules-0-pattern": "(без имени"})
    assert "шаблон не разбирается" in refused.get_data(as_text=True)
    session.expire_all()
    assert card_payments.load(session)[0].bank == "Мой банк"

    client.post("/settings/card-payer-rules/reset", follow_redirects=True)
    session.expire_all()
    assert session.get(Setting, card_payments.SETTING) is None
    assert card_payments.load(session) == card_payments.DEFAULT_RULES


@pytest.mark.parametrize("role", [ROLE_MANAGER, ROLE_ACCOUNTANT, ROLE_VIEWER])
def test_only_the_owner_edits_card_rules(client, login_as, session, role):
    login_as(role)

    assert client.get("/settings/card-payer-rules/").status_code == 403
