"""The 1C export writes its documents as XML text (no tree per document): that text is exactly
what lxml writes for the same message, whatever a user typed into the fields it carries."""
from datetime import datetime

import pytest
from lxml import etree

from app.exports import enterprise_data
from app.models import Invoice
from tests import export_1c_data
from tests.export_1c_data import END, START

NS = {"ed": enterprise_data.ED}


def _export(session, executor):
    return enterprise_data.export_bytes(session, executor, START, END, created=datetime(2026, 4, 1, 9, 0))[0]


def test_the_message_is_what_lxml_writes_for_it_with_awkward_text(session):
    executor = export_1c_data.month(session)[0]
    invoice = session.query(Invoice).filter(Invoice.executor_id == executor.id, Invoice.comment.is_(None)).first()
    invoice.comment = "A & B <ООО «Ромашка»> \"кавычки\" 'апостроф'\r\nвторая\rтретья\tтаб"
    session.flush()
    data = _export(session, executor)
    tree = etree.fromstring(data)
    assert etree.tostring(tree, encoding="UTF-8", xml_declaration=True).split(b"?>", 1)[1] == data.split(b"?>", 1)[1]
    comments = tree.xpath("//ed:Документ.СчетПокупателю//ed:Комментарий/text()", namespaces=NS)
    assert "A & B <ООО «Ромашка»> \"кавычки\" 'апостроф'\nвторая\nтретья\tтаб" in comments


def test_text_xml_cannot_carry_is_refused(session):
    executor = export_1c_data.month(session)[0]
    invoice = session.query(Invoice).filter(Invoice.executor_id == executor.id).first()
    invoice.comment = "bell \x07"
    session.flush()
    with pytest.raises(ValueError):
        _export(session, executor)
