"""PDFs of invoices, acts and VAT invoices read back as text (numbers, parties, sums, words), as
a printed page (the VAT invoice's columns on the sheet, the invoice's payment QR code decoded
from the page image), and downloaded under a readable name."""
import io
import subprocess
from datetime import date
from decimal import Decimal

import zxingcpp
from PIL import Image
from pypdf import PdfReader

from app.domain import schedule
from app.domain.enums import VatMode
from app.domain.words import amount_in_words, date_in_words, format_amount, transliterate
from app.permissions import ROLE_ACCOUNTANT
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


def page_image(data, dpi=100):
    """The PDF's first page as printed (poppler's pdftoppm), as an image."""
    png = subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-singlefile", "-"], input=data,
                         capture_output=True, check=True).stdout
    return Image.open(io.BytesIO(png))


def text_positions(data):
    """(x, text) of every piece of text on the first page, in points from the left edge."""
    page = PdfReader(io.BytesIO(data)).pages[0]
    found = []

    def visit(text, cm, tm, *_):
        if text.strip():
            found.append((cm[4] + tm[4] * cm[0], text.strip()))

    page.extract_text(visitor_text=visit)
    return page, found


def test_the_vat_invoice_prints_on_a4_landscape_with_every_column_on_the_sheet(session):
    _, _, act = issued(session)
    page, found = text_positions(pdf.vat_invoice_pdf(act.vat_invoice))
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape, in points
    assert max(x for x, _ in found) < width - 60  # nothing past the right margin (12 mm, the last cell's width)
    last_column = [x for x, t in found if t.startswith("Регистра")]  # column 11, the declaration number
    assert last_column and last_column[0] > width * 0.85


def test_the_invoice_carries_the_payment_qr_code_banking_apps_read(session):
    contract, invoice, _ = issued(session)
    executor, account = contract.executor, contract.executor.bank_accounts[0]
    account.corr_account = "30101810400000000225"
    session.flush()
    found = zxingcpp.read_barcodes(page_image(pdf.invoice_pdf(invoice)))
    assert [code.format for code in found] == [zxingcpp.BarcodeFormat.QRCode]
    header, *pairs = found[0].text.split("|")
    fields = dict(pair.split("=", 1) for pair in pairs)
    assert header == "ST00012"
    assert fields == {
        "Name": executor.full_name or executor.name, "PersonalAcc": account.account, "BankName": account.bank_name,
        "BIC": account.bik, "CorrespAcc": "30101810400000000225", "PayeeINN": executor.inn, "KPP": executor.kpp,
        "Sum": "4176000", "Purpose": "Оплата по счёту № А-1 от 25.12.2019, договор № 15/А. В т.ч. НДС 6960-00",
    }


def test_an_invoice_without_a_bank_account_has_no_qr_code(session):
    contract, invoice, _ = issued(session)
    for account in list(contract.executor.bank_accounts):
        session.delete(account)
    session.flush()
    session.expire_all()
    assert zxingcpp.read_barcodes(page_image(pdf.invoice_pdf(invoice))) == []


def test_russian_file_names_in_latin_letters():
    assert transliterate("Счёт-фактура № А-1 от 31.01.2020.pdf") == "Schet-faktura N A-1 ot 31.01.2020.pdf"
    assert transliterate("Щука Юлия, «ЖЭК»") == "Shchuka Iuliia, ZhEK"
    assert transliterate("Договоры 2026-12-01.xlsx") == "Dogovory 2026-12-01.xlsx"


def test_the_download_has_a_readable_ascii_name_and_the_russian_one(session, login_as):
    _, invoice, act = issued(session)
    client = login_as(ROLE_ACCOUNTANT)
    disposition = client.get(f"/vatinvoiceview/pdf/{act.vat_invoice.id}").headers["Content-Disposition"]
    assert 'filename="Schet-faktura A-1 ot 31.01.2020.pdf"' in disposition
    assert "filename*=UTF-8''%D0%A1%D1%87%D1%91%D1%82-%D1%84%D0%B0%D0%BA%D1%82%D1%83%D1%80%D0%B0" in disposition
    disposition = client.get(f"/invoiceview/pdf/{invoice.id}").headers["Content-Disposition"]
    assert 'filename="Schet A-1 ot 25.12.2019.pdf"' in disposition


def test_a_pdf_download_logs_one_request_line_not_weasyprints_steps(session, login_as, caplog):
    import logging

    _, invoice, _ = issued(session)
    client = login_as(ROLE_ACCOUNTANT)
    with caplog.at_level(logging.INFO):
        assert client.get(f"/invoiceview/pdf/{invoice.id}").status_code == 200
    assert [r for r in caplog.records if r.name == "arenda.request" and r.path.endswith("/pdf/%s" % invoice.id)]
    assert not [r for r in caplog.records if r.name.startswith("weasyprint")]  # it logs seven INFO lines per PDF


def test_pdfs_rendered_at_once_by_several_server_threads_are_each_whole(session):
    """Each server thread keeps its own font configuration between documents (exports.pdf): PDFs
    rendered at the same time by several threads, and again by the same threads, read back the same."""
    import threading

    _, invoice, act = issued(session)
    expected = {"invoice": text(pdf.invoice_pdf(invoice)), "act": text(pdf.act_pdf(act))}
    made, errors = [], []

    def render():
        try:
            for _ in range(2):
                made.append(("invoice", pdf.invoice_pdf(invoice)))
                made.append(("act", pdf.act_pdf(act)))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors and len(made) == 16
    assert all(text(data) == expected[kind] for kind, data in made)
