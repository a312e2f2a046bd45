"""Region data: sub-regions, countries, zones, lists, positions, rotation and rule readings.

LACRALO's file ships as the default; any RALO is another YAML file of the same shape (PRODUCT.md,
"Any RALO"). The loader checks the file once, so the rest of the code can trust what it gets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.domain.weights import reading_of

DEFAULT_REGION_FILE = Path(__file__).resolve().parent / "lacralo.yaml"
# Kinds of participation the bot records itself; a region's own mechanisms may not reuse them.
BOT_KINDS = ("list_post", "call_join", "call_attendance")
KIND_CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")


class RegionError(ValueError):
    """The region file is unreadable or inconsistent; the message says where."""


@dataclass(frozen=True)
class Country:
    code: str
    subregion: str
    names: dict[str, str]
    zones: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]


@dataclass(frozen=True)
class Subregion:
    code: str
    names: dict[str, str]
    main_zones: tuple[str, ...]
    countries: tuple[str, ...]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]


@dataclass(frozen=True)
class MailingList:
    list_id: str
    name: str
    kind: str


@dataclass(frozen=True)
class Position:
    code: str
    names: dict[str, str]
    alac: bool = False
    sitting_als: str | None = None  # the current holder's ALS and nationality (ALAC seats:
    sitting_nationality: str | None = None  # Operating Principles art. 8 compares them)
    # language -> what people type for it in commands (issue 16); the names count too, see forms()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]

    def forms(self) -> tuple[str, ...]:
        """Every way to write this position: its code, its names and its aliases, all languages."""
        written = [self.code, *self.names.values()]
        for forms in self.aliases.values():
            written.extend(forms)
        return tuple(dict.fromkeys(written))


@dataclass(frozen=True)
class ParticipationKind:
    """An "other participation mechanism" the RALO chose (seed 003), recorded by the Secretariat."""

    code: str
    names: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names["en"]


@dataclass(frozen=True)
class Region:
    ralo: str
    names: dict[str, str]
    languages: tuple[str, ...]
    announcement_languages: tuple[str, ...]
    subregions: dict[str, Subregion]
    countries: dict[str, Country]
    lists: dict[str, MailingList]
    positions: dict[str, Position]
    rotation: dict[int, dict[str, str]]
    status_policy: dict[str, Any] = field(default_factory=dict)
    election_policy: dict[str, Any] = field(default_factory=dict)
    participation_kinds: dict[str, ParticipationKind] = field(default_factory=dict)
    # Issue 20, point 5: what a Zoom join must show to count. `name`: a join attributed by its
    # display name counts; `email`: only one attributed by the e-mail Zoom verified does (a
    # display name is whatever the joiner typed). Either way every join is recorded.
    zoom_evidence: str = "name"

    def position_forms(self) -> dict[str, tuple[str, ...]]:
        """Each position's code -> every way to write it (bot/domain/positions.py reads them)."""
        return {code: p.forms() for code, p in self.positions.items()}

    def subregion_of(self, country: str) -> str | None:
        found = self.countries.get(country.upper())
        return found.subregion if found else None


def load_region(path: Path | None = None) -> Region:
    """Read and check a region file; the default is LACRALO's."""
    path = path or DEFAULT_REGION_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RegionError(f"{path}: {exc}") from None
    if not isinstance(raw, dict):
        raise RegionError(f"{path}: not a mapping")
    try:
        return _build(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise RegionError(f"{path}: {exc!r}") from None


def _build(raw: dict[str, Any]) -> Region:
    subregions: dict[str, Subregion] = {}
    countries: dict[str, Country] = {}
    for code, sub in raw["subregions"].items():
        for ccode, c in sub["countries"].items():
            zones = tuple(c["zones"])
            _check_zones(zones, ccode)
            countries[ccode] = Country(ccode, str(code), dict(c["names"]), zones)
        main = tuple(sub.get("main_zones", []))
        _check_zones(main, str(code))
        subregions[str(code)] = Subregion(
            str(code), dict(sub["name"]), main, tuple(sub["countries"])
        )
    positions = {
        code: Position(
            code,
            dict(p["names"]),
            bool(p.get("alac", False)),
            (p.get("sitting") or {}).get("als_id"),
            (p.get("sitting") or {}).get("nationality"),
            aliases=_aliases(code, p.get("aliases")),
        )
        for code, p in raw.get("positions", {}).items()
    }
    rotation = {int(y): dict(row) for y, row in (raw.get("rotation") or {}).items()}
    for year, row in rotation.items():
        for pos, sub_code in row.items():
            if pos not in positions or sub_code not in subregions:
                raise ValueError(
                    f"rotation {year}: unknown position or sub-region {pos}={sub_code}"
                )
    lists = {
        item["list_id"].lower(): MailingList(item["list_id"].lower(), item["name"], item["kind"])
        for item in raw.get("lists", [])
    }
    return Region(
        ralo=raw["ralo"],
        names=dict(raw["name"]),
        languages=tuple(raw["languages"]),
        announcement_languages=tuple(raw.get("announcement_languages", ["en"])),
        subregions=subregions,
        countries=countries,
        lists=lists,
        positions=positions,
        rotation=rotation,
        status_policy=dict(raw.get("status_policy") or {}),
        election_policy=_election_policy(raw.get("election_policy") or {}),
        participation_kinds=_participation_kinds(raw.get("participation_kinds") or {}),
        zoom_evidence=_zoom_evidence(raw.get("zoom_evidence", "name")),
    )


# The readings of `zoom_evidence` (issue 20, point 5), the default first.
ZOOM_EVIDENCE = ("name", "email")


def _zoom_evidence(value: Any) -> str:
    """`name` or `email`; any other value is refused at load, naming the setting."""
    if value not in ZOOM_EVIDENCE:
        raise ValueError(f"zoom_evidence: {value!r} is not one of {' | '.join(ZOOM_EVIDENCE)}")
    return str(value)


# The named readings of the election rules (issue 17) and the values each may take.
ELECTION_READINGS = {
    "proxy_when_giver_votes": ("giver-stands", "proxy-stands"),
    "single_candidate": ("acclamation", "alac-poll"),
    "poll_count": ("weighted", "unweighted"),
    "motion_sides": ("same-coefficients", "recap-each-side"),
    "ballot_secrecy": ("open", "secret"),
    "quorum_base": ("active-on-roll", "all-accredited"),
}


def _election_policy(raw: dict[str, Any]) -> dict[str, Any]:
    """The election rule readings; a reading other than the known ones is refused at load."""
    policy = dict(raw)
    reading_of(policy)  # ValueError naming `election_policy.weights`
    for key, allowed in ELECTION_READINGS.items():
        if key in policy and policy[key] not in allowed:
            raise ValueError(
                f"election_policy.{key}: {policy[key]!r} is not one of {' | '.join(allowed)}"
            )
    return policy


def _participation_kinds(raw: dict[str, Any]) -> dict[str, ParticipationKind]:
    """`code: {names: {en: ..., es: ...}}`; codes are short identifiers, not the bot's own kinds."""
    if not isinstance(raw, dict):
        raise ValueError("participation_kinds must map each code to its names")
    kinds: dict[str, ParticipationKind] = {}
    for code, item in raw.items():
        if not isinstance(code, str) or not KIND_CODE.fullmatch(code) or code in BOT_KINDS:
            raise ValueError(
                f"participation_kinds: {code!r} must be a lower-case identifier"
                f" other than {', '.join(BOT_KINDS)}"
            )
        names = item["names"]
        if not isinstance(names, dict) or not all(
            isinstance(n, str) and n.strip() for n in names.values()
        ):
            raise ValueError(f"participation_kinds: {code}: names must be texts by language")
        if "en" not in names:
            raise ValueError(f"participation_kinds: {code}: no English name")
        kinds[code] = ParticipationKind(code, dict(names))
    return kinds


def _aliases(position: str, raw: Any) -> dict[str, tuple[str, ...]]:
    """`aliases: {es: [vicepresidente, ...]}`: each language lists texts, none of them empty."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(
        isinstance(lang, str)
        and isinstance(forms, list)
        and all(isinstance(form, str) and form.strip() for form in forms)
        for lang, forms in raw.items()
    ):
        raise ValueError(
            f"positions: {position}: aliases must map each language to a list of texts"
        )
    return {lang: tuple(forms) for lang, forms in raw.items()}


def _check_zones(zones: tuple[str, ...], owner: str) -> None:
    for zone in zones:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{owner}: unknown time zone {zone}") from None
