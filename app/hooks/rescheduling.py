"""Save hooks shared by the admin views and the REST resources of whatever a contract's
schedule depends on: the contract, its rooms and services, its agreements and their rooms,
and documents written by hand. After a save the schedule is rebuilt in the same transaction
(FAB commits it); after a delete, right after FAB's commit.

Mix `ReschedulesContract` in before the view or API base class (FAB's ModelView and
ModelRestApi share the hook names); `contract_of(item)` names whose schedule changes.
"""
from flask import g
from flask_babel import gettext

from app.domain import contracts, documents, schedule
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
        if documents.is_schedule_plan(item):
            raise DomainError(documents.PLAN_KEPT)
        super().pre_delete(item)

    def _get_list_widget(self, *args, **kwargs):
        """No delete button on the schedule's plans (beside the history's rows, app.hooks.history)."""
        widgets = super()._get_list_widget(*args, **kwargs)
        values = widgets["list"].template_args
        plans = documents.schedule_plan_ids(self.datamodel.session, self.datamodel.obj, values["pks"])
        values["kept_pks"] = set(values.get("kept_pks") or ()) | plans
        return widgets

    def _get_show_widget(self, pk, item, *args, **kwargs):
        widgets = super()._get_show_widget(pk, item, *args, **kwargs)
        if documents.is_schedule_plan(item):
            widgets["show"].template_args["kept"] = gettext(documents.PLAN_KEPT)
        return widgets
