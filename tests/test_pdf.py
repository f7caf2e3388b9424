"""PDFs of invoices, acts and VAT invoices read back as text: numbers, parties, sums, words."""
import io
from datetime import date
from decimal import Decimal

from pypdf import PdfReader

from app.domain import schedule
from app.domain.enums import VatMode
from app.domain.words import amount_in_words, date_in_words, format_amount
from app.exports import pdf
from app.models import Act, Invoice
from tests import factories


def text(data):
    assert data.startswith(b"%PDF")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def issued(session, **fields):
    values = dict(monthly_rent=Decimal("34800.00"), vat_mode=VatMode.ON_TOP.value, vat_rate=Decimal("0.20"), number="15/А",
                  date=date(2019, 12, 1), start_date=date(2020, 1, 1), end_date=date(2020, 3, 31))
    values.update(fields)
    contract = factories.contract(session, **values)
    schedule.rebuild(session, contract, date(2020, 1, 1))
    schedule.issue_due(session, [contract.id], date(2020, 1, 31))
    invoice = session.query(Invoice).filter_by(contract_id=contract.id, status="issued").order_by(Invoice.id).first()
    act = session.query(Act).filter_by(contract_id=contract.id, status="on_signing").one()
    return contract, invoice, act


def test_amounts_and_dates_in_russian_words():
    assert amount_in_words(Decimal("41760")) == "Сорок одна тысяча семьсот шестьдесят рублей 00 копеек"
    assert amount_in_words(Decimal("1.05")) == "Один рубль 05 копеек"
    assert amount_in_words(Decimal("22.5")) == "Двадцать два рубля 50 копеек"
    assert format_amount(Decimal("1234567.5")) == "1 234 567,50"
    assert date_in_words(date(2026, 1, 25)) == "25 января 2026 г."


def test_invoice_for_payment_has_bank_details_vat_and_the_amount_in_words(session):
    contract, invoice, _ = issued(session)
    content = text(pdf.invoice_pdf(invoice))
    executor, account = contract.executor, contract.executor.bank_accounts[0]
    assert "Счёт на оплату № А-1 от 25 декабря 2019 г." in content
    for detail in (account.bank_name, account.bik, account.account, executor.inn, executor.kpp, contract.customer.name):
        assert detail in content
    assert "Основание: Договор аренды № 15/А от 01.12.2019" in content
    assert "Арендная плата за январь 2020 г. 1 усл. 34 800,00 34 800,00" in content
    assert "НДС (20%): 6 960,00 Всего к оплате: 41 760,00" in content
    assert "Сорок одна тысяча семьсот шестьдесят рублей 00 копеек" in content
    assert "Оплатить не позднее 30.12.2019" in content


def test_act_and_its_vat_invoice_carry_the_same_number(session):
    _, _, act = issued(session)
    act_text = text(pdf.act_pdf(act))
    assert "Акт № А-1 от 31 января 2020 г." in act_text
    assert "Всего оказано услуг 1, на сумму 41 760,00 руб." in act_text
    vat_text = text(pdf.vat_invoice_pdf(act.vat_invoice))
    assert "Счёт-фактура № А-1 от 31 января 2020 г." in vat_text
    assert "№ А-1 от 31.01.2020 (5а)" in vat_text
    assert "Всего к оплате (9) 34 800,00 Х 6 960,00 41 760,00" in vat_text


def test_without_vat_the_documents_say_so(session):
    _, invoice, _ = issued(session, vat_mode=VatMode.NONE.value, vat_rate=Decimal("0"), monthly_rent=Decimal("1000.50"))
    content = text(pdf.invoice_pdf(invoice))
    assert "Без налога (НДС)" in content and "Всего к оплате: 1 000,50" in content
    assert "Одна тысяча рублей 50 копеек" in content
