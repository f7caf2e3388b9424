"""The full export's workbook (SPEC §6 `export xlsx`): a sheet per entity of
app.domain.full_export (given by the caller: this layer imports no models), each row with its
id and every related object as its name and its id, so VLOOKUP and pivot tables join the sheets."""
from sqlalchemy import select

from app.exports import tables, xlsx


def sheet(session, entity):
    columns = [tables.id_column()]
    for name, header in entity.columns:
        columns += tables.columns_for(entity.model, name, header, entity.enums.get(name))
    query = select(entity.model).order_by(entity.model.id)
    return xlsx.Sheet(entity.title, [c.column for c in columns], tables.stream(session, entity.model, query, columns))


def write(session, out, entities):
    """Write a sheet per entity into the binary file `out`, streaming each from the database."""
    return xlsx.write(out, (sheet(session, entity) for entity in entities))
