"""Resource, menu and role names, and the role matrix of SPEC §1.1.

Every view and REST API sets `class_permission_name` to one of the RESOURCE_* constants
and compresses its methods to `can_read` / `can_write` (see `views.base` and `api.base`).
All roles are Flask-AppBuilder built-in roles: their permissions live here, not in the
database, so the matrix cannot drift and needs no permission rows.
"""

ROLE_OWNER = "Owner"
ROLE_TARIFF = "Tariff & Payment"
ROLE_MANAGER = "Manager"
ROLE_ACCOUNTANT = "Accountant"
ROLE_VIEWER = "Viewer"
ROLES = [ROLE_OWNER, ROLE_TARIFF, ROLE_MANAGER, ROLE_ACCOUNTANT, ROLE_VIEWER]

ROLE_LABELS = {
    ROLE_OWNER: "Владелец",
    ROLE_TARIFF: "Тариф и оплата",
    ROLE_MANAGER: "Менеджер",
    ROLE_ACCOUNTANT: "Бухгалтер",
    ROLE_VIEWER: "Только просмотр",
}

CAN_READ = "can_read"
CAN_WRITE = "can_write"
MENU_ACCESS = "menu_access"

# Resources: the permission names of views and REST APIs.
RESOURCE_BUILDING = "Building"
RESOURCE_SECTION = "Section"
RESOURCE_FLOOR = "Floor"
RESOURCE_ROOM = "Room"
RESOURCE_COUNTERPARTY = "Counterparty"
RESOURCE_BANK_ACCOUNT = "BankAccount"
RESOURCE_CONTACT = "ContactPerson"
RESOURCE_CONTRACT = "Contract"
RESOURCE_AGREEMENT = "Agreement"
RESOURCE_INVOICE = "Invoice"
RESOURCE_ACT = "Act"
RESOURCE_VAT_INVOICE = "VatInvoice"
RESOURCE_PAYMENT = "Payment"
RESOURCE_ALLOCATION = "Allocation"
RESOURCE_MONEY_IMPORT = "MoneyImport"
RESOURCE_OUTBOX = "Outbox"
RESOURCE_DASHBOARD = "Dashboard"
RESOURCE_SETTINGS = "Settings"
RESOURCE_TARIFF = "Tariff"
RESOURCE_CARD_RULES = "CardPayerRules"  # Настройки → rules for card payments (Owner only, like settings)
RESOURCE_EXPORT_1C = "Export1C"  # Счета и акты → «Экспорт в 1С» and its history (Accountant and Owner)
RESOURCE_EXPORT_1C_SETTINGS = "Export1CSettings"  # Настройки → «Экспорт в 1С»: the schedule (Owner only, like settings)
RESOURCE_FEEDS = "FeedSettings"  # Настройки сайта → XML-фиды: buildings, floors, tokens (Owner only: portal settings)
RESOURCE_INQUIRY = "Inquiry"  # Настройки сайта → Заявки с сайта (and the REST resource `inquiry`)
RESOURCE_AMOCRM = "Amocrm"  # Настройки → amoCRM: subdomain, webhook URL, stage mapping (also REST amocrm_stage)
RESOURCE_API_TOKENS = "ApiTokens"  # Настройки → API-токены: the integration user's long-lived tokens
RESOURCE_WEBHOOKS = "Webhooks"  # Настройки → Вебхуки: outgoing webhook endpoints and their deliveries
RESOURCE_ONBOARDING = "Onboarding"  # Настройки → «Загрузка из Excel»: creates parties, property and contracts
RESOURCE_AUDIT = "AuditLog"  # Настройки → «Журнал изменений»: read-only, Owner only (FAB_ROLES grants it to no one else)
RESOURCE_REPORTS = "Reports"  # «Отчёты»: debtors, vacancy, rent roll, revenue (read only; the start page's money too)

PROPERTY = [RESOURCE_BUILDING, RESOURCE_SECTION, RESOURCE_FLOOR, RESOURCE_ROOM]
PARTIES = [RESOURCE_COUNTERPARTY, RESOURCE_BANK_ACCOUNT, RESOURCE_CONTACT]
CONTRACTS = [RESOURCE_CONTRACT, RESOURCE_AGREEMENT]
DOCUMENTS = [RESOURCE_INVOICE, RESOURCE_ACT, RESOURCE_VAT_INVOICE]
MONEY = [RESOURCE_PAYMENT, RESOURCE_ALLOCATION, RESOURCE_MONEY_IMPORT]
ALL_BUSINESS = PROPERTY + PARTIES + CONTRACTS + DOCUMENTS + MONEY + [RESOURCE_OUTBOX, RESOURCE_INQUIRY]

# Menu categories and items (stable English names; labels are translated in views).
MENU_PROPERTY = "Property"
MENU_PARTIES = "Counterparties"
MENU_CONTRACTS = "Contracts"
MENU_DOCUMENTS = "Documents"
MENU_MONEY = "Money"
MENU_SETTINGS = "Settings"
MENU_TARIFF = "Tariff"
MENU_SITE = "Site"
MENU_REPORTS = "Reports"
MENU_STAFF = "Security"  # Flask-AppBuilder's own category, labelled «Сотрудники»
# «Настройки портала»: its menu item is not called like its category (menu access to the category,
# which the Viewer has for «Уведомления», would show the item too).
MENU_ITEM_PORTAL_SETTINGS = "PortalSettings"

# Which menu items each group of resources shows (item name == resource name).
MENUS_FOR = {
    RESOURCE_BUILDING: MENU_PROPERTY,
    RESOURCE_SECTION: MENU_PROPERTY,
    RESOURCE_FLOOR: MENU_PROPERTY,
    RESOURCE_ROOM: MENU_PROPERTY,
    RESOURCE_COUNTERPARTY: MENU_PARTIES,
    RESOURCE_BANK_ACCOUNT: MENU_PARTIES,
    RESOURCE_CONTACT: MENU_PARTIES,
    RESOURCE_CONTRACT: MENU_CONTRACTS,
    RESOURCE_AGREEMENT: MENU_CONTRACTS,
    RESOURCE_INVOICE: MENU_DOCUMENTS,
    RESOURCE_ACT: MENU_DOCUMENTS,
    RESOURCE_VAT_INVOICE: MENU_DOCUMENTS,
    RESOURCE_PAYMENT: MENU_MONEY,
    RESOURCE_ALLOCATION: MENU_MONEY,
    RESOURCE_MONEY_IMPORT: MENU_MONEY,
    RESOURCE_OUTBOX: MENU_SETTINGS,
    RESOURCE_SETTINGS: MENU_SETTINGS,
    RESOURCE_TARIFF: MENU_TARIFF,
    RESOURCE_CARD_RULES: MENU_SETTINGS,
    RESOURCE_EXPORT_1C: MENU_DOCUMENTS,
    RESOURCE_EXPORT_1C_SETTINGS: MENU_SETTINGS,
    RESOURCE_FEEDS: MENU_SITE,
    RESOURCE_INQUIRY: MENU_SITE,
    RESOURCE_AMOCRM: MENU_SETTINGS,
    RESOURCE_API_TOKENS: MENU_SETTINGS,
    RESOURCE_WEBHOOKS: MENU_SETTINGS,
    RESOURCE_ONBOARDING: MENU_SETTINGS,
    RESOURCE_AUDIT: MENU_SETTINGS,
    RESOURCE_REPORTS: MENU_REPORTS,
}
# The menu items of one resource with several pages: each item needs its own menu access.
REPORT_ITEMS = ["ReportDebtors", "ReportVacancy", "ReportRentRoll", "ReportRevenue"]


def _exact(name):
    # FAB matches built-in role entries with re.match (anchored at the start only).
    return f"^{name}$"


def _grant(resources, *perms):
    pairs = []
    for resource in resources:
        for perm in perms:
            pairs.append([_exact(resource), _exact(perm)])
        pairs.append([_exact(resource), _exact(MENU_ACCESS)])
        pairs.append([_exact(MENUS_FOR[resource]), _exact(MENU_ACCESS)])
    return pairs


def _menu_items(names):
    return [[_exact(name), _exact(MENU_ACCESS)] for name in names]


# Who reads the business reads its reports (SPEC §1.1 "Viewer reads everything"); Tariff & Payment does not.
_REPORTS = _grant([RESOURCE_REPORTS], CAN_READ) + _menu_items(REPORT_ITEMS)

# What every signed-in staff member may do with their own account.
_SELF_SERVICE = [
    ["^UserDBModelView$", "^can_userinfo$"],
    ["^UserDBModelView$", "^resetmypassword$"],
    ["^ResetMyPasswordView$", "^can_this_form_get$"],
    ["^ResetMyPasswordView$", "^can_this_form_post$"],
    ["^UserInfoEditView$", "^can_this_form_get$"],
    ["^UserInfoEditView$", "^can_this_form_post$"],
    ["^MenuApi$", "^can_get$"],
    ["^OpenApi$", "^can_get$"],
    ["^SwaggerView$", "^can_show$"],
    [_exact(RESOURCE_DASHBOARD), _exact(CAN_READ)],
]

FAB_ROLES = {
    ROLE_OWNER: [[".*", ".*"]],
    ROLE_TARIFF: _SELF_SERVICE + _grant([RESOURCE_TARIFF], CAN_READ, CAN_WRITE),
    ROLE_MANAGER: _SELF_SERVICE
    + _grant(PROPERTY + PARTIES + CONTRACTS + DOCUMENTS + MONEY, CAN_READ, CAN_WRITE)
    + _grant([RESOURCE_OUTBOX, RESOURCE_INQUIRY, RESOURCE_ONBOARDING], CAN_READ, CAN_WRITE) + _REPORTS,
    ROLE_ACCOUNTANT: _SELF_SERVICE
    + _grant(PARTIES + DOCUMENTS + MONEY + [RESOURCE_EXPORT_1C], CAN_READ, CAN_WRITE)
    + _grant(PROPERTY + CONTRACTS + [RESOURCE_OUTBOX], CAN_READ) + _REPORTS,
    # The Viewer reads an import's result (linked from the operations), not the upload page: no menu item.
    ROLE_VIEWER: _SELF_SERVICE + _grant([r for r in ALL_BUSINESS if r != RESOURCE_MONEY_IMPORT], CAN_READ)
    + [[_exact(RESOURCE_MONEY_IMPORT), _exact(CAN_READ)]] + _REPORTS,
}

# Who may see a kind of rows — needing attention (app.domain.attention.KINDS) or found by the top
# bar's search (app.domain.search.KINDS): whoever may read its list.
LIST_RESOURCE = {
    "counterparties": RESOURCE_COUNTERPARTY,
    "contracts": RESOURCE_CONTRACT,
    "invoices": RESOURCE_INVOICE,
    "acts": RESOURCE_ACT,
    "money": RESOURCE_PAYMENT,
    "payments": RESOURCE_PAYMENT,
}


def readable_kinds(security_manager, kinds):
    """The kinds of `kinds` whose list the current user may read (the start page, the REST API, the search)."""
    return [kind for kind in kinds if security_manager.has_access(CAN_READ, LIST_RESOURCE[kind])]
