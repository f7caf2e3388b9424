"""The start page counts stay exact however they are computed: each kind's figure is the rows
matching any of its rules, each counted once; on PostgreSQL every rule is counted from an index
of the rows it can match (the speed target of issue 18 rests on it, benchmarks/attention.py)."""
import os
from datetime import date

import pytest
from sqlalchemy import func, select, text

from app.domain import attention
from tests import attention_dataset

TODAY = date(2026, 3, 15)


@pytest.fixture()
def dataset(session):
    rows = attention_dataset.build(session, TODAY)
    session.commit()
    return rows


@pytest.mark.parametrize("kind", list(attention.KINDS))
def test_each_kind_counts_its_rows_once(session, dataset, kind):
    model = attention.KINDS[kind]
    direct = session.scalar(select(func.count()).select_from(model).where(attention.predicate(kind, TODAY)))
    assert attention.counts(session, TODAY).by_kind[kind] == direct
    assert attention.counts(session, TODAY, [kind]).by_kind == {kind: direct}


@pytest.mark.skipif(not os.environ.get("ARENDA_TEST_DATABASE_URL"), reason="needs PostgreSQL (ARENDA_TEST_DATABASE_URL)")
@pytest.mark.parametrize("rule", attention.RULES, ids=lambda r: f"{r.kind}.{r.key}")
def test_each_rule_is_counted_from_an_index_alone(session, dataset, rule):
    # The test tables are tiny: without these the planner would rightly read them whole.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    session.execute(text("SET LOCAL enable_bitmapscan = off"))
    query = select(func.count()).select_from(rule.model).where(rule.predicate(TODAY))
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    plan = "\n".join(session.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert "Index Only Scan" in plan and " Index Scan" not in plan and "Seq Scan" not in plan, plan
