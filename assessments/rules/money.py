"""Money as councils publish it: pounds and pence, per year or per term, sometimes a figure for
each number of hours a week the child attends (early years 15 or 30 hours).

Inside the engine every amount is a whole number of pence, so sums and comparisons are exact
and the batch path can hold them in int64 arrays. A published figure keeps its period; its
annual equivalent (the figure times the periods a year) is what totals, replays and
classifications add up and compare.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

PERIODS = ("year", "term")
PENCE_PER_POUND = 100


def pence_from(value: object) -> int | None:
    """Whole pence from a published figure (250, 125.50, "£1,240.00"), or None when the
    value is not an amount of money in pounds and pence."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip().removeprefix("£").replace(",", "")
    if not isinstance(value, int | float | str):
        return None
    try:
        pounds = Decimal(str(value))
    except InvalidOperation:
        return None
    if not pounds.is_finite():
        return None
    pence = pounds * PENCE_PER_POUND
    if pence != pence.to_integral_value():
        return None
    return int(pence)


def money(pence: int) -> str:
    """£1,240 for whole pounds, £125.50 otherwise: as published."""
    pounds, rest = divmod(abs(pence), PENCE_PER_POUND)
    sign = "-" if pence < 0 else ""
    if rest:
        return f"{sign}£{pounds:,}.{rest:02d}"
    return f"{sign}£{pounds:,}"


def pounds_decimal(pence: int) -> Decimal:
    """The same amount as a Decimal of pounds (two places), for storage and exports."""
    return (Decimal(pence) / PENCE_PER_POUND).quantize(Decimal("0.01"))


@dataclass(frozen=True, slots=True)
class Period:
    """How often a published figure is paid: once a year, or each term with so many terms."""

    per: str
    per_year: int

    def phrase(self) -> str:
        return "a year" if self.per == "year" else "a term"

    def describe(self) -> str:
        if self.per == "year":
            return "a year"
        return f"a term ({self.per_year} terms a year)"


YEARLY = Period("year", 1)


@dataclass(frozen=True, slots=True)
class Amount:
    """One published figure in pence per period: the same whatever the hours (`hours` is
    None), or one figure per number of hours a week, lowest hours first."""

    figures: tuple[tuple[int | None, int], ...]

    @property
    def by_hours(self) -> bool:
        return self.figures[0][0] is not None

    def hours(self) -> tuple[int, ...]:
        return tuple(hours for hours, _ in self.figures if hours is not None)

    def for_hours(self, hours: int | None) -> int:
        """The figure for a variant of the scheme's hours (ignored when it has none)."""
        if not self.by_hours:
            return self.figures[0][1]
        for variant, pence in self.figures:
            if variant == hours:
                return pence
        raise KeyError(hours)


@dataclass(frozen=True, slots=True)
class TopUp:
    """A band's top-up: one amount for every type of setting, with optional exceptions."""

    every: Amount | None
    exceptions: Mapping[str, Amount]

    def amount_for(self, setting_type: str) -> Amount | None:
        return self.exceptions.get(setting_type, self.every)


def hours_variant(variants: Sequence[int], attendance: float | None, default: int) -> int:
    """Which hours variant applies to a child attending `attendance` hours a week: the largest
    variant not above it (the smallest when it is below them all); `default` when not known."""
    if attendance is None:
        return default
    chosen = variants[0]
    for variant in variants:
        if variant <= attendance:
            chosen = variant
    return chosen
