"""The payment details of an invoice as the text of a ГОСТ Р 56042-2014 payment QR code, the
one Russian banking apps scan: «ST00012|Name=…|PersonalAcc=…|…|Sum=<kopecks>|Purpose=…».

Pure: the invoice's executor, its bank account and the sum in; the text out (the PDF draws it).
"""
from app.vocabulary.amounts import kopecks

HEADER = "ST00012"  # format ST, version 0001, encoding 2 = UTF-8
SEPARATOR = "|"
# The standard's limits on the values we fill (characters).
LIMITS = {"Name": 160, "PersonalAcc": 20, "BankName": 45, "BIC": 9, "CorrespAcc": 20, "PayeeINN": 12,
          "KPP": 9, "Sum": 18, "Purpose": 210}


def _clean(value, limit):
    """A value as the standard allows it: on one line, without the separator, cut to its limit."""
    text = " ".join(str(value).replace(SEPARATOR, " ").split())
    return text[:limit]


def purpose(invoice):
    """«Оплата по счёту № А-1 от 25.12.2019, договор № 15/А. НДС …»: what the payer's bank shows."""
    contract = invoice.contract
    text = f"Оплата по счёту № {invoice.number}"
    if invoice.date:
        text += f" от {invoice.date:%d.%m.%Y}"
    text += f", договор № {contract.number}."
    if invoice.vat_amount:
        whole, frac = f"{kopecks(invoice.vat_amount):.2f}".split(".")
        text += f" В т.ч. НДС {whole}-{frac}"
    else:
        text += " Без НДС"
    return text


def payload(invoice, bank):
    """The QR text of the invoice paid to `bank` (the executor's account), or None without one."""
    if bank is None:
        return None
    executor = invoice.executor
    fields = {
        "Name": executor.full_name or executor.name,
        "PersonalAcc": bank.account,
        "BankName": bank.bank_name or "",
        "BIC": bank.bik,
        "CorrespAcc": bank.corr_account or "0",
        "PayeeINN": executor.inn or "",
        "KPP": executor.kpp or "",
        "Sum": int(kopecks(invoice.amount) * 100),
        "Purpose": purpose(invoice),
    }
    parts = [f"{key}={_clean(value, LIMITS[key])}" for key, value in fields.items() if value != ""]
    return SEPARATOR.join([HEADER, *parts])
