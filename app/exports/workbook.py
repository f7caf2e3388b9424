"""The full export's workbook (SPEC §6 `export xlsx`): a sheet per entity of
app.domain.full_export (given by the caller: this layer imports no models), each row with its
id and every related object as its name and its id, so VLOOKUP and pivot tables join the sheets."""
from sqlalchemy import select

from app.exports import tables, xlsx


class _Scalars:
    """A select of one model streamed through the session, as `tables.stream` reads a query."""

    def __init__(self, session, query):
        self.session, self.query = session, query

    def yield_per(self, size):
        return self.session.scalars(self.query.execution_options(yield_per=size))


def sheet(session, entity):
    columns = [tables.id_column()]
    for name, header in entity.columns:
        columns += tables.columns_for(entity.model, name, header, entity.enums.get(name))
    names = [c.name for c in columns if c.name != "id"]
    query = select(entity.model).order_by(entity.model.id).options(*tables.eager(entity.model, names))
    return xlsx.Sheet(entity.title, [c.column for c in columns], tables.stream(_Scalars(session, query), columns))


def write(session, out, entities):
    """Write a sheet per entity into the binary file `out`, streaming each from the database."""
    return xlsx.write(out, (sheet(session, entity) for entity in entities))
