"""The sheet writer (app.exports.xlsx): past the sampled rows a plain row is written as its sheet
XML straight into xlsxwriter's row file; the workbook is the very one xlsxwriter's own calls
write, whatever the cells (text to escape, spaces, control characters, other types, gaps)."""
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest

from app.exports import xlsx

COLUMNS = [
    xlsx.Column("Текст"), xlsx.Column("Целое", xlsx.INTEGER), xlsx.Column("Сумма", xlsx.MONEY),
    xlsx.Column("Площадь", xlsx.AREA), xlsx.Column("Ставка", xlsx.PERCENT), xlsx.Column("Дата", xlsx.DATE),
    xlsx.Column("Момент", xlsx.MOMENT), xlsx.Column("Ещё текст"),
]
ODD_TEXT = [
    "ООО «Рога & Копыта»", "a > b", "a < b", "<r>rich</r>", " leading", "trailing ", "tab\tinside", "line\nbreak",
    "ctrl\x01char", "_x0041_", "\ufffe", '"quoted"', "=1+2", "@SUM(A1)", "%s %d", "x" * 20000, "",
]
ODD_OTHER = [None, True, False, Decimal("1.5"), 7, dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 12, 30),
             dt.datetime(2026, 3, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=3))), ["a", 1], ("b",), [], 2.5]


def rows(count):
    """Mostly plain rows, every `ODD_*` value somewhere in every column, and empty rows."""
    odd = ODD_TEXT + ODD_OTHER
    for n in range(count):
        if n % 97 == 0:
            yield [None] * len(COLUMNS)
            continue
        row = [f"Договор № {n}", n, Decimal(n) / 100, Decimal(n) / 7, Decimal("0.2000"),
               dt.date(2026, 1, 1) + dt.timedelta(days=n % 400), dt.datetime(2026, 1, 1, 8) + dt.timedelta(minutes=n),
               None if n % 3 else "третий"]
        if n % 13 == 0:
            row[(n // 13) % len(COLUMNS)] = odd[(n // 13) % len(odd)]
        yield row


def late(count):
    """Money only from row 1,600 and rates from 1,500: their formats are first used past the sample."""
    for n in range(count):
        yield [f"№ {n}", n, Decimal(n) if n >= 1600 else None, None, Decimal("0.1") if n >= 1500 else None]


def members(data):
    book = zipfile.ZipFile(io.BytesIO(data))
    return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def written(monkeypatch, direct, count):
    if not direct:  # every row through xlsxwriter's calls
        monkeypatch.setattr(xlsx._SheetWriter, "_xml_row", lambda self, r, values: False)
    sheets = [xlsx.Sheet("Поздние", COLUMNS[:5], late(count)), xlsx.Sheet("Лист", COLUMNS, rows(count), notes=["Итого"]),
              xlsx.Sheet("Второй", COLUMNS[:3], rows(50))]
    data = xlsx.to_bytes(sheets)
    monkeypatch.undo()
    return members(data)


@pytest.mark.parametrize("count", [0, 5, xlsx.SAMPLED + 1, xlsx.SAMPLED + 2, 4000])
def test_rows_written_directly_are_the_bytes_xlsxwriter_writes(monkeypatch, count):
    by_xlsxwriter = written(monkeypatch, direct=False, count=count)
    assert written(monkeypatch, direct=True, count=count) == by_xlsxwriter


def test_the_direct_path_takes_the_plain_rows(monkeypatch):
    direct = {}
    real = xlsx._SheetWriter._xml_row

    def recorded(self, r, values):
        direct[r] = real(self, r, values)
        return direct[r]

    monkeypatch.setattr(xlsx._SheetWriter, "_xml_row", recorded)
    xlsx.to_bytes([xlsx.Sheet("Лист", COLUMNS, rows(3000))])
    assert min(direct) == xlsx.SAMPLED + 1 and max(direct) == 3000  # the header is row 0
    odd = sum(1 for r in direct if not direct[r])
    assert 0 < odd < len(direct) / 10
