"""The words of a nomination round, as the members who take part read them: the call for
nominations, its reminder, the close, the channel's running account, and the candidate's own
notice. Every announcement is written once per language of the region, one after the other.

What they say comes from the 2021 elections rules (seed 002): who may nominate and be nominated
(nomination process 1), the sub-region exception (process 2), acclamation (process 3), and the five
conflicts of interest a candidate declares not to have (Operating Principles 7.1.a).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.domain.nominations import CONFLICTS
from bot.i18n import format_value, t
from bot.region import Region
from bot.texts.meetings import local_times_by_subregion

SEPARATOR = "\n\n-----\n\n"


@dataclass(frozen=True)
class SeatCall:
    """One position of a round as the call announces it."""

    position: str
    year: int
    subregion: str
    source: str  # table | confirmed | vacancy


@dataclass(frozen=True)
class Entry:
    """A candidate as the round's announcements name them: ALS-level facts, never an address."""

    position: str
    name: str
    als: str
    country: str | None
    state: str
    provisional: bool = False


def position_name(region: Region, code: str, lang: str) -> str:
    found = region.positions.get(code)
    return found.name(lang) if found else code


def position_word(region: Region, code: str, lang: str) -> str:
    """What a member types for the position in commands, in their language (the first common
    form the region file gives, else the position's name)."""
    found = region.positions.get(code)
    if found is None:
        return code
    forms = found.aliases.get(lang) or ()
    return forms[0] if forms else found.name(lang).lower()


def deadline(closes: datetime, region: Region, lang: str) -> list[str]:
    """The close in UTC, then in each sub-region's main time zones."""
    closes = closes.astimezone(UTC)
    lines = [
        t(
            "nominations.round.deadline",
            lang,
            date=format_value(closes.date(), lang),
            time=f"{closes:%H:%M}",
        )
    ]
    for subregion, times in local_times_by_subregion(closes, region, lang):
        line = t("nominations.round.deadline_line", lang, subregion=subregion, times=times)
        lines.append(line)
    return lines


def conflicts(lang: str) -> list[str]:
    """The five conflicts of interest, numbered as the rules number them."""
    return [t("nominations.conflicts.intro", lang)] + [
        f"  {n}. {t(f'nominations.conflicts.c{n}', lang)}" for n in CONFLICTS
    ]


def _verb(verb: str, lang: str) -> str:
    return t(f"commands.words.{verb}", lang).split(",")[0].strip()


def examples(region: Region, position: str, lang: str, command_address: str) -> str:
    """How to nominate and accept, written in the reader's language."""
    word = position_word(region, position, lang)
    someone = t("nominations.round.someone", lang)
    return t(
        "nominations.round.how",
        lang,
        nominate=f"/lacralo {_verb('nominate', lang)} @{someone} {word}",
        address=command_address,
        by_mail=f"{_verb('nominate', lang)} {t('nominations.round.someone_mail', lang)} {word}",
        accept=accept_example(region, position, lang),
    )


def accept_example(region: Region, position: str, lang: str) -> str:
    none = t("commands.answers.no_conflicts", lang).split(",")[0].strip()
    link = t("nominations.round.soi_example", lang)
    return f"/lacralo {_verb('accept', lang)} {position_word(region, position, lang)} {link} {none}"


def _seat_line(region: Region, seat: SeatCall, lang: str) -> str:
    key = "nominations.round.seat_vacancy" if seat.source == "vacancy" else "nominations.round.seat"
    line = t(
        key,
        lang,
        position=position_name(region, seat.position, lang),
        code=seat.subregion,
        subregion=region.subregions[seat.subregion].name(lang),
    )
    if seat.source == "confirmed":
        line += " " + t("nominations.round.seat_confirmed", lang, year=seat.year)
    return line


def _subject(region: Region, key: str, langs: Sequence[str]) -> str:
    return f"{region.ralo}: " + " / ".join(t(key, lang) for lang in langs)


def _announcement(
    subject: str, langs: Sequence[str], part: Callable[[str], list[str]]
) -> dict[str, Any]:
    """One message to the lists and the channel: the same text in each language, one after the
    other."""
    parts = {lang: "\n".join(part(lang)) for lang in langs}
    # A list of one language gets its own part (bot.services.outbox.for_language).
    return {
        "kind": "nominations",
        "subject": subject,
        "text": SEPARATOR.join(parts.values()),
        "parts": parts,
    }


def call(
    region: Region,
    seats: Sequence[SeatCall],
    closes: datetime,
    langs: Sequence[str],
    command_address: str,
    page: Mapping[str, str],
) -> dict[str, Any]:
    """The call for nominations; `page`: language -> link to the candidates page."""

    def part(lang: str) -> list[str]:
        return [
            t("nominations.round.opened_title", lang, ralo=region.ralo),
            "",
            *(_seat_line(region, seat, lang) for seat in seats),
            "",
            t("nominations.round.who", lang),
            t("nominations.round.exception", lang),
            "",
            *deadline(closes, region, lang),
            "",
            *conflicts(lang),
            "",
            examples(region, seats[0].position, lang, command_address),
            t("nominations.round.acclamation", lang),
            t("nominations.round.page", lang, link=page[lang]),
        ]

    return _announcement(_subject(region, "nominations.round.subject_open", langs), langs, part)


def reminder(
    region: Region,
    seats: Sequence[SeatCall],
    closes: datetime,
    entries: Sequence[Entry],
    langs: Sequence[str],
    command_address: str,
    page: Mapping[str, str],
) -> dict[str, Any]:
    """A reminder before the close: the deadline again, who is nominated so far, how to nominate."""

    def part(lang: str) -> list[str]:
        lines = [t("nominations.round.reminder_title", lang, ralo=region.ralo), ""]
        lines += deadline(closes, region, lang) + [""]
        for seat in seats:
            lines.append(_seat_line(region, seat, lang))
            lines += _candidates(region, [e for e in entries if e.position == seat.position], lang)
        lines += ["", examples(region, seats[0].position, lang, command_address)]
        return lines + [t("nominations.round.page", lang, link=page[lang])]

    subject = _subject(region, "nominations.round.subject_reminder", langs)
    return _announcement(subject, langs, part)


def closed(
    region: Region,
    position: str,
    outcome: str,
    entries: Sequence[Entry],
    langs: Sequence[str],
    page: Mapping[str, str],
) -> dict[str, Any]:
    """The close of one position: its outcome and its candidates."""
    valid = [e.name for e in entries if e.state == "valid"]

    def part(lang: str) -> list[str]:
        name = position_name(region, position, lang)
        outcome_line = t(
            f"nominations.outcome.{outcome}", lang, position=name, names=format_value(valid, lang)
        )
        return [
            outcome_line,
            *_candidates(region, entries, lang),
            t("nominations.round.page", lang, link=page[lang]),
        ]

    subject = f"{region.ralo}: " + " / ".join(
        t("nominations.round.subject_closed", lang, position=position_name(region, position, lang))
        for lang in langs
    )
    return _announcement(subject, langs, part)


def _candidates(region: Region, entries: Sequence[Entry], lang: str) -> list[str]:
    if not entries:
        return ["  " + t("nominations.round.no_candidates", lang)]
    lines = []
    for e in entries:
        country = region.countries[e.country].name(lang) if e.country in region.countries else ""
        where = ", ".join(x for x in (e.als, country) if x)
        line = f"  • {e.name} ({where}) — {t(f'nominations.state.{e.state}', lang)}"
        if e.provisional and e.state in ("proposed", "accepted", "valid"):
            line += " — " + t("nominations.round.provisional_short", lang)
        lines.append(line)
    return lines


def channel_post(
    region: Region, event: str, entry: Entry, langs: Sequence[str], nominator: str = ""
) -> dict[str, str]:
    """One line per language for the announcement channel: a nomination, an acceptance, a valid
    candidacy, a decline or a withdrawal (the round in the open)."""
    lines = []
    for lang in langs:
        country = (
            region.countries[entry.country].name(lang) if entry.country in region.countries else ""
        )
        lines.append(
            t(
                f"nominations.channel.{event}",
                lang,
                name=entry.name,
                als=", ".join(x for x in (entry.als, country) if x),
                position=position_name(region, entry.position, lang),
                nominator=nominator,
            )
        )
    return {"kind": "nominations", "subject": region.ralo, "text": "\n".join(lines)}


def you_were_nominated(
    region: Region,
    position: str,
    name: str,
    nominator: str,
    closes: datetime,
    lang: str,
    contact: str | None,
    command_address: str,
) -> dict[str, str]:
    """The candidate's notice, in the candidate's language: who nominated them, the deadline, the
    five conflicts, and the one message that accepts."""
    pname = position_name(region, position, lang)
    decline = f"/lacralo {_verb('decline', lang)} {position_word(region, position, lang)}"
    lines = [
        t("nominations.notice.greeting", lang, name=name),
        "",
        t("nominations.notice.nominated", lang, nominator=nominator, position=pname),
        *deadline(closes, region, lang),
        "",
        *conflicts(lang),
        "",
        t("nominations.notice.accept", lang, example=accept_example(region, position, lang)),
        t(
            "nominations.notice.by_mail",
            lang,
            address=command_address,
            example=accept_example(region, position, lang).removeprefix("/lacralo "),
        ),
        t("nominations.notice.cannot", lang, example=decline),
        t(
            "nominations.notice.questions",
            lang,
            contact=contact or t("nominations.notice.contact_default", lang),
        ),
    ]
    return {
        "kind": "nomination",
        "subject": f"{region.ralo}: " + t("nominations.notice.subject", lang, position=pname),
        "text": "\n".join(lines),
    }
