"""VAT arithmetic: what a net monthly rent becomes on a document under a VAT mode."""
from decimal import Decimal

from app.domain.enums import VatMode
from app.vocabulary.amounts import kopecks


def with_vat(amount, mode, rate):
    """(total, vat) of a line whose agreed amount is `amount`:
    on top — VAT is added; included — VAT is inside the amount; none — no VAT."""
    amount, rate = Decimal(amount), Decimal(rate or 0)
    if mode == VatMode.ON_TOP.value:
        vat = kopecks(amount * rate)
        return kopecks(amount) + vat, vat
    if mode == VatMode.INCLUDED.value:
        total = kopecks(amount)
        return total, kopecks(total * rate / (1 + rate))
    return kopecks(amount), Decimal("0.00")
