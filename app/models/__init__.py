"""All tables. Importing this package registers every model on the shared metadata."""
from flask_appbuilder.security.sqla.models import Group, Role, User  # noqa: F401  (ab_* tables)

from app.models.account import Account
from app.models.audit import AuditEntry
from app.models.base import Model
from app.models.contract import (
    Agreement,
    AgreementRoom,
    Contract,
    ContractRoom,
    ContractService,
    ContractStatusChange,
    DepositOperation,
    contract_contact,
)
from app.models.document import Act, ActLine, DocumentCounter, Invoice, InvoiceLine, VatInvoice
from app.models.export import ExportRun
from app.models.inquiry import Inquiry
from app.models.integration import AmocrmStage, WebhookEndpoint
from app.models.login import LoginFailure
from app.models.money import Allocation, ImportBatch, Payment
from app.models.notice import OutboxMessage
from app.models.party import BankAccount, ContactPerson, Counterparty
from app.models.property import Building, BuildingPhoto, Floor, Room, Section
from app.models.rates import CpiIndex, KeyRate
from app.models.settings import ChangeStamp, Setting

__all__ = [
    "Model", "AuditEntry", "Group", "Role", "User", "Account", "Agreement", "AgreementRoom", "Contract", "ContractRoom", "ContractService",
    "ContractStatusChange", "contract_contact", "Act", "ActLine", "DocumentCounter", "Invoice", "InvoiceLine",
    "VatInvoice", "ExportRun", "Inquiry", "LoginFailure", "Allocation", "ImportBatch", "Payment", "OutboxMessage", "BankAccount",
    "ContactPerson",
    "Counterparty", "Building", "BuildingPhoto", "Floor", "Room", "Section", "Setting", "AmocrmStage", "WebhookEndpoint",
    "KeyRate", "CpiIndex", "DepositOperation", "ChangeStamp",
]
