"""Slack's request signature, checked before anything reads the body (issue 20, part 2).

Slack signs each request: `X-Slack-Signature: v0=HMAC-SHA256(signing secret,
"v0:{X-Slack-Request-Timestamp}:{raw body}")` (https://api.slack.com/authentication/verifying-
requests-from-slack). slack_sdk's SignatureVerifier computes the same, but reads the timestamp with
`int()` (`1e99` raised, a 500) and decodes the body first; here the timestamp must be ten to fifteen
ASCII digits within five minutes of now, checked from the headers alone, and the HMAC is taken over
the raw bytes and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

MAX_SKEW_S = 300
TIMESTAMP = re.compile(r"[0-9]{1,15}")


class Unsigned(Exception):
    """Not Slack's: `why` is 'unsigned', 'bad_timestamp', 'stale' or 'bad_signature'."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def check_timestamp(headers: Mapping[str, str], now: float) -> str:
    """The request's timestamp, when it is signed at all and dated within five minutes of `now`
    (seconds since 1970). Headers looked up in lower case."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    if not timestamp or not headers.get("x-slack-signature", ""):
        raise Unsigned("unsigned")
    if not TIMESTAMP.fullmatch(timestamp):
        raise Unsigned("bad_timestamp")
    if abs(now - int(timestamp)) > MAX_SKEW_S:
        raise Unsigned("stale")
    return timestamp


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def check_signature(secret: str, headers: Mapping[str, str], timestamp: str, body: bytes) -> None:
    given = headers.get("x-slack-signature", "")
    expected = signature(secret, timestamp, body)
    if not secret or not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        raise Unsigned("bad_signature")
