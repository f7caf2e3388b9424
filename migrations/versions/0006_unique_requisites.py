"""one counterparty per INN+KPP, one contract number per executor

`uq_counterparty_inn_kpp` is a unique index over (inn, COALESCE(kpp, '')) of the cards that
have an INN: a missing KPP (NULL or empty) is one value, so an INN without KPP is unique among
the cards without KPP on SQLite and PostgreSQL alike (both treat NULLs in UNIQUE as distinct).
`uq_contract_executor_number`: a contract number once per executor.

Existing duplicates stop the upgrade with the rows named (merging two cards or renumbering a
contract is a person's decision, not a migration's).

Revision ID: 0006_unique
Revises: 0005_imports
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_unique'
down_revision = '0005_imports'
branch_labels = None
depends_on = None

HAS_INN = sa.text("inn IS NOT NULL AND inn <> ''")

DUPLICATES = {
    "counterparties with the same INN and KPP": (
        "SELECT inn, COALESCE(kpp, ''), COUNT(*) FROM counterparty WHERE inn IS NOT NULL AND inn <> '' "
        "GROUP BY inn, COALESCE(kpp, '') HAVING COUNT(*) > 1"
    ),
    "contracts with the same number and executor": (
        "SELECT executor_id, number, COUNT(*) FROM contract GROUP BY executor_id, number HAVING COUNT(*) > 1"
    ),
}


def _refuse_duplicates():
    connection = op.get_bind()
    found = []
    for what, query in DUPLICATES.items():
        rows = connection.execute(sa.text(query)).fetchall()
        if rows:
            found.append(f"{what}: " + "; ".join(" / ".join(str(v) for v in row[:-1]) + f" ({row[-1]} rows)" for row in rows))
    if found:
        raise RuntimeError("Fix these duplicates before upgrading: " + " | ".join(found))


def upgrade():
    _refuse_duplicates()
    with op.batch_alter_table('counterparty', schema=None) as batch_op:
        batch_op.create_index('uq_counterparty_inn_kpp', ['inn', sa.text("COALESCE(kpp, '')")], unique=True,
                              postgresql_where=HAS_INN, sqlite_where=HAS_INN)

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_contract_executor_number', ['executor_id', 'number'])


def downgrade():
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_constraint('uq_contract_executor_number', type_='unique')

    with op.batch_alter_table('counterparty', schema=None) as batch_op:
        batch_op.drop_index('uq_counterparty_inn_kpp')
