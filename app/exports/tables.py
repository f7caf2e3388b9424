"""Rows of a model as Excel columns (no Flask): which cells a list of attribute names gives —
a related object as its name and, next to it, its id (for VLOOKUP); a status as its Russian
label; dates, money, areas and rates typed by their database column — and the rows of a query
streamed in batches, related rows read by their keys, each once (`stream`). The admin's
«Экспорт в Excel» (views/excel.py) and the full export (exports/workbook.py) both build their
sheets here."""
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Query

from app import bulk
from app.exports import xlsx

BATCH = 1000


@dataclass(frozen=True)
class TableColumn:
    column: xlsx.Column
    name: str  # the attribute (dotted for a related one's) whose value is written
    value: object  # value(raw) -> what the cell holds


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


def raw(value):
    return value


def as_text(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    return str(value)


def labelled(enum_cls, translate=str):
    labels = {}  # each value translated once per export, not once per cell

    def value(value):
        if not value:
            return None
        if value not in labels:
            labels[value] = translate(enum_cls.label_of(value))
        return labels[value]

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
        fk = mapper.get_property_by_column(next(iter(relation.local_columns))).key
        return [
            TableColumn(xlsx.Column(header), name, as_text),
            TableColumn(xlsx.Column(f"{header}, id", xlsx.INTEGER), fk, raw),
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
    return TableColumn(xlsx.Column(header, xlsx.INTEGER), "id", raw)


def by_key(relation):
    """The attribute of the foreign key a many-to-one relation is read by (its target's one-column
    primary key, nothing else in the join); None for any other relation."""
    pairs = relation.local_remote_pairs
    if relation.uselist or relation.secondary is not None or len(pairs) != 1:
        return None
    local, remote = pairs[0]
    if list(relation.mapper.primary_key) != [remote] or not (
            relation.primaryjoin.compare(remote == local) or relation.primaryjoin.compare(local == remote)):
        return None
    return relation.parent.get_property_by_column(local).key


def _keyed_path(model, name):
    """(the relations read by key that `name` goes through, then its column or None) when it names
    a related row or one of its columns; None for anything else."""
    *path, leaf = name.split(".")
    relations = []
    for part in path + [leaf]:
        relation = sa_inspect(model).relationships.get(part)
        if relation is None:
            break
        if by_key(relation) is None:
            return None
        relations.append(relation)
        model = relation.mapper.class_
    if not relations or len(relations) < len(path):
        return None
    if len(relations) > len(path):
        return relations, None
    return (relations, leaf) if leaf in sa_inspect(model).column_attrs else None


def _keyed_load(option):
    """The relations of a loader option when each is read by key (the export reads those so), else None."""
    path = getattr(option, "path", None)
    relations = list(path)[1::2] if path is not None else []
    keyed = relations and all(getattr(r, "direction", None) is not None and by_key(r) for r in relations)
    return relations if keyed else None


def value_of(item, name):
    for part in name.split("."):
        if item is None:
            return None
        item = getattr(item, part)
    return item() if callable(item) else item


def plain_values(items, names):
    for item in items:
        yield {name: value_of(item, name) for name in names}


def stream(session, model, query, columns, values=plain_values, annotate=None, loads=()):
    """The cells of every row of `query` (a legacy Query or a select of `model`), BATCH at a time.

    A column of the model is read from the row. A related row, or its column, through many-to-one
    relations is read from the related rows, each loaded by its key (one query per relation and
    batch, for keys not met before) and its cell computed once per key — rather than joined to
    every row. Any other name (a property, a method, what the caller adds) is `values(batch,
    names)`'s, after `annotate(batch)`. `loads`, loader options for what the names read: those of
    collections go with the query; those of many-to-one relations are left out, those being read
    by key (a property reading one finds it in the session when its batch loaded it, else loads it)."""
    kept = [option for option in loads if _keyed_load(option) is None]
    if kept:
        query = query.options(*kept)
    reader = _Reader(session, model, columns)
    rows = query.yield_per(BATCH) if isinstance(query, Query) else session.scalars(query.execution_options(yield_per=BATCH))
    batch = []
    for item in rows:
        batch.append(item)
        if len(batch) == BATCH:
            yield from reader.rows(batch, values, annotate)
            batch = []
    if batch:
        yield from reader.rows(batch, values, annotate)


class _Reader:
    """How `stream` reads each column's cell."""

    def __init__(self, session, model, columns):
        self.session = session
        self.others = list(dict.fromkeys(
            c.name for c in columns if c.name not in sa_inspect(model).column_attrs and _keyed_path(model, c.name) is None))
        self.cells = []  # per column: cell(item, the row's values of the other names)
        self.groups = {}  # a first relation -> [(the cells by key, value, its further relations, its column)]
        for column in columns:
            keyed = _keyed_path(model, column.name)
            if keyed is not None:
                relations, leaf = keyed
                memo = {None: column.value(None)}
                self.groups.setdefault(relations[0], []).append((memo, column.value, relations[1:], leaf))
                self.cells.append(_by_key(attrgetter(by_key(relations[0])), memo))
            elif column.name in self.others:
                self.cells.append(_other(column.name, column.value))
            else:
                self.cells.append(_own(attrgetter(column.name), column.value))

    def rows(self, batch, values, annotate):
        held = self._related(batch)  # the related rows stay in the session while the other names read them
        if annotate is not None:
            annotate(batch)
        found = values(batch, self.others) if self.others else [None] * len(batch)
        cells = self.cells
        for item, other in zip(batch, found):
            yield [cell(item, other) for cell in cells]
        del held

    def _related(self, batch):
        """Compute the keyed cells of the batch's new keys; the related rows loaded for them."""
        held = []
        for first, members in self.groups.items():
            key = attrgetter(by_key(first))
            keys = {k for k in map(key, batch) if any(k not in memo for memo, _, _, _ in members)}
            if not keys:
                continue
            rows = self._load(first, keys)
            held.append(rows)
            for memo, value, further, leaf in members:
                reached = list(rows.values())
                for relation in further:  # loaded level by level: the session then finds them by key
                    loaded = self._load(relation, {getattr(row, by_key(relation)) for row in reached} - {None})
                    held.append(loaded)
                    reached = list(loaded.values())
                for k in keys:
                    target = rows.get(k)
                    for relation in further:
                        target = getattr(target, relation.key) if target is not None else None
                    memo[k] = value(getattr(target, leaf) if leaf is not None and target is not None else target)
        return held

    def _load(self, relation, keys):
        """{key: row} of the relation's target rows with these keys."""
        mapper = relation.mapper
        pk = mapper.primary_key[0]
        attribute = attrgetter(mapper.get_property_by_column(pk).key)
        rows = {}
        for clause in bulk.where_in(self.session, pk, keys):
            rows.update((attribute(row), row) for row in self.session.scalars(select(mapper.class_).where(clause)))
        return rows


def _own(read, value):
    if value is raw:
        return lambda item, other: read(item)
    return lambda item, other: value(read(item))


def _by_key(read, memo):
    return lambda item, other: memo[read(item)]


def _other(name, value):
    return lambda item, other: value(other.get(name))
