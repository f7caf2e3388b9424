"""Money arithmetic on plain values: kopeck rounding, the monthly rent of rooms, an invoice's payment state."""
from decimal import ROUND_HALF_UP, Decimal

from app.vocabulary.enums import PaymentState

KOPECK = Decimal("0.01")


def kopecks(value):
    """The amount rounded to kopecks, half up: the one rounding of every sum."""
    return Decimal(value).quantize(KOPECK, rounding=ROUND_HALF_UP)


def rooms_monthly_rent(rooms):
    """Sum of area × yearly rate ÷ 12 over (area, rate) pairs, in kopecks."""
    total = sum((Decimal(area) * Decimal(rate) for area, rate in rooms), Decimal("0"))
    return kopecks(total / 12)


def monthly_rent(contract):
    """The contract's own monthly rent when set, else derived from its rooms."""
    if contract.monthly_rent is not None:
        return contract.monthly_rent
    return rooms_monthly_rent((r.area, r.rate) for r in contract.rooms)


def payment_state(amount, paid):
    """Unpaid, partly or fully paid: what `paid` of `amount` makes an invoice."""
    if paid is None or paid <= 0:
        return PaymentState.UNPAID.value
    if paid >= amount:
        return PaymentState.PAID.value
    return PaymentState.PARTLY.value
