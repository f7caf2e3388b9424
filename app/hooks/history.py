"""The delete hook shared by the admin views and the REST resources of whatever is accounting
history (app.domain.history): issued and cancelled documents, allocated payments, contracts,
counterparties, bank accounts. A refused delete raises HistoryKept, which the admin flashes
and REST answers with 409; nothing is deleted.

On an admin view the mixin also takes the delete button off such a card and off such rows of a
list (history.kept_ids: a few queries per page).

Mix `KeepsHistory` in first, before the other save hooks and the view or API base class."""
from flask_babel import gettext

from app.domain import history
from app.errors import HistoryKept


def kept(session, item):
    """The translated reason `item` cannot be deleted, or None."""
    reason = history.why_kept(session, item)
    return None if reason is None else gettext(reason.msgid, **reason.params)


class KeepsHistory:
    def pre_delete(self, item):
        reason = kept(self.datamodel.session, item)
        if reason is not None:
            raise HistoryKept(reason)
        super().pre_delete(item)

    def _get_list_widget(self, *args, **kwargs):
        widgets = super()._get_list_widget(*args, **kwargs)
        values = widgets["list"].template_args
        kept_ids = history.kept_ids(self.datamodel.session, self.datamodel.obj, values["pks"])
        values["kept_pks"] = set(values.get("kept_pks") or ()) | kept_ids  # with the hooks' below (schedule plans)
        return widgets

    def _get_show_widget(self, pk, item, *args, **kwargs):
        widgets = super()._get_show_widget(pk, item, *args, **kwargs)
        args = widgets["show"].template_args
        args["kept"] = kept(self.datamodel.session, item) or args.get("kept")
        return widgets
