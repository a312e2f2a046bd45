"""Meeting attendance: who was present at a call, for `meetings show` and the call report sent
after each call. ALS-level facts only (names of ALSs, never of people or addresses)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import t
from bot.region import Region
from bot.reports import utc_minute

SHOW_COLUMNS = ["als_id", "als_name", "sources", "people", "minutes"]
SOURCES = ("joins", "secretariat")


def facts(meeting: Mapping[str, Any]) -> dict[str, Any]:
    """What names a meeting in a message: its number, kind and start."""
    return {
        "id": meeting["meeting_id"],
        "kind": meeting["kind"],
        "start": utc_minute(meeting["start_at"]),
    }


def cancelled(meeting: Mapping[str, Any]) -> str:
    """When the meeting was cancelled ('-' while it is not)."""
    return utc_minute(meeting["cancelled_at"]) if meeting["cancelled_at"] else "-"


def about(meeting: Mapping[str, Any], lang: str) -> list[tuple[str, bool]]:
    """The lines above the list of those present, each with whether it is a caution: which
    meeting, and that it was cancelled or that its attendance is not recorded yet."""
    lines = [(t("meetings.show.about", lang, **facts(meeting)), False)]
    if meeting["cancelled_at"]:
        lines.append((t("meetings.show.cancelled", lang, cancelled=cancelled(meeting)), True))
    elif not meeting["attendance_recorded"]:
        lines.append((t("meetings.show.unrecorded", lang), True))
    return lines


def present_rows(rows: Sequence[Mapping[str, Any]], lang: str | None) -> list[dict[str, Any]]:
    """Each ALS present with its evidence on one cell: in words for `lang`, codes for scripts
    (`lang` None)."""
    words = {s: t(f"meetings.show.source.{s}", lang) if lang else s for s in SOURCES}
    return [{**r, "sources": "; ".join(words[s] for s in r["sources"])} for r in rows]


def count_line(present: Sequence[Mapping[str, Any]], lang: str) -> str:
    return t("notices.report.count", lang, count=len(present))


def by_subregion(present: Sequence[Mapping[str, Any]], region: Region, lang: str) -> list[str]:
    """'Sub-region name: ALS, ALS' for each sub-region with someone present, in region order."""
    lines = []
    for code, sub in region.subregions.items():
        names = [p["name"] for p in present if p["subregion"] == code]
        if names:
            lines.append(f"{sub.name(lang)}: {', '.join(names)}")
    return lines
