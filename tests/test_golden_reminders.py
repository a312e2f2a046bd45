"""Golden texts of meeting reminders (issue 18, point 5): the words a member reads, per language,
so any change shows up in review as a diff. Each file holds what the list receives (subject and
text) and what the Slack channel shows (with the passcode, which never goes to a list).

After a deliberate change of wording, regenerate and read the diff as a member would:
    GOLDEN_UPDATE=1 .venv/bin/python -m pytest -q tests/test_golden_reminders.py
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import LANGUAGES
from bot.region import Region
from bot.texts import meetings as meeting_text

GOLDEN = Path(__file__).resolve().parent / "golden" / "reminders"
START = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)
FROM = "bot@lacralo.example.org"
ACCESS = meeting_text.Access(passcode="472913", contact="lacralo-staff@example.org", on_slack=True)
MONTHLY = {
    "meeting_id": 12,
    "kind": "monthly",
    "title": None,
    "start_at": START.isoformat(),
    "duration_min": 90,
    "zoom_id": "85218486288",
    "url": "https://icann.zoom.us/j/85218486288?pwd=Xy7Qa2",
    "sequence": 0,
}
ASSEMBLY = MONTHLY | {"meeting_id": 13, "kind": "assembly", "zoom_id": None, "url": None}

CASES: dict[str, tuple[dict[str, Any], timedelta]] = {
    # case: (meeting, time before the start the reminder is sent)
    "week": (MONTHLY, timedelta(days=7)),
    "day": (MONTHLY, timedelta(days=1)),
    "hour": (MONTHLY, timedelta(hours=1)),
    "late_week": (MONTHLY, timedelta(days=2, hours=1)),  # weekly reminder of a meeting added late
    "no_link": (ASSEMBLY, timedelta(days=1)),
}


def rendered(region: Region, case: str, lang: str) -> str:
    meeting, before = CASES[case]
    payload = meeting_text.reminder(meeting, region, [lang], FROM, START - before, ACCESS)
    slack = payload.get("slack_text", payload["text"])
    return (
        f"Subject: {payload['subject']}\n\n{payload['text']}\n\n"
        f"=== Slack ({payload['blocks'][0]['text']['text']}) ===\n{slack}\n"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_reminder_reads_as_written(region: Region, case: str, lang: str) -> None:
    path = GOLDEN / f"{case}.{lang}.txt"
    text = rendered(region, case, lang)
    if os.environ.get("GOLDEN_UPDATE") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with GOLDEN_UPDATE=1 and read it"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_golden_list_text_carries_the_passcode(lang: str) -> None:
    for path in GOLDEN.glob(f"*.{lang}.txt"):
        mail, _, _slack = path.read_text(encoding="utf-8").partition("\n=== Slack")
        assert "472913" not in mail and "Xy7Qa2" not in mail, path.name
