"""Admin views, registered menu by menu under stable English names."""
from flask_babel import lazy_gettext as _

from app.views import contracts, documents, money, parties, property, reconciliation, settings

# Flask-AppBuilder's own menu items, relabelled for the domain (msgids kept for the catalog).
STAFF_LABELS = (_("Security"), _("List Users"), _("List Roles"), _("List Groups"))


def register(appbuilder):
    for section in (property, parties, contracts, documents, money, reconciliation, settings):
        section.register(appbuilder)
