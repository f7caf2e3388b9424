"""Widgets with the buttons a manager expects (an edit button on every card)."""
from flask_appbuilder.widgets import ShowWidget


class CardWidget(ShowWidget):
    template = "arenda/widgets/show.html"
