"""Widgets with the buttons a manager expects (an edit button on every card)."""
from flask_appbuilder.widgets import ShowWidget


class CardWidget(ShowWidget):
    template = "arenda/widgets/show.html"


class DocumentCardWidget(CardWidget):
    """An invoice, act or VAT invoice card: its buttons (issue, sign, cancel, PDF) under it."""

    template = "arenda/widgets/document_show.html"
