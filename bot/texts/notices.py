"""The words of the notices the bot sends about statuses, in the readers' languages.

Seed 003: "The concerned ALSes will be notified of the change of their status". Each notice goes
in the ALS's language plus English and Spanish (the region's announcement languages), one after
the other in a single message, each with the reasons and how to recover.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.reasons import Reason
from bot.domain.roster import AlsRecord
from bot.domain.status import Status
from bot.domain.status_history import Told
from bot.i18n import format_value, render, t
from bot.reports import attendance, tally, utc_minute
from bot.texts.meetings import title_of, zone_label
from bot.texts.slack_markup import for_slack, plain, slack_escape

# What the Secretariat knows already and need not read for every ALS in its digest.
QUIET = ("status.reason.reading", "status.reason.records_since")


@dataclass(frozen=True)
class NextCall:
    """The next monthly call, as a notice tells the ALS what to do next."""

    start: datetime
    title: str | None  # its own title; None: "the monthly call", in the reader's language
    link: str | None


@dataclass(frozen=True)
class Way:
    """How the reader acts on a notice: the next call and whom to ask."""

    next_call: NextCall | None
    contact: str | None
    zones: tuple[str, ...] = ()  # the ALS's country's time zones, for the call's local time
    missed_limit: int = 3  # consecutive missed calls that make an ALS inactive (status_policy)


def status_notice(
    als: AlsRecord,
    status: Status,
    langs: list[str],
    ralo: str,
    was: Told | None = None,
    way: Way | None = None,
) -> dict[str, Any]:
    """The notice to an ALS's representatives, in the reader's language (issue 18): a greeting
    naming the ALS, what changed and why with the rule in plain words, what it means, what to do
    next (the next monthly call in their time, and its link), whom to ask, and a footer true to
    the rule in force. `was`: what it was told earlier and no longer holds (a correction)."""
    state = status.state.value
    key = "notices.status.subject" if was is None else "notices.status.subject_correction"
    subject = " / ".join(
        t(key, lang, ralo=ralo, als=als.name, state=t(f"status.state.{state}", lang))
        for lang in langs[:2]
    )
    parts = []
    for lang in langs:
        lines = [t("notices.greeting", lang, als=als.name), ""]
        if was is not None:
            lines += [_correction(als, was, lang), ""]
        since = format_value(status.since, lang) if status.since else None
        opening = "notices.status.opening_since" if since else "notices.status.opening"
        lines.append(
            t(opening, lang, als=als.name, state=t(f"status.state.{state}", lang), since=since)
        )
        lines += [f"- {render(r, lang)}" for r in status.reasons if r.key not in QUIET]
        lines += ["", t(f"notices.status.means.{state}", lang, als=als.name)]
        lines += _next_steps(way, lang, ralo)
        lines += ["", _footer(way, lang, ralo)]
        parts.append("\n".join(lines))
    return {"kind": "status", "subject": subject, "text": "\n\n-----\n\n".join(parts)}


def _next_steps(way: Way | None, lang: str, ralo: str) -> list[str]:
    """The next monthly call (UTC and the ALS's local time, and its link) and whom to ask."""
    lines = [""]
    call = way.next_call if way else None
    if call is not None:
        local = [
            f"{call.start.astimezone(ZoneInfo(z)):%H:%M} {zone_label(z)}"
            for z in (way.zones if way else ())
        ]
        lines.append(
            t(
                "notices.next_call",
                lang,
                title=call.title or t("commands.meetings.kind.monthly", lang, ralo=ralo),
                date=format_value(call.start, lang),
                utc=f"{call.start.astimezone(UTC):%H:%M}",
                local=", ".join(dict.fromkeys(local)) or "-",
            )
        )
        lines.append(
            t("notices.next_call_link", lang, link=call.link)
            if call.link
            else t("notices.next_call_no_link", lang, ralo=ralo)
        )
    else:
        lines.append(t("notices.no_next_call", lang, ralo=ralo))
    contact = way.contact if way and way.contact else t("notices.contact_default", lang, ralo=ralo)
    lines.append(t("notices.questions", lang, contact=contact))
    return lines


def _footer(way: Way | None, lang: str, ralo: str) -> str:
    """True to the rule in force (auxiliary rule to Rule 1, seed 003): only attending a call ends
    a run of missed calls; a list post counts as taking part in the year."""
    return t("notices.footer", lang, ralo=ralo, calls=way.missed_limit if way else 3)


def _correction(als: AlsRecord, was: Told, lang: str) -> str:
    since = date.fromisoformat(was.since) if was.since else None
    return t(
        "notices.status.correction",
        lang,
        als=als.name,
        state=t(f"status.state.{was.state}", lang),
        since=format_value(since, lang) if since else "-",
    )


def warning_notice(
    als: AlsRecord, status: Status, langs: list[str], ralo: str, way: Way | None = None
) -> dict[str, Any]:
    """The early warning (seed 003 asks ALSs be told; PRODUCT.md: "your ALS missed two
    consecutive monthly calls"): how many in a row, which, what one more would mean, and the
    next call to attend."""
    subject = " / ".join(
        t("notices.warning.subject", lang, ralo=ralo, als=als.name) for lang in langs[:2]
    )
    parts = []
    for lang in langs:
        lines = [t("notices.greeting", lang, als=als.name), ""]
        lines.append(
            t(
                "notices.warning.text",
                lang,
                als=als.name,
                count=status.missed_consecutive_calls,
                dates=render_dates(status, lang),
                ralo=ralo,
            )
        )
        lines += _next_steps(way, lang, ralo)
        lines += ["", _footer(way, lang, ralo)]
        parts.append("\n".join(lines))
    return {"kind": "warning", "subject": subject, "text": "\n\n-----\n\n".join(parts)}


def render_dates(status: Status, lang: str) -> str:
    return str(format_value(list(status.missed_call_dates), lang))


def digest(
    changes: list[tuple[AlsRecord, Status]],
    past: list[tuple[AlsRecord, list[Reason]]],
    corrections: list[tuple[AlsRecord, Reason]],
    langs: list[str],
    ralo: str,
    day: str,
    warned: list[tuple[AlsRecord, Status]] | None = None,
    head: str | None = None,
) -> dict[str, Any]:
    """The Secretariat's summary of one status run: today's changes, early warnings sent, past
    changes found on the record (told to no ALS), and corrections of earlier judgements; the
    audit log's head when given (issue 20, point 7)."""
    warned = warned or []
    count = len(changes) + len(past) + len(corrections) + len(warned)
    when = date.fromisoformat(day)
    subject = " / ".join(
        t("notices.digest.subject", lang, ralo=ralo, count=count, day=format_value(when, lang))
        for lang in langs[:2]
    )
    parts = []
    for lang in langs:
        lines = [t("notices.digest.opening", lang, count=count, day=format_value(when, lang))]
        for als, status in changes:
            lines.append(f"- {_als(als)}: {t(f'status.state.{status.state.value}', lang)}")
            lines += [f"    {render(r, lang)}" for r in status.reasons if r.key not in QUIET]
        if warned:
            lines += ["", t("notices.digest.warned", lang)]
            lines += [
                f"- {_als(als)}: "
                + t(
                    "notices.digest.missed",
                    lang,
                    count=s.missed_consecutive_calls,
                    dates=render_dates(s, lang),
                )
                for als, s in warned
            ]
        if past:
            lines += ["", t("notices.digest.past", lang)]
            lines += [f"- {_als(als)}: {format_value(spells, lang)}" for als, spells in past]
        if corrections:
            lines += ["", t("notices.digest.corrections", lang)]
            lines += [f"- {_als(als)}: {render(reason, lang)}" for als, reason in corrections]
        lines += _head_lines(head, lang)
        parts.append("\n".join(lines))
    return {"kind": "digest", "subject": subject, "text": "\n\n-----\n\n".join(parts)}


def _als(als: AlsRecord) -> str:
    return f"{als.name} ({als.als_id}, {als.country})"


def election_result(
    title: str, result: Mapping[str, Any], langs: list[str], ralo: str
) -> dict[str, Any]:
    """A published result's announcement (2021 rules: the list of ALSs that voted is public)."""
    subject = " / ".join(
        t("notices.result.subject", lang, ralo=ralo, title=title) for lang in langs[:2]
    )
    parts = []
    for lang in langs:
        lines = [t("notices.result.opening", lang, title=title), tally.quorum_line(result, lang)]
        lines += [
            f"- {r['choice']}: {r['weighted_votes']} ({r['votes']})"
            for r in tally.result_rows(result, lang)
        ]
        lines.append(tally.abstentions_line(result, lang))
        if outcome := tally.outcome_line(result, lang):
            lines.append(outcome)
        if drawn := tally.drawn_line(result, lang):
            lines.append(drawn)
        lines += tally.notes(result, lang)
        lines.append(t("notices.result.voted", lang, als=", ".join(result["voted"])))
        parts.append("\n".join(lines))
    return {
        "kind": "result",
        "subject": subject,
        "text": "\n\n-----\n\n".join(parts),
        "parts": dict(zip(langs, parts, strict=True)),
        "subjects": {
            lang: t("notices.result.subject", lang, ralo=ralo, title=title) for lang in langs
        },
    }


def proxy_notice(
    giver: str, holder: str | None, what: str, langs: list[str], ralo: str, when: datetime
) -> dict[str, Any]:
    """Rules of Procedure 1.5: the Secretariat and both ALSs know of a proxy before the vote."""
    subject = " / ".join(
        t(f"notices.proxy.{what}_subject", lang, ralo=ralo, giver=giver) for lang in langs[:2]
    )
    parts = [
        t(
            f"notices.proxy.{what}",
            lang,
            giver=giver,
            holder=holder or "-",
            when=when.isoformat(timespec="minutes"),
        )
        for lang in langs
    ]
    return {"kind": "proxy", "subject": subject, "text": "\n\n-----\n\n".join(parts)}


def call_report(
    meeting: Mapping[str, Any],
    present: Sequence[Mapping[str, Any]],
    warned: list[str],
    region: Any,
    langs: list[str],
) -> dict[str, Any]:
    """After a call: the ALSs present by sub-region, how many, and who is one call from inactive."""
    when = utc_minute(meeting["start_at"])
    subject = " / ".join(
        t("notices.report.subject", lang, title=title_of(meeting, lang, region.ralo), when=when)
        for lang in langs[:2]
    )
    parts = []
    for lang in langs:
        lines = [attendance.count_line(present, lang)]
        lines += [f"- {line}" for line in attendance.by_subregion(present, region, lang)]
        if warned:
            lines.append(t("notices.report.warned", lang, names=", ".join(warned)))
        parts.append("\n".join(lines))
    return {"kind": "report", "subject": subject, "text": "\n\n-----\n\n".join(parts)}


def shares_digest(
    found: Sequence[Mapping[str, Any]],
    month: str,
    langs: list[str],
    ralo: str,
    head: str | None = None,
) -> dict[str, Any]:
    """The month's shared ALS activities (seed 001), to the lists and the channel. What members
    wrote is shown as text (issue 20, point 6): in mail with Slack's mentions in words and each
    link's real address; on Slack (`slack_text`) escaped as well, so it notifies nobody."""
    subject = " / ".join(
        t("notices.digest_shares.subject", lang, ralo=ralo, month=month) for lang in langs[:2]
    )
    items = "\n".join(f"- {s['who']}: {plain(s['text'])}" for s in found)
    slack_items = "\n".join(f"- {slack_escape(s['who'])}: {for_slack(s['text'])}" for s in found)
    intros = {
        lang: t("notices.digest_shares.intro", lang, month=month, count=len(found))
        for lang in langs
    }
    tails = {lang: "".join(f"\n\n{line}" for line in _head_lines(head, lang)[1:]) for lang in langs}
    tail = tails[langs[0]] if langs else ""
    return {
        "kind": "digest",
        "subject": subject,
        "text": "\n".join(intros.values()) + f"\n\n{items}{tail}",
        "slack_text": slack_escape("\n".join(intros.values()))
        + f"\n\n{slack_items}{slack_escape(tail)}",
        "parts": {lang: f"{intro}\n\n{items}{tails[lang]}" for lang, intro in intros.items()},
    }


def _head_lines(head: str | None, lang: str) -> list[str]:
    """The audit log's head, published in every digest (issue 20, point 7): a record rewritten
    later no longer reaches it (`audit verify --head`). Nothing when not given."""
    return ["", t("notices.audit_head", lang, head=head)] if head else []


def month_digest(
    month: str,
    changes: list[tuple[AlsRecord, str, str, str, list[Reason]]],
    warned: list[AlsRecord],
    langs: list[str],
    ralo: str,
    head: str | None = None,
) -> dict[str, Any]:
    """The Secretariat's digest of a month (issue 18): the status changes and corrections
    recorded in it, and the ALSs warned (one missed call from inactivity). `changes`: (ALS,
    state, effective date, kind, reasons). `head`: the audit log's, when given (issue 20)."""
    count = len(changes) + len(warned)
    subject = " / ".join(
        t("notices.month.subject", lang, ralo=ralo, month=month, count=count) for lang in langs[:2]
    )
    parts = []
    for lang in langs:
        lines = [t("notices.month.opening", lang, month=month, count=count)]
        for als, state, effective, kind, reasons in changes:
            label = t(f"status.state.{state}", lang)
            on = format_value(date.fromisoformat(effective[:10]), lang)
            line = t(f"notices.month.{kind}", lang, als=_als(als), state=label, on=on)
            lines.append(f"- {line}")
            lines += [f"    {render(r, lang)}" for r in reasons if r.key not in QUIET]
        if warned:
            lines += ["", t("notices.digest.warned", lang)]
            lines += [f"- {_als(als)}" for als in warned]
        if not count:
            lines.append(t("notices.month.nothing", lang))
        lines += _head_lines(head, lang)
        parts.append("\n".join(lines))
    return {"kind": "digest", "subject": subject, "text": "\n\n-----\n\n".join(parts)}
