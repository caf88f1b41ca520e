"""Line and invoice amounts: tax worked out of tax-inclusive prices, or added
to tax-exclusive ones, rounded half away from zero per line. An invoice's
subtotal, tax and total are the sums of its lines', so the total is always
exactly the lines plus tax (invariant 4)."""

from dataclasses import dataclass

BP = 10_000  # basis points in 1


def _divide(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero, in integers."""
    quotient = (2 * abs(numerator) + denominator) // (2 * denominator)
    return quotient if numerator >= 0 else -quotient


@dataclass(frozen=True)
class Amounts:
    subtotal_minor: int
    tax_minor: int
    total_minor: int


def line_amounts(unit_price_minor: int, quantity: int, rate_bp: int, *, includes_tax: bool):
    """Amounts of one line; negative prices (credit notes) mirror positive ones."""
    amount = unit_price_minor * quantity
    if includes_tax:
        subtotal = _divide(amount * BP, BP + rate_bp)
        return Amounts(subtotal, amount - subtotal, amount)
    tax = _divide(amount * rate_bp, BP)
    return Amounts(amount, tax, amount + tax)


def add_up(lines) -> Amounts:
    """The sums of lines that have subtotal_minor, tax_minor and total_minor."""
    lines = list(lines)
    return Amounts(
        sum(line.subtotal_minor for line in lines),
        sum(line.tax_minor for line in lines),
        sum(line.total_minor for line in lines),
    )
