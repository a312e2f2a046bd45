"""Golden texts of the notices a member or the Secretariat reads (issue 18, point 5): each message
kind rendered in the four languages and compared with `tests/golden/notices/<case>.<lang>.txt`,
so any change to the words shows up in review as a diff of what people read.

To accept a change on purpose: `GOLDEN_UPDATE=1 make test` (or the same pytest command), then
read the diff of the files before committing."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.domain.reasons import Reason
from bot.domain.roster import AlsRecord
from bot.domain.status import State, Status
from bot.domain.status_history import Told
from bot.i18n import LANGUAGES
from bot.texts import notices

GOLDEN = Path(__file__).parent / "golden" / "notices"
HAITI = AlsRecord(
    als_id="ALS-HT-01",
    name="Association Fictive des Internautes",
    country="HT",
    subregion="C",
    accredited_on=date(2019, 11, 20),
    language="fr",
)
MISSED = (date(2026, 9, 15), date(2026, 10, 20), date(2026, 11, 17))
INACTIVE = Status(
    state=State.INACTIVE,
    since=date(2026, 11, 17),
    missed_consecutive_calls=3,
    missed_call_dates=MISSED,
    last_participation=datetime(2026, 8, 18, 15, 0, tzinfo=UTC),
    can_vote=False,
    counts_for_quorum=False,
    eligible_for_office=False,
    early_warning=False,
    inactive_years=frozenset({2026}),
    reasons=(
        Reason(
            "status.reason.missed_calls",
            {"count": 3, "dates": list(MISSED), "limit": 3},
        ),
        Reason(
            "status.reason.recover_by", {"since": date(2026, 11, 17), "until": date(2027, 12, 31)}
        ),
        Reason(
            "status.reason.reading",
            {
                "criteria": "any",
                "calls": 3,
                "window": "calendar-year",
                "grace_years": 1,
                "recovery_years": 1,
            },
        ),
    ),
)
WARNED = Status(
    state=State.ACTIVE,
    since=date(2020, 2, 14),
    missed_consecutive_calls=2,
    missed_call_dates=MISSED[:2],
    last_participation=datetime(2026, 8, 18, 15, 0, tzinfo=UTC),
    can_vote=True,
    counts_for_quorum=True,
    eligible_for_office=True,
    early_warning=True,
    inactive_years=frozenset(),
)
WAY = notices.Way(
    next_call=notices.NextCall(
        datetime(2026, 12, 15, 23, 0, tzinfo=UTC),
        None,
        "https://zoom.us/j/81234567890",
    ),
    contact="lacralo-staff@icann.org",
    zones=("America/Port-au-Prince",),
)
RALO = "LACRALO"
AUDIT_HEAD = "57:" + "3f0a" * 16  # issue 20: the audit log's head, published in every digest

MEETING = {
    "meeting_id": 7,
    "kind": "monthly",
    "title": None,
    "start_at": "2026-11-17T23:00:00+00:00",
    "duration_min": 90,
    "zoom_id": "81234567890",
}
PRESENT = [
    {"als_id": "ALS-HT-01", "name": HAITI.name, "country": "HT", "subregion": "C"},
    {
        "als_id": "ALS-AR-01",
        "name": "Asociación Ficticia de Usuarios de Internet",
        "country": "AR",
        "subregion": "D",
    },
]
RESULT = {
    "quorum": {"required": 4, "present": 5, "met": True},
    "results": [
        {"choice": "Jean-Baptiste Étienne", "votes": 3, "weighted_votes": 50.0},
        {"choice": "Keisha Brown", "votes": 1, "weighted_votes": 16.666666666666668},
    ],
    "abstentions": 1,
    "winner": "Jean-Baptiste Étienne",
    "tied": None,
    "voted": ["ALS-AR-01", "ALS-BR-01", "ALS-CO-01", "ALS-HT-01", "ALS-JM-01"],
    "refused": [],
    "invalid": [],
    "vote": {
        "kind": "position",
        "subject": "alac-member-even",
        "opens_at": "2026-12-01T12:00:00+00:00",
    },
    "roll": {"published": True, "sha256": "ee1b24fd" * 8},
    "secrecy": "open",
}


def _region() -> Any:
    from bot.region import load_region

    return load_region()


def _call(lang: str) -> dict[str, Any]:
    from bot.texts import nominations

    region = _region()
    seats = [nominations.SeatCall("alac-member-even", 2026, "C", "table")]
    closes = datetime(2026, 12, 15, 23, 59, tzinfo=UTC)
    pages = {lang: f"https://lacralo-bot.example.org/candidates?lang={lang}"}
    payload = nominations.call(region, seats, closes, [lang], "lacralo-bot@example.org", pages)
    return payload


CASES: dict[str, Callable[[str], dict[str, Any]]] = {
    "call_report": lambda lang: notices.call_report(
        MEETING, PRESENT, ["Example Internet Users Society"], _region(), [lang]
    ),
    "election_result": lambda lang: notices.election_result("ALAC 2026", RESULT, [lang], RALO),
    "nomination_call": _call,
    "shares_digest": lambda lang: notices.shares_digest(
        [{"who": HAITI.name, "text": "Atelier sur l'acceptation universelle à Port-au-Prince."}],
        "2026-11",
        [lang],
        RALO,
        AUDIT_HEAD,
    ),
    "status_inactive": lambda lang: notices.status_notice(HAITI, INACTIVE, [lang], RALO, None, WAY),
    "status_correction": lambda lang: notices.status_notice(
        HAITI, WARNED, [lang], RALO, Told("inactive", "2026-10-20"), WAY
    ),
    "status_no_next_call": lambda lang: notices.status_notice(
        HAITI, INACTIVE, [lang], RALO, None, notices.Way(None, None)
    ),
    "warning": lambda lang: notices.warning_notice(HAITI, WARNED, [lang], RALO, WAY),
    "digest": lambda lang: notices.digest(
        [(HAITI, INACTIVE)], [], [], [lang], RALO, "2026-11-18", [(HAITI, WARNED)], AUDIT_HEAD
    ),
    "month_digest": lambda lang: notices.month_digest(
        "2026-11",
        [(HAITI, "inactive", "2026-11-17", "change", list(INACTIVE.reasons))],
        [HAITI],
        [lang],
        RALO,
        AUDIT_HEAD,
    ),
}


def rendered(payload: dict[str, Any]) -> str:
    return f"Subject: {payload['subject']}\n\n{payload['text']}\n"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_the_words_members_read_are_the_golden_ones(case: str, lang: str) -> None:
    text = rendered(CASES[case](lang))
    path = GOLDEN / f"{case}.{lang}.txt"
    if os.environ.get("GOLDEN_UPDATE"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden text {path.name}: run with GOLDEN_UPDATE=1 and read it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_notice_reads_as_written_for_the_member(lang: str) -> None:
    """Greeting naming the ALS, no internal labels, the next call in Haiti's time, the contact."""
    text = notices.status_notice(HAITI, INACTIVE, [lang], RALO, None, WAY)["text"]
    assert HAITI.name in text.splitlines()[0]
    assert "18:00 Port-au-Prince" in text  # 23:00 UTC is 18:00 in Haiti in December
    assert "https://zoom.us/j/81234567890" in text and "lacralo-staff@icann.org" in text
    for label in (
        "Reading used",
        "Lectura",
        "Leitura",
        "Lecture utilisée",
        "status.",
        "inactive_years",
    ):
        assert label not in text
    assert "-----" not in text  # one language: the reader's
