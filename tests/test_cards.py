"""Money at a glance: the contract card (paid state of each schedule row, the debt today, the
next documents, actions in a menu), the customer card (balance, open invoices, recent money)
and «Разнести» on each money row left to allocate."""
import re
from datetime import timedelta
from decimal import Decimal

from app.domain import allocation
from app.models import Contract
from app.permissions import ROLE_MANAGER, ROLE_VIEWER
from tests import factories


def _money(session, contract, today):
    """An overdue invoice paid in part, and one not due yet, unpaid."""
    overdue = factories.invoice(session, contract, amount=Decimal("1000.00"), date=today - timedelta(days=20),
                                due_date=today - timedelta(days=10), period_start=contract.start_date, period_end=contract.start_date)
    later = factories.invoice(session, contract, amount=Decimal("500.00"), date=today, due_date=today + timedelta(days=5),
                              period_start=contract.start_date, period_end=contract.start_date)
    payment = factories.payment(session, amount=Decimal("300.00"), payer_inn=contract.customer.inn, date=today - timedelta(days=2))
    allocation.allocate(session, payment, overdue, Decimal("300.00"))
    extra = factories.payment(session, amount=Decimal("200.00"), payer_inn=contract.customer.inn, date=today - timedelta(days=1))
    session.commit()
    return overdue, later, payment, extra


def _text(html, element_id):
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(td|table)>', html, re.S)
    return re.sub(r"<[^>]+>|&nbsp;", " ", found.group(1)).split() if found else None


def test_contract_card_shows_the_debt_today_the_paid_states_and_the_next_documents(session, login_as, today):
    contract = factories.billed_contract(session, today)
    _money(session, contract, today)
    card = login_as(ROLE_MANAGER).get(f"/contractview/show/{contract.id}").text
    assert _text(card, "debt-unpaid") == ["1", "200,00", "₽"]  # 700 left of the first, 500 of the second
    assert _text(card, "debt-overdue") == ["700,00", "₽"]
    assert "Оплачен частично" in card and "paid-unpaid" in card
    assert card.count('class="btn-group document-menu"') >= 1 and "Действия" in card
    assert 'id="next-documents"' in card and "на " in card


def test_the_schedule_keeps_its_actions_in_a_menu_not_a_red_button_per_row(session, login_as, today):
    contract = factories.billed_contract(session, today)
    session.commit()
    card = login_as(ROLE_MANAGER).get(f"/contractview/show/{contract.id}").text
    assert "btn-danger" not in card.split('id="schedule"')[1]
    assert "Отменить" in card  # still there, inside each document's menu


def test_customer_card_shows_balance_open_invoices_and_recent_money(session, login_as, today):
    contract = factories.billed_contract(session, today)
    overdue, later, payment, extra = _money(session, contract, today)
    card = login_as(ROLE_MANAGER).get(f"/counterpartyview/show/{contract.customer_id}").text
    assert _text(card, "customer-unpaid") == ["1", "200,00", "₽"]
    assert _text(card, "customer-overdue") == ["700,00", "₽"]
    assert _text(card, "customer-unallocated") == ["200,00", "₽"]
    assert _text(card, "customer-balance") == ["1", "000,00", "₽"]
    invoices = card.split('id="customer-open-invoices"')[1].split("</table>")[0]
    assert invoices.index(overdue.number) < invoices.index(later.number)  # the oldest due first
    payments = card.split('id="customer-payments"')[1].split("</table>")[0]
    assert payments.index(f">{extra.number}<") < payments.index(f">{payment.number}<")


def test_an_executor_card_has_no_customer_money(session, login_as, today):
    contract = factories.billed_contract(session, today)
    session.commit()
    assert 'id="customer-money"' not in login_as(ROLE_MANAGER).get(f"/counterpartyview/show/{contract.executor_id}").text


def test_money_list_offers_allocate_on_rows_left_to_allocate_only(session, login_as, today):
    contract = factories.billed_contract(session, today)
    _, _, allocated, left = _money(session, contract, today)
    allocated.amount = Decimal("300.00")
    session.commit()
    page = login_as(ROLE_MANAGER).get("/paymentview/list/").text
    assert f'href="/money/allocate/{left.id}"' in page and f'href="/money/allocate/{allocated.id}"' not in page
    assert f'href="/money/allocate/{left.id}"' not in login_as(ROLE_VIEWER).get("/paymentview/list/").text


def test_contract_form_preselects_no_party_and_refuses_a_blank_customer(session, login_as, today):
    executor, customer = factories.executor(session), factories.customer(session)
    session.commit()
    client = login_as(ROLE_MANAGER)
    form = client.get("/contractview/add").text
    assert "__None</option>" not in form
    for name, blank in (("executor", "— выберите —"), ("customer", "— выберите —"), ("manager", "— не указан —")):
        select = re.search(rf'<select[^>]*name="{name}".*?</select>', form, re.S).group(0)
        assert re.search(rf'<option selected value="__None">{blank}</option>', select), select[:300]
    page = client.post("/contractview/add", data={
        "number": "Д-1", "date": today.isoformat(), "executor": str(executor.id), "customer": "__None",
        "status": "draft", "start_date": today.isoformat(), "vat_mode": "none", "vat_rate": "0", "billing_period": "calendar_month",
        "invoiced_period": "next", "invoice_day": "25", "penalty_mode": "none",
    }).text
    assert "This field is required" in page or "Обязательное поле" in page
    assert session.query(Contract).count() == 0
