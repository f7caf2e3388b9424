"""Sums, rates and dates typed the Russian way: «1 234,56» and «37076,95» accepted in every
money field, VAT rates as percent, dates as дд.мм.гггг (ISO still accepted); list filters on
dates, sums and statuses read what a Russian user types or picks."""
import json
from datetime import date
from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.domain.words import parse_number
from app.models import Allocation
from app.permissions import ROLE_ACCOUNTANT, ROLE_MANAGER, ROLE_VIEWER
from app.views.fields import RussianDateField, RussianNumberField, ShareAsPercentField
from tests import factories


@pytest.mark.parametrize("typed, number", [
    ("1 234,56", Decimal("1234.56")), ("37076,95", Decimal("37076.95")), ("1234.5", Decimal("1234.5")),
    ("1\u00a0234,56 ₽", Decimal("1234.56")), ("−10", Decimal("-10")), (" 22 %", Decimal("22")),
])
def test_numbers_as_people_type_them(typed, number):
    assert parse_number(typed) == number


@pytest.mark.parametrize("typed", ["", "abc", "1,2,3", "12-5", "1.234,56"])
def test_what_is_no_number(typed):
    assert parse_number(typed) is None


class Terms(FlaskForm):
    class Meta:
        csrf = False

    rent = RussianNumberField("Аренда")
    vat = ShareAsPercentField("НДС")
    start = RussianDateField("Начало")


def filled(app, **values):
    with app.test_request_context(method="POST"):
        form = Terms(formdata=MultiDict(values))
        form.validate()
        return form, {name: field() for name, field in form._fields.items()}


def test_a_form_reads_a_comma_a_percent_and_a_russian_date(app):
    form, _ = filled(app, rent="37 076,95", vat="22", start="01.12.2026")
    assert form.errors == {}
    assert (form.rent.data, form.vat.data, form.start.data) == (Decimal("37076.95"), Decimal("0.22"), date(2026, 12, 1))
    form, _ = filled(app, rent="37076.95", vat="7,5", start="2026-12-01")  # REST-style input still works
    assert (form.rent.data, form.vat.data, form.start.data) == (Decimal("37076.95"), Decimal("0.075"), date(2026, 12, 1))


def test_a_form_shows_the_russian_formats(app):
    with app.test_request_context():
        form = Terms(data={"rent": Decimal("1234567.5"), "vat": Decimal("0.2200"), "start": date(2026, 12, 1)})
        assert 'value="1 234 567,50"' in form.rent()
        assert 'value="22"' in form.vat() and form.vat().endswith(" %")
        assert 'value="01.12.2026"' in form.start() and 'placeholder="дд.мм.гггг"' in form.start()


def test_bad_input_is_refused_in_russian(app):
    form, _ = filled(app, rent="сто рублей", vat="22", start="7-06-18")
    assert form.errors == {"rent": ["Число в виде 1 234,56"], "start": ["Дата в виде дд.мм.гггг, например 01.12.2026"]}


def test_the_allocation_form_takes_a_sum_with_a_comma(client, login_as, session):
    contract = factories.contract(session)
    invoice = factories.invoice(session, contract, amount=Decimal("40000.00"))
    payment = factories.payment(session, amount=Decimal("40000.00"), payer_inn=contract.customer.inn)
    session.commit()
    login_as(ROLE_ACCOUNTANT)
    response = client.post("/allocationview/add", data={"payment": payment.id, "invoice": invoice.id, "amount": "37076,95"})
    assert response.status_code == 302
    assert session.scalars(select(Allocation.amount)).all() == [Decimal("37076.95")]


def test_the_allocation_page_shows_and_takes_russian_sums(client, login_as, session):
    contract = factories.contract(session)
    invoice = factories.invoice(session, contract, amount=Decimal("37076.95"))
    payment = factories.payment(session, amount=Decimal("50000.00"), payer_inn=contract.customer.inn)
    session.commit()
    login_as(ROLE_MANAGER)
    page = client.get(f"/money/allocate/{payment.id}").text
    assert f'name="amount_{invoice.id}" value="37 076,95"' in page
    client.post(f"/money/allocate/{payment.id}/save", data={"invoice": [invoice.id], f"amount_{invoice.id}": "37 076,95"})
    assert session.scalars(select(Allocation.amount)).all() == [Decimal("37076.95")]


def test_list_filters_read_russian_dates_and_sums(client, login_as, session):
    contract = factories.contract(session)
    factories.invoice(session, contract, number="С-1", date=date(2026, 12, 1), amount=Decimal("1234.56"))
    factories.invoice(session, contract, number="С-2", date=date(2026, 1, 12), amount=Decimal("99.00"))
    session.commit()
    login_as(ROLE_ACCOUNTANT)
    by_date = client.get("/invoiceview/list/?_flt_0_date=01.12.2026").text
    assert "С-1" in by_date and "С-2" not in by_date
    by_sum = client.get("/invoiceview/list/?_flt_0_amount=1 234,56").text
    assert "С-1" in by_sum and "С-2" not in by_sum


def test_statuses_are_filtered_by_their_russian_label(client, login_as, session):
    factories.contract(session, number="Д-черн", status="draft")
    factories.contract(session, number="Д-подп", status="signed")
    session.commit()
    login_as(ROLE_VIEWER)
    page = client.get("/contractview/list/?_flt_0_status=draft").text
    assert "Д-черн" in page and "Д-подп" not in page
    # The search form (FAB passes it to its script as JSON) offers the Russian labels.
    option = json.dumps('<option value="draft">Черновик</option>')[1:-1]
    assert option.replace("<", "\\u003c").replace(">", "\\u003e") in page
