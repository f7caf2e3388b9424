"""Attachments: references on the outbox row, turned into files when the message is sent.

A document is referenced by kind and id ({"kind": "invoice", "id": 5}) and rendered to PDF at
send time, so the database holds no blobs and a resent message carries the document as it is
now. A file handed over by its maker (the scheduled 1C export) is kept once, by content hash,
in the outbox folder under the instance directory, and referenced by that name.
"""
import hashlib
import mimetypes
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import object_session

from app.domain import indexation
from app.exports.pdf import act_pdf, indexation_letter_pdf, invoice_pdf, vat_invoice_pdf
from app.models import Act, Agreement, Invoice, VatInvoice

PDF = "application/pdf"


def _indexation_letter(agreement):
    return indexation_letter_pdf(indexation.described(object_session(agreement), agreement))


DOCUMENTS = {
    "invoice": (Invoice, invoice_pdf, "Счёт"),
    "act": (Act, act_pdf, "Акт"),
    "vat_invoice": (VatInvoice, vat_invoice_pdf, "Счёт-фактура"),
    "indexation_letter": (Agreement, _indexation_letter, "Уведомление об индексации к доп. соглашению"),
}


class MissingAttachment(Exception):
    """A referenced document or file is gone: the message cannot be sent as written."""


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


def document(kind, document_id):
    return {"kind": kind, "id": document_id}


def document_filename(kind, doc):
    number = (doc.number or "").replace("/", "-")
    return f"{DOCUMENTS[kind][2]} № {number} от {doc.date:%d.%m.%Y}.pdf"


def stored_file(directory, filename, data):
    """Keep `data` in `directory` (once per content) and return its reference."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(data).hexdigest() + Path(filename).suffix.lower()
    path = directory / name
    if not path.exists():
        handle, temporary = tempfile.mkstemp(dir=directory)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)  # readers never see a half-written file
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return {"kind": "file", "name": filename, "path": name, "type": content_type}


def load(session, refs, directory):
    """The files of a message's references, in order."""
    files = []
    for ref in refs or []:
        if ref["kind"] == "file":
            path = Path(directory) / Path(ref["path"]).name
            if not path.exists():
                raise MissingAttachment(f"Файл вложения «{ref['name']}» не найден")
            files.append(Attachment(ref["name"], ref["type"], path.read_bytes()))
            continue
        model, render, _ = DOCUMENTS[ref["kind"]]
        doc = session.get(model, ref["id"])
        if doc is None:
            raise MissingAttachment(f"Документ для вложения удалён ({ref['kind']} {ref['id']})")
        files.append(Attachment(document_filename(ref["kind"], doc), PDF, render(doc)))
    return files
