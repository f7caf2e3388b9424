"""Rows of a model as Excel columns (no Flask): which cells a list of attribute names gives —
a related object as its name and, next to it, its id (for VLOOKUP); a status as its Russian
label; dates, money, areas and rates typed by their database column — and the rows of a query
streamed in batches. The admin's «Экспорт в Excel» (views/excel.py) and the full export
(exports/workbook.py) both build their sheets here."""
from dataclasses import dataclass

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload

from app.exports import xlsx

BATCH = 1000


@dataclass(frozen=True)
class TableColumn:
    column: xlsx.Column
    name: str  # the attribute (dotted for a related one's) whose value is written
    value: object  # value(raw, item) -> what the cell holds


def _numeric_kind(column_type):
    precision, scale = getattr(column_type, "precision", None), getattr(column_type, "scale", None)
    if (precision, scale) == (14, 2):  # models.base.MONEY
        return xlsx.MONEY
    if (precision, scale) == (10, 2):  # AREA
        return xlsx.AREA
    if scale == 4:  # RATE: a fraction
        return xlsx.PERCENT
    return xlsx.NUMBER


def kind_of(column_type):
    if isinstance(column_type, DateTime):
        return xlsx.MOMENT
    if isinstance(column_type, Date):
        return xlsx.DATE
    if isinstance(column_type, Numeric):
        return _numeric_kind(column_type)
    if isinstance(column_type, Integer) and not isinstance(column_type, Boolean):
        return xlsx.INTEGER
    return xlsx.TEXT


def walk(model, path):
    """(the model at the end of `path`'s many-to-one relations, those relations); None at a collection."""
    relations = []
    for part in path:
        relation = sa_inspect(model).relationships.get(part)
        if relation is None or relation.uselist:
            return None, relations
        relations.append(relation)
        model = relation.mapper.class_
    return model, relations


def raw(value, item):
    return value


def as_text(value, item):
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    return str(value)


def labelled(enum_cls, translate=str):
    labels = {}  # each value translated once per export, not once per cell

    def value(value, item):
        if not value:
            return None
        if value not in labels:
            labels[value] = translate(enum_cls.label_of(value))
        return labels[value]

    return value


def attribute(name):
    def value(value, item):
        return getattr(item, name)

    return value


def columns_for(model, name, header, enum_cls=None, translate=str, collections=False):
    """The cells of one attribute name (see the module's docstring); [] for what a cell cannot hold."""
    *path, leaf = name.split(".")
    owner, _ = walk(model, path)
    if owner is None:
        return []
    mapper = sa_inspect(owner)
    relation = mapper.relationships.get(leaf)
    if relation is not None:
        if relation.uselist:
            return [TableColumn(xlsx.Column(header), name, as_text)] if collections else []
        if path:
            return [TableColumn(xlsx.Column(header), name, as_text)]
        fk = next(iter(relation.local_columns)).key
        return [
            TableColumn(xlsx.Column(header), name, as_text),
            TableColumn(xlsx.Column(f"{header}, id", xlsx.INTEGER), name, attribute(fk)),
        ]
    if enum_cls is not None:
        return [TableColumn(xlsx.Column(header), name, labelled(enum_cls, translate))]
    if leaf in mapper.columns:
        column_type = mapper.columns[leaf].type
        if type(column_type).__name__ in ("ImageColumn", "FileColumn"):
            return []
        return [TableColumn(xlsx.Column(header, kind_of(column_type)), name, raw)]
    return [TableColumn(xlsx.Column(header), name, raw)]


def id_column(header="ID"):
    return TableColumn(xlsx.Column(header, xlsx.INTEGER), "id", attribute("id"))


def eager(model, names):
    """Load options for the many-to-one relations the names read (not one query per row)."""
    options = []
    for name in names:
        parts = name.split(".")
        path = parts[:-1] if len(parts) > 1 else parts
        _, relations = walk(model, path)
        if relations:
            option = joinedload(relations[0].class_attribute)
            for relation in relations[1:]:
                option = option.joinedload(relation.class_attribute)
            options.append(option)
    return options


def value_of(item, name):
    for part in name.split("."):
        if item is None:
            return None
        item = getattr(item, part)
    return item() if callable(item) else item


def plain_values(items, names):
    for item in items:
        yield {name: value_of(item, name) for name in names}


def stream(query, columns, values=plain_values, annotate=None):
    """The cells of every row of `query` (a legacy Query or a select of one model), BATCH at a time:
    `annotate(batch)` may add computed attributes, `values(batch, names)` gives each row's raw values."""
    names = list(dict.fromkeys(c.name for c in columns))
    batch = []
    for item in query.yield_per(BATCH):
        batch.append(item)
        if len(batch) == BATCH:
            yield from _rows(batch, columns, names, values, annotate)
            batch = []
    if batch:
        yield from _rows(batch, columns, names, values, annotate)


def _rows(batch, columns, names, values, annotate):
    if annotate is not None:
        annotate(batch)
    for item, found in zip(batch, values(batch, names)):
        yield [c.value(found.get(c.name), item) for c in columns]
