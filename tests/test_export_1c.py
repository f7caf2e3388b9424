"""Export to 1C in EnterpriseData (SPEC §2.2): what the message carries, checked against 1C's
own package turned into XML Schema (app.exports.xdto_schema)."""
from datetime import datetime
from decimal import Decimal

import pytest
from lxml import etree

from app.domain.vat import rate_of
from app.errors import DomainError
from app.exports import enterprise_data, xdto_schema
from tests import export_1c_data
from tests.export_1c_data import END, START

NS = {"ed": xdto_schema.ED, "msg": xdto_schema.MSG}
CREATED = datetime(2026, 4, 1, 9, 0)


@pytest.fixture()
def month(session):
    return export_1c_data.month(session)


def _export(session, executor):
    return enterprise_data.export_bytes(session, executor, START, END, created=CREATED)


def test_a_realistic_export_validates_against_the_schema(session, month):
    data, summary = _export(session, month[0])
    assert xdto_schema.problems(data) == []
    assert summary.as_dict()["invoices"] == 3 and summary.as_dict()["acts"] == 3

