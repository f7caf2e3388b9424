"""Admin views, registered menu by menu under stable English names."""
from flask import current_app
from flask_babel import lazy_gettext as _

from app.views import (
    audit, contracts, documents, errors, export_1c, feeds, integrations, money, onboarding, parties, property, reconciliation,
    reports, search, settings,
)

# Flask-AppBuilder's own menu items, relabelled for the domain (msgids kept for the catalog).
STAFF_LABELS = (_("Security"), _("List Users"), _("List Roles"), _("List Groups"))


def register(appbuilder):
    for section in (property, parties, contracts, documents, export_1c, money, reconciliation, settings, onboarding, feeds, search,
                    integrations, audit, reports):
        section.register(appbuilder)
    errors.init_app(current_app)
