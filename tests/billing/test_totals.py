"""Line and invoice amounts (invariant 4: a total is exactly its lines plus tax).

Pure arithmetic, no database: tax worked out of tax-inclusive prices or added
to tax-exclusive ones, rounded half away from zero per line.
"""

import random
from dataclasses import dataclass
from fractions import Fraction

import pytest

from app.billing.services.invoices import BP, Amounts, add_up, line_amounts

IVA = 1600  # 16 %, Mexico's general rate


def amounts(subtotal, tax, total) -> Amounts:
    return Amounts(subtotal, tax, total)


def round_half_away(value: Fraction) -> int:
    """The reference rounding, written differently from the code under test."""
    whole = int(abs(value))  # truncates
    if abs(value) - whole >= Fraction(1, 2):
        whole += 1
    return whole if value >= 0 else -whole


# ---- one line ---------------------------------------------------------------------


def test_a_tax_inclusive_price_is_split_into_subtotal_and_tax():
    assert line_amounts(116_000, 1, IVA, includes_tax=True) == amounts(100_000, 16_000, 116_000)


def test_a_tax_exclusive_price_gets_the_tax_added():
    assert line_amounts(100_000, 1, IVA, includes_tax=False) == amounts(100_000, 16_000, 116_000)


@pytest.mark.parametrize("includes_tax", [True, False])
def test_zero_tax_leaves_the_price_alone(includes_tax):
    assert line_amounts(89_900, 2, 0, includes_tax=includes_tax) == amounts(179_800, 0, 179_800)


@pytest.mark.parametrize("includes_tax", [True, False])
def test_a_zero_price_is_all_zeros(includes_tax):
    assert line_amounts(0, 3, IVA, includes_tax=includes_tax) == amounts(0, 0, 0)


def test_an_inclusive_price_that_does_not_divide_evenly_keeps_its_total():
    # 100.00 with 16 % inside: 86.2068… rounds to 86.21, and the tax is the rest
    assert line_amounts(10_000, 1, IVA, includes_tax=True) == amounts(8_621, 1_379, 10_000)


def test_quantity_multiplies_before_rounding():
    # 3 × 20.00 with 16 % inside: 60.00 = 51.72 + 8.28 (per unit it would be 3 × 17.24 = 51.72)
    assert line_amounts(2_000, 3, IVA, includes_tax=True) == amounts(5_172, 828, 6_000)
    # 3 × 0.03 at 16 % on top: 0.09 → tax 0.0144 rounds to 0.01 (per unit: 3 × 0.00 = 0)
    assert line_amounts(3, 3, IVA, includes_tax=False) == amounts(9, 1, 10)
    assert line_amounts(10, 7, 500, includes_tax=False) == line_amounts(
        70, 1, 500, includes_tax=False
    )


# ---- rounding at the .5 edge ----------------------------------------------------------


@pytest.mark.parametrize(
    ("price", "tax"),
    [
        (9, 0),  # 0.45 → 0
        (10, 1),  # 0.50 → 1, away from zero
        (11, 1),  # 0.55 → 1
        (29, 1),  # 1.45 → 1
        (30, 2),  # 1.50 → 2 (not to even)
        (50, 3),  # 2.50 → 3 (not to even)
    ],
)
def test_exclusive_tax_rounds_half_away_from_zero(price, tax):
    assert line_amounts(price, 1, 500, includes_tax=False) == amounts(price, tax, price + tax)
    assert line_amounts(-price, 1, 500, includes_tax=False) == amounts(-price, -tax, -price - tax)


@pytest.mark.parametrize(
    ("price", "subtotal"),
    [
        (1, 1),  # 0.5 → 1
        (3, 2),  # 1.5 → 2
        (5, 3),  # 2.5 → 3 (not to even)
        (4, 2),  # exact
    ],
)
def test_inclusive_subtotal_rounds_half_away_from_zero(price, subtotal):
    # at 100 % tax the subtotal is exactly half the price
    assert line_amounts(price, 1, BP, includes_tax=True) == amounts(
        subtotal, price - subtotal, price
    )
    assert line_amounts(-price, 1, BP, includes_tax=True) == amounts(
        -subtotal, subtotal - price, -price
    )


# ---- negative lines (credit notes) ------------------------------------------------------


@pytest.mark.parametrize("includes_tax", [True, False])
def test_a_negative_line_mirrors_the_positive_one(includes_tax):
    rng = random.Random(f"mirror-{includes_tax}")
    for _ in range(2_000):
        price, quantity = rng.randint(0, 10_000_000), rng.randint(1, 50)
        rate = rng.choice([0, 500, 800, 1000, 1600, 2100, 2500, BP, rng.randint(0, BP)])
        positive = line_amounts(price, quantity, rate, includes_tax=includes_tax)
        negative = line_amounts(-price, quantity, rate, includes_tax=includes_tax)
        assert negative == amounts(
            -positive.subtotal_minor, -positive.tax_minor, -positive.total_minor
        ), (price, quantity, rate)


# ---- the invoice adds up, whatever the prices ---------------------------------------------


@dataclass
class Line:
    subtotal_minor: int
    tax_minor: int
    total_minor: int


def test_add_up_sums_each_column():
    lines = [Line(100, 16, 116), Line(50, 8, 58), Line(-100, -16, -116)]
    assert add_up(lines) == amounts(50, 8, 58)
    assert add_up(iter(lines)) == amounts(50, 8, 58)  # any iterable, read once


def test_add_up_of_nothing_is_zero():
    assert add_up([]) == amounts(0, 0, 0)


@pytest.mark.parametrize("includes_tax", [True, False])
def test_every_line_and_every_invoice_is_exactly_lines_plus_tax(includes_tax):
    rng = random.Random(f"invoices-{includes_tax}")
    for _ in range(1_000):
        rate = rng.choice([0, 800, 1600, rng.randint(0, BP)])
        sales = [
            (rng.randint(1, 100_000_000), rng.randint(1, 999)) for _ in range(rng.randint(1, 8))
        ]
        lines = [line_amounts(p, q, rate, includes_tax=includes_tax) for p, q in sales]
        for (price, quantity), line in zip(sales, lines, strict=True):
            assert line.total_minor == line.subtotal_minor + line.tax_minor
            exact = Fraction(price * quantity)
            if includes_tax:
                assert line.total_minor == price * quantity  # the sticker price is what is paid
                expected = round_half_away(exact * BP / (BP + rate))
                assert line.subtotal_minor == expected, (price, quantity, rate)
            else:
                assert line.subtotal_minor == price * quantity
                assert line.tax_minor == round_half_away(exact * rate / BP), (price, quantity)
        invoice = add_up(lines)
        assert invoice.total_minor == invoice.subtotal_minor + invoice.tax_minor
        assert invoice.total_minor == sum(line.total_minor for line in lines)
        assert invoice.tax_minor == sum(line.tax_minor for line in lines)
        credit_note = add_up(line_amounts(-p, q, rate, includes_tax=includes_tax) for p, q in sales)
        assert credit_note == amounts(
            -invoice.subtotal_minor, -invoice.tax_minor, -invoice.total_minor
        )


def test_the_tax_is_never_more_than_half_a_cent_from_the_exact_tax():
    rng = random.Random("half-a-cent")
    for _ in range(5_000):
        price, rate = rng.randint(1, 10_000_000), rng.randint(1, BP)
        inclusive = line_amounts(price, 1, rate, includes_tax=True)
        exact_subtotal = Fraction(price * BP, BP + rate)
        assert abs(inclusive.subtotal_minor - exact_subtotal) <= Fraction(1, 2)
        exclusive = line_amounts(price, 1, rate, includes_tax=False)
        assert abs(exclusive.tax_minor - Fraction(price * rate, BP)) <= Fraction(1, 2)
