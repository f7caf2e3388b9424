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


# The rates a Russian document may carry (22 % is the general rate from 2026, 20 % before it;
# 10 % reduced; 5 % and 7 % for the simplified tax system from 2025; 0 %).
RATES = (Decimal("0.22"), Decimal("0.20"), Decimal("0.10"), Decimal("0.07"), Decimal("0.05"), Decimal("0"))


def rate_of(total, vat, mode, rate):
    """The VAT rate a line was written with, from its own sums (the contract's rate may have
    changed since): None for no VAT, else the known rate nearest to vat ÷ (total − vat)."""
    if mode == VatMode.NONE.value:
        return None
    total, vat = Decimal(total or 0), Decimal(vat or 0)
    if not vat or total <= vat:
        return Decimal(rate or 0).quantize(Decimal("0.01"))
    found = vat / (total - vat)
    return min(RATES, key=lambda known: abs(known - found))
