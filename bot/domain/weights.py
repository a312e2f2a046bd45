"""Country coefficient: Rule 12.9 of the Rules of Procedure (seed 004), in two readings.

"a) The number of countries or territories covered by the entire membership of the Assembly shall
form the numerator. b) The denominator shall be 100. c) The result of the division of (a)/(b) shall
be multiplied by 100. d) The result [...] shall be known as the Maximum Percentage. e) The votes
cast by delegates representing ALSes normally domiciled in any one Country may not in the
aggregate exceed the Maximum Percentage."

Default reading, `country-coefficients` (PRODUCT.md, "Rule readings"): the method LACRALO
publishes ("Applicable Rules for Votes in LACRALO", the "Country Coefficients" sheet). Staff noted
in 2008 that 12.9 (a)-(b) misuse "numerator" and "denominator", the intent being that each country
weighs the same: Country Weight CW = 100 / the countries with an ALS on the roll; Country
Coefficient CC = CW / that country's ALSs on the roll; an ALS's weighted vote = its vote x CC.

Named alternative, `literal-cap`: 12.9 read as written. Every ALS starts at 1; while some country's
share of the total exceeds the cap, each such country's ALSs are scaled so that the country holds
exactly the cap, the others stay at 1, and the total is computed again. When the cap cannot be met
by all countries at once, every country weighs the same.

Both are computed once, over the voter roll, before the vote; exact fractions, rounded only for
display.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any


class Reading(StrEnum):
    """`election_policy.weights` in the region file."""

    COUNTRY_COEFFICIENTS = "country-coefficients"  # the published method, the default
    LITERAL_CAP = "literal-cap"  # Rule 12.9 a)-e) as written


DEFAULT_READING = Reading.COUNTRY_COEFFICIENTS


@dataclass(frozen=True)
class CountryWeight:
    country: str
    als_count: int
    weight_each: Fraction  # the weight of each of the country's ALSs: its Country Coefficient
    capped: bool

    @property
    def total(self) -> Fraction:
        """What the country holds: its Country Weight."""
        return self.weight_each * self.als_count


@dataclass(frozen=True)
class WeightSheet:
    """The published weighted-voting sheet: exact fractions, rounded only for display."""

    countries_covered: int  # by the membership (Rule 12.9 a)
    max_percentage: Fraction  # e.g. 20 for 20 %; under country-coefficients, CW (each one's share)
    countries: tuple[CountryWeight, ...]
    equal_countries: (
        bool  # literal-cap only: the cap could not be met, every country weighs the same
    )
    reading: Reading = DEFAULT_READING

    @property
    def total(self) -> Fraction:
        return sum((c.total for c in self.countries), Fraction(0))

    def weight_of(self, country: str) -> Fraction:
        return next(c.weight_each for c in self.countries if c.country == country)


def reading_of(election_policy: Mapping[str, Any]) -> Reading:
    """The region's reading (`election_policy.weights`), else the default; a bad value raises
    ValueError naming the key."""
    value = election_policy.get("weights", DEFAULT_READING.value)
    try:
        return Reading(value)
    except ValueError:
        allowed = " | ".join(r.value for r in Reading)
        raise ValueError(f"election_policy.weights: {value!r} is not one of {allowed}") from None


def max_percentage(countries_covered: int) -> Fraction:
    """Rule 12.9 a)-d): (countries / 100) x 100."""
    return Fraction(countries_covered, 100) * 100


def weigh(
    voter_countries: Iterable[str],
    membership_countries: Iterable[str],
    reading: Reading = DEFAULT_READING,
) -> WeightSheet:
    """The weight of each voter's country under Rule 12.9, in the reading asked for."""
    if reading is Reading.LITERAL_CAP:
        return literal_cap(voter_countries, membership_countries)
    return country_coefficients(voter_countries, membership_countries)


def country_coefficients(
    voter_countries: Iterable[str], membership_countries: Iterable[str] = ()
) -> WeightSheet:
    """The published method: CW = 100 / countries on the roll, CC = CW / the country's ALSs."""
    counts = Counter(voter_countries)
    covered = len(set(membership_countries) | set(counts))
    # No country on the roll: no Country Weight to share.
    cw = Fraction(100, len(counts)) if counts else Fraction(0)
    rows = tuple(CountryWeight(c, n, cw / n, False) for c, n in sorted(counts.items()))
    return WeightSheet(covered, cw, rows, False, Reading.COUNTRY_COEFFICIENTS)


def literal_cap(voter_countries: Iterable[str], membership_countries: Iterable[str]) -> WeightSheet:
    """Rule 12.9 read as written: a cap of the Maximum Percentage on each country's share."""
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
    return WeightSheet(covered, cap * 100, rows, False, Reading.LITERAL_CAP)


def _equal(counts: Counter[str], covered: int, cap: Fraction) -> WeightSheet:
    rows = tuple(CountryWeight(c, n, Fraction(1, n), True) for c, n in sorted(counts.items()))
    return WeightSheet(covered, cap * 100, rows, True, Reading.LITERAL_CAP)
