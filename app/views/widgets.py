"""Widgets with the buttons a manager expects (an edit button on every card), and the
relation filter that searches on the server."""
from flask import request, url_for
from flask_appbuilder.widgets import ListWidget, ShowWidget
from markupsafe import Markup
from wtforms.widgets import html_params


class CardWidget(ShowWidget):
    template = "arenda/widgets/show.html"


class ArendaListWidget(ListWidget):
    """FAB's list; rows in `kept_pks` (accounting history, app.hooks.history) show no delete button."""

    template = "arenda/widgets/list.html"

    def __call__(self, **kwargs):
        """With «Экспорт в Excel»: the same list's rows under the page's filters and order (not on a
        card's list of related rows, whose filter is not in the URL)."""
        filters = self.template_args.get("filters")
        view_name = self.template_args.get("modelview_name")
        related = filters is not None and any(flt.is_related_view for flt in filters.filters)
        if "export_url" not in kwargs and view_name and not related:
            query = request.query_string.decode()
            kwargs["export_url"] = url_for(f"{view_name}.export_xlsx") + (f"?{query}" if query else "")
        return super().__call__(**kwargs)


class RemoteSelectWidget:
    """A select2 that asks the server for its options as the user types (select2's own AJAX,
    set by data- attributes, so FAB's filter script needs no change). Only the options already
    chosen are rendered: a filter on a relation to thousands of rows keeps the page light."""

    def __call__(self, field, **kwargs):
        params = html_params(
            id=field.id, name=field.name, class_="my_select2 form-control",
            **{"data-ajax--url": field.url(), "data-ajax--delay": "250"},
        )
        options = Markup("").join(
            Markup('<option value="{}" selected>{}</option>').format(value, label) for value, label in field.chosen()
        )
        return Markup(f"<select {params}>{options}</select>")


class DocumentCardWidget(CardWidget):
    """An invoice, act or VAT invoice card: its buttons (issue, sign, cancel, PDF) under it."""

    template = "arenda/widgets/document_show.html"


class FormControl:
    """A WTForms input widget (URL, number, password …) with Bootstrap's look; FAB's own BS3
    widgets would render every input as type="text"."""

    def __init__(self, widget):
        self.widget = widget

    def __call__(self, field, **kwargs):
        kwargs["class"] = "form-control"
        return self.widget(field, **kwargs)
