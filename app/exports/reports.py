"""The reports of app.domain.reports as .xlsx sheets (app.exports.xlsx), each with a chart:
debtors (and their debt by age), vacancy per floor, the rent roll (and expiries by year),
invoiced against paid by month. No Flask, no models (the domain's report rows are passed in):
the admin page streams the sheets (views.excel.send_workbook)."""
from app.domain.words import format_amount
from app.exports.xlsx import AREA, INTEGER, MONEY, PERCENT, DATE, NUMBER, Chart, Column, Sheet

NOT_DUE = "Срок не наступил"
DEPOSIT_HELD = "Депозит удержан"


def _money(value):
    return f"{format_amount(value)} ₽"


def debtors(report):
    bucket_columns = [Column(f"{label} дн.", MONEY) for label in report.labels]
    rows = ([r.customer, r.contract, r.aging.current, *r.aging.buckets, r.aging.overdue, r.aging.debt, r.penalty,
             r.deposit_held] for r in report.rows)
    total = report.total
    return [
        Sheet("Должники", [Column("Контрагент"), Column("Договор"), Column(NOT_DUE, MONEY), *bucket_columns,
                           Column("Просрочено", MONEY), Column("Долг всего", MONEY), Column("Пени не выставлены", MONEY),
                           Column(DEPOSIT_HELD, MONEY)],
              rows, notes=[f"Итого на {report.day:%d.%m.%Y}: просрочено {_money(total.overdue)}, долг {_money(total.debt)}, "
                           f"пени {_money(report.penalty)}, депозит удержан {_money(report.deposit_held)} "
                           "(не уменьшает долг: зачёт — отдельная операция)"]),
        Sheet("По срокам", [Column("Просрочка, дней"), Column("Сумма", MONEY)],
              list(zip(report.labels, total.buckets)),
              chart=Chart("Просроченный долг по срокам", 0, (1,), y_title="₽")),
    ]


def vacancy(report):
    columns = [Column("Здание"), Column("Секция"), Column("Этаж"), Column("Площадь, м²", AREA),
               Column("Занято, м²", AREA), Column("Свободно, м²", AREA), Column("Заполняемость", PERCENT),
               Column("Свободных помещений", INTEGER), Column("Месяцев простоя", INTEGER),
               Column("Ставка свободных в месяц", MONEY), Column("Потеряно", MONEY)]
    rows = ([r.building, r.section, floor_name(r), r.area, r.occupied, r.free, r.occupancy, r.free_rooms, r.months_vacant,
             r.asking_rent, r.lost] for r in report.rows)
    total = report.total
    return [Sheet("Вакантность", columns, rows, chart=Chart("Заполняемость по этажам", 2, (6,), type="bar"),
                  notes=[f"На {report.day:%d.%m.%Y}: площадь {format_amount(total.area)} м², свободно "
                         f"{format_amount(total.free)} м², заполняемость {format_amount(total.occupancy * 100)} %, "
                         f"потеряно {_money(total.lost)}"])]


def floor_name(row):
    """«Альфа / Секция А, этаж 2»: a floor named with its building (the chart's categories)."""
    place = f"{row.building} / {row.section}" if row.section else row.building
    return f"{place}, этаж {row.floor}"


def rent_roll(report):
    columns = [Column("Договор"), Column("Контрагент"), Column("Помещения"), Column("Площадь, м²", AREA),
               Column("Аренда в месяц", MONEY), Column("Ставка, ₽/м² в год", MONEY), Column("Начало", DATE),
               Column("Окончание", DATE), Column("Лет до окончания", NUMBER), Column(DEPOSIT_HELD, MONEY)]
    rows = ([r.contract, r.customer, r.rooms, r.area, r.rent, r.rate, r.start, r.end, r.years_left, r.deposit_held]
            for r in report.rows)
    wale = [f"WALE по площади: {_years(report.wale_area)}", f"WALE по аренде: {_years(report.wale_rent)}",
            f"Итого: {format_amount(report.area)} м², {_money(report.rent)} в месяц, депозиты удержаны {_money(report.deposit_held)}"]
    return [
        Sheet("Рент-ролл", columns, rows, notes=wale),
        Sheet("Окончания по годам", [Column("Год окончания"), Column("Площадь, м²", AREA), Column("Аренда в месяц", MONEY)],
              [(str(e.year) if e.year else "Бессрочные", e.area, e.rent) for e in report.expiries],
              chart=Chart("Окончание договоров: площадь по годам", 0, (1,), y_title="м²")),
    ]


def _years(value):
    return "—" if value is None else f"{format_amount(value)} года"


REVENUE_NOTE = ("Обеспечительные платежи — не выручка: их счета не входят в «Выставлено», полученные по ним деньги — "
                "не в «Оплачено»; зачёт из обеспечительного платежа оплачивает счёт и входит в «Оплачено» в день зачёта.")


def revenue(months):
    rows = ([f"{m.start:%m.%Y}", m.invoiced, m.paid, m.invoiced - m.paid, m.deposit_received, m.deposit_offset,
             m.deposit_refunded] for m in months)
    return [Sheet("Выставлено и оплачено", [Column("Месяц"), Column("Выставлено", MONEY), Column("Оплачено", MONEY),
                                            Column("Разница", MONEY), Column("Обеспечительные: получено", MONEY),
                                            Column("Обеспечительные: зачтено", MONEY),
                                            Column("Обеспечительные: возвращено", MONEY)], rows,
                  chart=Chart("Выставлено и оплачено по месяцам", 0, (1, 2), y_title="₽"), notes=[REVENUE_NOTE])]


# The sheets of each report of app.domain.reports.REPORTS, by the same names.
SHEETS = {"debtors": debtors, "vacancy": vacancy, "rent-roll": rent_roll, "revenue": revenue}
