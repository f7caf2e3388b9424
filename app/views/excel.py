"""«Экспорт в Excel» of every admin list (the route is views.base.ArendaModelView.export_xlsx):
the rows of the list's current filters, search, order and needs-attention switch, all pages,
streamed in batches into a workbook (app.exports.tables / xlsx). Columns: the row's id, the
list's own, then the card's not already there; labels as on screen, statuses translated."""
import re
import tempfile

from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import gettext
from sqlalchemy import inspect as sa_inspect

from app.exports import tables, xlsx
from app.timeutil import today
from app.views.downloads import send_download

SPOOL = 4 * 1024 * 1024  # bytes kept in memory before the file goes to disk (200,000 rows are 22 MB)
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_columns(view):
    names = [name for name in dict.fromkeys(list(view.list_columns or []) + list(view.export_extra_columns()))
             if name not in view.list_computed]  # a computed column is a link or a button
    formatters = view.formatters_columns or {}
    columns = [tables.id_column()] if hasattr(view.datamodel.obj, "id") else []
    for name in names:
        if name == "id":
            continue
        enum_cls = getattr(formatters.get(name), "enum", None)
        columns += tables.columns_for(view.datamodel.obj, name, str(view.label_columns.get(name, name)), enum_cls,
                                      gettext, collections=name in (view.list_columns or []))
    return columns


def list_rows(view, columns):
    """The list's rows under its current filters (from the request) and order, all pages."""
    orders = get_order_args().get(view.__class__.__name__)
    order_column, direction = orders if orders else ("", "")
    if not order_column and view.base_order:
        order_column, direction = view.base_order
    get_filter_args(view._filters)
    filters = view._filters.get_joined_filters(view._base_filters)
    datamodel = view.datamodel
    query = datamodel.apply_all(datamodel.session.query(datamodel.obj), filters, order_column, direction)
    if not order_column:
        query = query.order_by(*sa_inspect(datamodel.obj).primary_key)
    # `stream` applies the list's `loads` (a collection's with the rows, many-to-one relations by
    # key), so the datamodel's values need not load them again for every batch.
    values = getattr(datamodel, "loaded_values", datamodel.get_values)
    return tables.stream(datamodel.session, datamodel.obj, query, columns, values=values,
                         annotate=getattr(datamodel, "annotate", None), loads=getattr(datamodel, "loads", ()))


def file_name(title):
    safe = re.sub(r'[\\/:*?"<>|]+', " ", str(title)).strip() or "export"
    return f"{safe} {today():%Y-%m-%d}.xlsx"


def send_workbook(sheets, title):
    """Write the sheets to a spooled file (memory, then disk) and send it as a download."""
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)
    xlsx.write(out, sheets)
    out.seek(0)
    return send_download(out, XLSX_MIMETYPE, file_name(title))


def list_export(view):
    columns = export_columns(view)
    title = str(view.list_title or view.__class__.__name__)
    return send_workbook([xlsx.Sheet(title, [c.column for c in columns], list_rows(view, columns))], title)
