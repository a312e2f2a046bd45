"""Country coefficient: Rule 12.9 of the Rules of Procedure (seed 004).

"a) The number of countries or territories covered by the entire membership of the Assembly shall
form the numerator. b) The denominator shall be 100. c) The result of the division of (a)/(b) shall
be multiplied by 100. d) The result [...] shall be known as the Maximum Percentage. e) The votes
cast by delegates representing ALSes normally domiciled in any one Country may not in the
aggregate exceed the Maximum Percentage."

Reading (PRODUCT.md): weights are computed once, over the voter roll, before the vote. Every ALS
starts at 1; while some country's share of the total exceeds the cap, each such country's ALSs are
scaled so that the country holds exactly the cap, the others stay at 1, and the total is computed
again. When the cap cannot be met by all countries at once, every country weighs the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class CountryWeight:
    country: str
    als_count: int
    weight_each: Fraction  # the weight of each of the country's ALSs
    capped: bool

    @property
    def total(self) -> Fraction:
        return self.weight_each * self.als_count


@dataclass(frozen=True)
class WeightSheet:
    """The published weighted-voting sheet: exact fractions, rounded only for display."""

    countries_covered: int
    max_percentage: Fraction  # e.g. 20 for 20 %
    countries: tuple[CountryWeight, ...]
    equal_countries: bool  # True when the cap could not be met and every country weighs the same

    @property
    def total(self) -> Fraction:
        return sum((c.total for c in self.countries), Fraction(0))

    def weight_of(self, country: str) -> Fraction:
        return next(c.weight_each for c in self.countries if c.country == country)


def max_percentage(countries_covered: int) -> Fraction:
    """Rule 12.9 a)-d): (countries / 100) x 100."""
    return Fraction(countries_covered, 100) * 100


def weigh(voter_countries: Iterable[str], membership_countries: Iterable[str]) -> WeightSheet:
    """The weight of each voter's country under Rule 12.9, as PRODUCT.md reads it."""
    counts = Counter(voter_countries)
    covered = len(set(membership_countries) | set(counts))
    cap = max_percentage(covered) / 100  # a share of the total
    capped: set[str] = set()
    while True:
        uncapped_total = sum(n for c, n in counts.items() if c not in capped)
        remaining = 1 - cap * len(capped)
        if remaining <= 0 or (uncapped_total == 0 and capped):
            return _equal(counts, covered, cap)
        total = Fraction(uncapped_total) / remaining
        over = {c for c, n in counts.items() if c not in capped and Fraction(n) / total > cap}
        if not over:
            break
        capped |= over
    rows = tuple(
        CountryWeight(c, n, (cap * total / n) if c in capped else Fraction(1), c in capped)
        for c, n in sorted(counts.items())
    )
    return WeightSheet(covered, cap * 100, rows, False)


def _equal(counts: Counter[str], covered: int, cap: Fraction) -> WeightSheet:
    rows = tuple(CountryWeight(c, n, Fraction(1, n), True) for c, n in sorted(counts.items()))
    return WeightSheet(covered, cap * 100, rows, True)
