"""The reconciliation act (app.domain.reconciliation) as an .xlsx workbook (xlsxwriter): the same
lines and balances as its PDF, two-sided, the customer's columns left for them to fill in."""
import io
from datetime import datetime

import xlsxwriter


def workbook(act):
    """The act's workbook as bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Акт сверки")
    bold = book.add_format({"bold": True})
    title = book.add_format({"bold": True, "font_size": 13})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    cell = book.add_format({"border": 1})
    day = book.add_format({"border": 1, "num_format": "dd.mm.yyyy", "align": "center"})
    money = book.add_format({"border": 1, "num_format": "# ##0.00"})
    money_bold = book.add_format({"border": 1, "num_format": "# ##0.00", "bold": True})
    executor, customer = act.executor, act.customer
    sheet.set_column(0, 0, 11)
    sheet.set_column(1, 1, 38)
    sheet.set_column(2, 3, 14)
    sheet.set_column(4, 4, 11)
    sheet.set_column(5, 5, 38)
    sheet.set_column(6, 7, 14)
    sheet.write(0, 0, "Акт сверки взаиморасчётов", title)
    sheet.write(1, 0, f"за период с {act.start:%d.%m.%Y} по {act.end:%d.%m.%Y} между "
                      f"{executor.full_name or executor.name} (ИНН {executor.inn}) и {customer.full_name or customer.name} (ИНН {customer.inn})")
    if act.contract is not None:
        sheet.write(2, 0, f"по договору аренды № {act.contract.number} от {act.contract.date:%d.%m.%Y}")
    sheet.merge_range(4, 0, 4, 3, f"По данным {executor.name}, руб.", head)
    sheet.merge_range(4, 4, 4, 7, f"По данным {customer.name}, руб.", head)
    for col, text in enumerate(["Дата", "Документ", "Дебет", "Кредит"] * 2):
        sheet.write(5, col, text, head)
    row = 6

    def balance(label, value):
        nonlocal row
        sheet.write(row, 0, "", cell)
        sheet.write(row, 1, label, head)
        sheet.write(row, 2, _number(value) if value > 0 else "", money_bold)
        sheet.write(row, 3, _number(-value) if value < 0 else "", money_bold)
        for col in range(4, 8):
            sheet.write(row, col, label if col == 5 else "", cell)
        row += 1

    balance("Сальдо начальное", act.opening)
    for entry in act.entries:
        sheet.write_datetime(row, 0, _as_datetime(entry.day), day)
        sheet.write(row, 1, entry.text, cell)
        sheet.write(row, 2, _number(entry.debit), money)
        sheet.write(row, 3, _number(entry.credit), money)
        for col in range(4, 8):
            sheet.write(row, col, "", cell)
        row += 1
    sheet.write(row, 0, "", cell)
    sheet.write(row, 1, "Обороты за период", head)
    sheet.write(row, 2, float(act.debit), money_bold)
    sheet.write(row, 3, float(act.credit), money_bold)
    for col in range(4, 8):
        sheet.write(row, col, "Обороты за период" if col == 5 else "", cell)
    row += 1
    balance("Сальдо конечное", act.closing)
    row += 1
    sheet.write(row, 0, f"От {executor.name}", bold)
    sheet.write(row, 4, f"От {customer.name}", bold)
    sheet.write(row + 2, 0, "Руководитель ____________________")
    sheet.write(row + 2, 4, "Руководитель ____________________")
    book.close()
    return buffer.getvalue()



def _as_datetime(day):
    return datetime(day.year, day.month, day.day)


def _number(value):
    """A sum as the cell's number ("" for none): xlsx holds floats, two decimals are exact enough to show."""
    return float(value) if value else ""
