"""Slack's signature and timestamp read from the headers alone, and what bolt could not read
(issue 20, part 2)."""

from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.transports.slack import unreadable
from bot.transports.slack_signature import (
    Unsigned,
    check_signature,
    check_timestamp,
    signature,
)

SECRET = "s3cret"


def headers(timestamp: str, sig: str = "v0=x") -> dict[str, str]:
    return {"x-slack-request-timestamp": timestamp, "x-slack-signature": sig}


@pytest.mark.parametrize(
    ("timestamp", "why"),
    [
        ("", "unsigned"),
        ("1e99", "bad_timestamp"),
        ("-1", "bad_timestamp"),
        ("NaN", "bad_timestamp"),
        ("inf", "bad_timestamp"),
        ("9" * 400, "bad_timestamp"),
        ("1_700_000_000", "bad_timestamp"),
        ("\u0661\u0667\u0660\u0660", "bad_timestamp"),  # Arabic-Indic digits int() would take
        ("1700000000", "stale"),
    ],
)
def test_absurd_timestamps_are_refused_before_the_body(timestamp: str, why: str) -> None:
    with pytest.raises(Unsigned) as refused:
        check_timestamp(headers(timestamp), now=1800000000.0)
    assert refused.value.why == why


def test_no_signature_header_is_unsigned() -> None:
    with pytest.raises(Unsigned, match="unsigned"):
        check_timestamp({"x-slack-request-timestamp": str(int(time.time()))}, time.time())


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.text(max_size=20), st.text(max_size=80))
def test_only_the_right_signature_passes(body: bytes, timestamp: str, sig: str) -> None:
    now = time.time()
    with pytest.raises(Unsigned):
        ts = check_timestamp(headers(timestamp, sig), now)
        check_signature(SECRET, headers(ts, sig), ts, body)
    ts = str(int(now))
    good = headers(ts, signature(SECRET, ts, body))
    check_signature(SECRET, good, check_timestamp(good, now), body)
    with pytest.raises(Unsigned, match="bad_signature"):
        check_signature("other", good, ts, body)


@pytest.mark.parametrize(
    ("text", "content_type", "why"),
    [
        ("{not json", "application/json", "not_json"),
        ("{" * 100 + "}" * 100, "text/plain", "too_deep"),
        ("[1, 2]", "application/json", "not_object"),
        ("payload=" + quote("[1]"), "application/x-www-form-urlencoded", "not_object"),
        ("payload=" + quote('{"a": '), "application/x-www-form-urlencoded", "not_json"),
        ("command=%2Flacralo&text=status", "application/x-www-form-urlencoded", None),
        ("payload=" + quote(json.dumps({"type": "view_submission"})), "", None),
        ('{"type": "url_verification", "challenge": "c"}', "application/json", None),
        ("", "application/json", None),
    ],
)
def test_what_bolt_could_not_read(text: str, content_type: str, why: str | None) -> None:
    assert unreadable(text, content_type) == why
