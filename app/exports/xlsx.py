"""Excel workbooks from rows (no Flask): a sheet per table, streamed with xlsxwriter's
constant-memory mode, so 200,000 rows take the memory of one.

A sheet is `Sheet(name, columns, rows, chart=None)`: `columns` are `Column(header, kind)`,
`rows` any iterable of sequences (a generator is read once, row by row). Values are written by
their type: text always as text (a cell that starts with "=", "+", "-" or "@" is never a formula
nor a link), `Decimal`/int/float as numbers in the column's format (money with «₽», areas,
percentages), dates and moments as Excel dates, booleans as «Да»/«Нет». Every sheet has a bold
frozen header row, an autofilter over its rows and column widths from its contents (the
text of its first SAMPLED rows).

Past those rows a row of plain cells (each of its column's type: text needing no escape but
«&» and «>», finite numbers, dates, naive moments) is written as its sheet XML straight into
xlsxwriter's row file, in the very bytes xlsxwriter writes for the same cells (tests/test_xlsx.py
compares them), without its per-cell calls — 200,000 rows of twenty cells are four million of
them. Any other row goes through xlsxwriter's own write_* calls.
"""
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

TEXT, INTEGER, NUMBER, MONEY, AREA, PERCENT, DATE, MOMENT = (
    "text", "integer", "number", "money", "area", "percent", "date", "moment",
)
FORMATS = {
    INTEGER: "0",
    NUMBER: "#,##0.00",
    MONEY: '#,##0.00 "₽"',
    AREA: "#,##0.00",
    PERCENT: "0.00%",
    DATE: "dd.mm.yyyy",
    MOMENT: "dd.mm.yyyy hh:mm",
}
WIDTHS = {INTEGER: 10, NUMBER: 14, MONEY: 16, AREA: 11, PERCENT: 10, DATE: 11, MOMENT: 16}
MAX_WIDTH = 60
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False}
YES, NO = "Да", "Нет"
_NUMBERS = (Decimal, int, float)  # exact types: a bool is written as «Да»/«Нет»
_NUMBER_TYPES = frozenset(_NUMBERS)
_LISTS = frozenset((list, tuple))
_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
SAMPLED = 1000  # rows whose text widens its column
# What xlsxwriter's inline string would change beyond escaping «&» and «>»: «<» (also a rich
# string's «<r>»), control characters and its own _xHHHH_ escapes, leading or trailing space.
_NOT_PLAIN = re.compile(r"[<\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_PLAIN_LENGTH = 16383  # xlsxwriter truncates only strings longer than this


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: int = None  # None: from the header and the values


@dataclass(frozen=True)
class Chart:
    """An xlsxwriter chart over the sheet's rows: categories from one column, a series per value column."""

    title: str
    categories: int  # column index
    values: tuple  # column indexes
    type: str = "column"  # column, bar, line, pie
    y_title: str = None
    subtype: str = None  # e.g. "stacked"


@dataclass
class Sheet:
    name: str
    columns: list
    rows: object = ()
    chart: Chart = None
    notes: list = field(default_factory=list)  # lines under the table (e.g. a total or WALE)


def sheet_name(name, taken=()):
    """A name Excel accepts (31 characters, none of []:*?/\\), unique among `taken`."""
    base = (name.translate(_FORBIDDEN).strip() or "Лист")[:31]
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def _as_naive(moment):
    """Excel has no time zones: a stored moment (UTC) is written as its UTC wall time."""
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


class _SheetWriter:
    def __init__(self, book, formats, sheet, taken):
        self.sheet = sheet
        self.ws = book.add_worksheet(sheet_name(sheet.name, taken))
        self.formats = formats
        self.widths = [len(c.header) + 2 for c in sheet.columns]
        # A number's format per column, looked up once (a text column's numbers get NUMBER's).
        self.number_formats = [formats.get(c.kind) if c.kind != TEXT else formats[NUMBER] for c in sheet.columns]
        # A writer per column for the type its kind holds, chosen once: 200,000 rows need no
        # isinstance chain per cell; a value of another type still goes through `_write_any`.
        self.writers = [self._writer(col, column.kind) for col, column in enumerate(sheet.columns)]
        # The cells' sheet XML past the sampled rows, when xlsxwriter writes rows as plainly as
        # `_xml_row` does (no row or column formats, default height, its 2007 flavour).
        ws = self.ws
        self.xml_cells = [self._xml_cell(col, column.kind) for col, column in enumerate(sheet.columns)]
        self.refs = [f'<c r="{xl_col_to_name(col)}' for col in range(len(sheet.columns))]
        self.starts = {}
        self.direct = (ws.constant_memory and ws.excel_version == 2007 and not ws.row_info and not ws.col_info
                       and ws.default_row_height == ws.original_row_height)
        self.row = 0

    def write_header(self):
        for col, column in enumerate(self.sheet.columns):
            self.ws.write_string(0, col, column.header, self.formats["header"])
        self.ws.freeze_panes(1, 0)
        self.row = 1

    def write_row(self, values):
        r = self.row
        if not (self.direct and SAMPLED < r < self.ws.xls_rowmax and self._xml_row(r, values)):
            for write, value in zip(self.writers, values):
                if value is not None and value != "":
                    write(r, value)
        self.row += 1

    def _xml_row(self, r, values):
        """Write row `r` as xlsxwriter would; False (nothing written) if a cell is not plain."""
        parts, number = [], str(r + 1)
        for ref, cell, value in zip(self.refs, self.xml_cells, values):
            if value is None or value.__class__ is str and not value:
                continue
            xml = cell(value)
            if xml is None:
                return False
            parts.append(ref + number + xml)
        if not parts:
            return True
        ws = self.ws
        if ws.table:  # a row xlsxwriter holds (the header, a row not plain) goes out first
            ws._write_single_row(r)
        ws.previous_row = r
        ws.fh.write(f'<row r="{number}">{"".join(parts)}</row>')
        if ws.dim_rowmax is None or ws.dim_rowmax < r:
            ws.dim_rowmax = r
        if ws.dim_rowmin is None:
            ws.dim_rowmin = r
        if ws.dim_colmin != 0 or ws.dim_colmax != len(self.refs) - 1:  # the header spans every column
            written = [col for col, value in enumerate(values[:len(self.refs)]) if value is not None and value != ""]
            ws.dim_colmin = min(written) if ws.dim_colmin is None else min(ws.dim_colmin, written[0])
            ws.dim_colmax = max(written) if ws.dim_colmax is None else max(ws.dim_colmax, written[-1])
        return True

    def _xml_cell(self, col, kind):
        """value -> the cell's XML after its reference (`refs`), or None for a value not plain: what
        the column's writer, or `_write_any` for another type, has xlsxwriter write."""
        number_format, date_format, moment_format = self.number_formats[col], self.formats[DATE], self.formats[MOMENT]
        start, convert = self._start, self.ws._convert_date_time
        serials = {}  # a list's dates repeat: each converted once

        def cell(value):
            cls = value.__class__
            if cls is str:
                text = value
            elif cls in _NUMBER_TYPES:
                number = float(value)
                return start(number_format) + f"{number:.16G}</v></c>" if math.isfinite(number) else None
            elif cls is dt.date:
                serial = serials.get(value)
                if serial is None:  # a date column's own writer converts the date, `_write_any` its midnight
                    serial = serials[value] = f"{convert(value if kind == DATE else dt.datetime.combine(value, dt.time())):.16G}"
                return start(date_format) + serial + "</v></c>"
            elif cls is dt.datetime:
                return start(moment_format) + f"{convert(_as_naive(value)):.16G}</v></c>"
            elif cls is bool:
                text = YES if value else NO
            elif cls in _LISTS:
                text = ", ".join(map(str, value))
            else:
                return None
            if len(text) > _PLAIN_LENGTH or _NOT_PLAIN.search(text):
                return None
            if "&" in text or ">" in text:
                text = text.replace("&", "&amp;").replace(">", "&gt;")
            return '" t="inlineStr"><is><t>' + text + "</t></is></c>"
        return cell

    def _start(self, fmt):
        """A styled cell's XML from its reference up to its value. The format's index is taken at its
        first cell, as xlsxwriter takes it: styles are numbered in the order cells use them."""
        start = self.starts.get(fmt)
        if start is None:
            start = self.starts[fmt] = f'" s="{fmt._get_xf_index()}"><v>' if fmt is not None else '"><v>'
        return start

    def _writer(self, col, kind):
        ws, general = self.ws, self._write_any
        if kind == TEXT:
            def text(r, value):
                if type(value) is str:
                    ws.write_string(r, col, value)
                    if r <= SAMPLED:
                        self._fit(col, value)
                else:
                    general(r, col, value)
            return text
        if kind in (DATE, MOMENT):
            expected, fmt = (dt.date, self.formats[DATE]) if kind == DATE else (dt.datetime, self.formats[MOMENT])

            def date(r, value):
                if type(value) is expected and (kind == DATE or value.tzinfo is None):
                    ws.write_datetime(r, col, value, fmt)
                else:
                    general(r, col, value)
            return date
        fmt = self.number_formats[col]

        def number(r, value):
            if type(value) in _NUMBERS:
                ws.write_number(r, col, float(value), fmt)
            else:
                general(r, col, value)
        return number

    def _write_any(self, r, col, value):
        ws, fmt = self.ws, self.number_formats[col]
        if isinstance(value, bool):
            text = YES if value else NO
            ws.write_string(r, col, text)
            self._fit(col, text)
        elif isinstance(value, (Decimal, int, float)):
            ws.write_number(r, col, float(value), fmt)
        elif isinstance(value, dt.datetime):
            ws.write_datetime(r, col, _as_naive(value), self.formats[MOMENT])
        elif isinstance(value, dt.date):
            ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), self.formats[DATE])
        else:
            text = value if isinstance(value, str) else ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
            ws.write_string(r, col, text)
            self._fit(col, text)

    def _fit(self, col, text):
        if self.row <= SAMPLED and len(text) + 2 > self.widths[col]:
            self.widths[col] = min(len(text) + 2, MAX_WIDTH)

    def finish(self):
        columns = self.sheet.columns
        for col, column in enumerate(columns):
            width = column.width or max(self.widths[col], WIDTHS.get(column.kind, 8))
            self.ws.set_column(col, col, min(width, MAX_WIDTH))
        if columns:
            self.ws.autofilter(0, 0, max(self.row - 1, 0), len(columns) - 1)
        for note in self.sheet.notes:
            self.row += 1
            self.ws.write_string(self.row, 0, note, self.formats["bold"])
        return self.row


def _formats(book):
    formats = {kind: book.add_format({"num_format": pattern}) for kind, pattern in FORMATS.items()}
    formats["header"] = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True,
                                         "valign": "top"})
    formats["bold"] = book.add_format({"bold": True})
    return formats


def _chart(book, writer, name, last_row):
    spec = writer.sheet.chart
    chart = book.add_chart({"type": spec.type, **({"subtype": spec.subtype} if spec.subtype else {})})
    for col in spec.values:
        chart.add_series({
            "name": [name, 0, col],
            "categories": [name, 1, spec.categories, last_row, spec.categories],
            "values": [name, 1, col, last_row, col],
        })
    chart.set_title({"name": spec.title})
    if spec.y_title:
        chart.set_y_axis({"name": spec.y_title})
    chart.set_size({"width": 720, "height": 360})
    writer.ws.insert_chart(1, len(writer.sheet.columns) + 1, chart)


def write(out, sheets):
    """Write the sheets as one workbook into the binary file `out`."""
    book = xlsxwriter.Workbook(out, OPTIONS)
    formats = _formats(book)
    taken = []
    for sheet in sheets:
        writer = _SheetWriter(book, formats, sheet, taken)
        taken.append(writer.ws.name)
        writer.write_header()
        for values in sheet.rows:
            writer.write_row(values)
        data_rows = writer.row - 1
        writer.finish()
        if sheet.chart is not None and data_rows > 0:
            _chart(book, writer, writer.ws.name, data_rows)
    book.close()
    return out


def to_bytes(sheets):
    return write(io.BytesIO(), sheets).getvalue()
