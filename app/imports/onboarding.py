"""The onboarding workbook read (openpyxl, read-only): each sheet of app.domain.onboarding's
template as [(Excel row number, {header: value})], empty rows skipped; an unreadable file is
refused with a clear message."""
import io
import zipfile

from app.domain import onboarding
from app.domain.enums import N_
from app.errors import ImportFailed


def read(data):
    """{sheet title: rows or None when the file has no such sheet}."""
    from openpyxl import load_workbook  # ~11 MB, loaded by the first onboarding upload, not with the app

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFailed(N_("Файл не читается как книга Excel (.xlsx): сохраните его в формате .xlsx")) from None
    try:
        return {title: _rows(book[title]) if title in book.sheetnames else None for title in onboarding.SHEETS}
    finally:
        book.close()


def _rows(sheet):
    found, headers = [], None
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if headers is None:
            headers = [str(v).strip() if v is not None else "" for v in values]
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        found.append((number, {h: v for h, v in zip(headers, values) if h}))
    return found
