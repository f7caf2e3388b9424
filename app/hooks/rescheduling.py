"""Save hooks shared by the admin views and the REST resources of whatever a contract's
schedule depends on: the contract, its rooms and services, its agreements and their rooms,
and documents written by hand. After a save the schedule is rebuilt in the same transaction
(FAB commits it); after a delete, right after FAB's commit.

Mix `ReschedulesContract` in before the view or API base class (FAB's ModelView and
ModelRestApi share the hook names); `contract_of(item)` names whose schedule changes.
"""
from flask import g

from app.domain import contracts, documents, schedule
from app.domain.enums import N_
from app.errors import DomainError
from app.models import Contract
from app.timeutil import today


class ReschedulesContract:
    def contract_of(self, item):
        return item.contract

    def reschedule(self, item):
        contracts.keep_end_in_force(self.contract_of(item))
        schedule.rebuild(self.datamodel.session, self.contract_of(item), today())

    def pre_add(self, item):
        super().pre_add(item)
        self.datamodel.session.add(item)  # FAB adds it only after this hook; the rebuild must see it
        self._reschedule_or_undo(item)

    def pre_update(self, item):
        super().pre_update(item)
        self._reschedule_or_undo(item)

    def _reschedule_or_undo(self, item):
        try:
            self.reschedule(item)
        except DomainError:
            self.datamodel.session.rollback()  # FAB's form only flashes it: nothing of the refused save may stay
            raise

    def pre_delete(self, item):
        super().pre_delete(item)
        g.rescheduled_contract_id = self.contract_of(item).id

    def post_delete(self, item):
        super().post_delete(item)
        session = self.datamodel.session
        contract = session.get(Contract, g.pop("rescheduled_contract_id", None) or 0)
        if contract is not None:  # None: the contract itself was deleted
            contracts.keep_end_in_force(contract)
            schedule.rebuild(session, contract, today())
            session.commit()


class SavesDocument(ReschedulesContract):
    """Invoices and acts written or corrected by hand: numbered when issued, their lines and
    VAT invoice kept in step, the schedule rebuilt around them (app.domain.documents)."""

    def reschedule(self, item):
        documents.on_saved(self.datamodel.session, item, today())

    def pre_delete(self, item):
        if item.status == schedule.PLANNED[schedule.doc_of(item)] and not item.one_off:  # the rebuild would plan it again
            raise DomainError(N_("Плановый документ не удаляют: отмените его, и график больше не запланирует этот период"))
        super().pre_delete(item)
