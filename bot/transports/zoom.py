"""Zoom webhooks: verify the signature, then decode into a typed event.

Zoom signs each request: `x-zm-signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{raw body}")` with
`x-zm-request-timestamp` in seconds. The signature is checked in constant time on the raw bytes
before the body is parsed at all; a timestamp more than five minutes off is a replay and refused.
`endpoint.url_validation` is answered with the plain token and its HMAC, as Zoom requires.

Issue 20, part 2: the headers are checked before the body is even read, a timestamp is ten to
fifteen ASCII digits or refused (no `1e99`, `-1`, `NaN` or thousand-digit number reaches a float),
the body is read as JSON with its nesting bounded (bot/transports/json_body.py), and every refusal
is a short JSON answer, counted, and logged at most once a minute per client and reason.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.deps import Deps
from bot.i18n import t
from bot.metrics import took
from bot.transports.json_body import BadBody, parse_object
from bot.transports.webhook_refusals import Refusals
from bot.zoom.events import (
    LONGEST_CALL,
    CallEnded,
    CallJoin,
    CallLeave,
    CallStarted,
    normalise_meeting_id,
)
from handlers import call_ended, call_join, call_started

log = logging.getLogger("lacralo_bot.zoom")
MAX_SKEW_S = 300
MAX_BODY = 256 * 1024
UNAUTHENTIC = ("unsigned", "bad_signature", "stale", "bad_timestamp")
# Seconds since 1970, as Zoom sends them: digits only, and few enough to stay an exact float.
TIMESTAMP = re.compile(r"[0-9]{1,15}")


class Rejected(Exception):
    """Why a request is refused; `why` is a short key for the reply, `detail` a finer one for
    the log and the metrics (`not_json`, `too_deep`, `not_object` behind `bad_payload`)."""

    def __init__(self, why: str, detail: str | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.detail = detail or why


@dataclass(frozen=True)
class UrlValidation:
    plain_token: str


ZoomEvent = UrlValidation | CallJoin | CallLeave | CallStarted | CallEnded


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def fresh(headers: Any, now: datetime) -> str:
    """The request's timestamp, once it is signed at all and dated within five minutes of `now`;
    Rejected otherwise. Needs no body, so an unsigned flood is refused without reading it."""
    timestamp = headers.get("x-zm-request-timestamp", "")
    if not timestamp or not headers.get("x-zm-signature", ""):
        raise Rejected("unsigned")
    if not TIMESTAMP.fullmatch(timestamp):
        raise Rejected("bad_timestamp")
    if abs(now.timestamp() - int(timestamp)) > MAX_SKEW_S:
        raise Rejected("stale")
    return str(timestamp)


def verify(secret: str, headers: Any, body: bytes, now: datetime) -> None:
    """Raise Rejected unless the request is signed with `secret` within the last five minutes."""
    timestamp = fresh(headers, now)
    given = headers.get("x-zm-signature", "")
    if not hmac.compare_digest(
        signature(secret, timestamp, body).encode(), given.encode("utf-8", "replace")
    ):
        raise Rejected("bad_signature")


def decode(body: bytes) -> ZoomEvent | None:
    """The event, or None for an event type the bot does not use. Raises Rejected on nonsense."""
    try:
        data = parse_object(body)
    except BadBody as exc:
        raise Rejected("bad_payload", exc.why) from None
    try:
        kind = data["event"]
        payload = data["payload"]
        if kind == "endpoint.url_validation":
            return UrlValidation(str(payload["plainToken"]))
        if kind == "meeting.ended":
            return _ended(payload["object"])
        if kind == "meeting.started":
            return _started(payload["object"])
        if kind not in ("meeting.participant_joined", "meeting.participant_left"):
            return None
        meeting = payload["object"]
        person = meeting["participant"]
        meeting_id = normalise_meeting_id(meeting["id"])
        name, email = str(person.get("user_name") or ""), person.get("email") or None
        if not meeting_id:
            raise ValueError("no meeting id")
        if kind == "meeting.participant_joined":
            return CallJoin(meeting_id, name, email, _time(_when(person, "join_time")))
        return CallLeave(meeting_id, name, email, _time(_when(person, "leave_time")))
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        # OverflowError: a time that cannot be written in UTC (year 1 east of Greenwich, 9999
        # west of it); RecursionError: JSON nested deeper than Python parses.
        raise Rejected("bad_payload") from None


def _when(person: dict[str, Any], field: str) -> Any:
    """The participant's `join_time`/`leave_time`; the 2021 form of these events gives it as
    `date_time` instead. KeyError (a 400) when neither is there."""
    return person[field] if person.get(field) is not None else person["date_time"]


def _started(meeting: dict[str, Any]) -> CallStarted:
    """`payload.object` of meeting.started: `id` and `start_time`."""
    meeting_id = normalise_meeting_id(meeting["id"])
    if not meeting_id:
        raise ValueError("no meeting id")
    return CallStarted(meeting_id, _time(meeting["start_time"]))


def _ended(meeting: dict[str, Any]) -> CallEnded:
    """`payload.object` of meeting.ended: `id`, and `start_time`/`end_time` of this occurrence."""
    meeting_id = normalise_meeting_id(meeting["id"])
    started, ended = _time(meeting["start_time"]), _time(meeting["end_time"])
    if not meeting_id or not started <= ended <= started + LONGEST_CALL:
        # An end only moves later once set (bot/store/calls.py), so a far-future one would keep
        # the call's attendance unknown for good.
        raise ValueError("no meeting id, or an end before the start or past Zoom's longest call")
    return CallEnded(meeting_id, started, ended)


def _time(value: str) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def make_endpoint(deps: Deps) -> Any:
    """The aiohttp handler for POST /zoom/events."""
    secret = deps.settings.zoom_webhook_secret_token
    lang = deps.settings.language
    refusals = Refusals("zoom", "zoom.log.rejected", log, lang, deps.settings.trusted_proxies)

    def refuse(request: web.Request, exc: Rejected) -> web.Response:
        refusals.note(request.remote, request.headers, exc.detail)
        status = 401 if exc.why in UNAUTHENTIC else 413 if exc.why == "too_big" else 400
        return web.json_response({"error": exc.why}, status=status)

    async def zoom_events(request: web.Request) -> web.Response:
        if not secret:
            return web.json_response({"error": "zoom webhooks are not configured"}, status=503)
        started = time.perf_counter()
        try:
            fresh(request.headers, deps.clock())  # before a byte of the body is read
            if (request.content_length or 0) > MAX_BODY:
                raise Rejected("too_big")
            body = await request.read()  # bounded by the application's client_max_size
            if len(body) > MAX_BODY:
                raise Rejected("too_big")
            verify(secret, request.headers, body, deps.clock())
            event = decode(body)
        except Rejected as exc:
            return refuse(request, exc)
        if isinstance(event, UrlValidation):
            token = hmac.new(
                secret.encode(), event.plain_token.encode(), hashlib.sha256
            ).hexdigest()
            return web.json_response({"plainToken": event.plain_token, "encryptedToken": token})
        if event is None:
            return web.json_response({"status": "ignored"})
        answer = await _handle(deps, event)
        took("zoom", time.perf_counter() - started)
        return answer

    return zoom_events


async def _handle(
    deps: Deps, event: CallJoin | CallLeave | CallStarted | CallEnded
) -> web.Response:
    """Store the event; a 503 (Zoom retries) when nothing could be stored."""
    try:
        if isinstance(event, CallEnded):
            ended = await call_ended.handle(deps, event)
            return web.json_response({"status": ended.outcome.value})
        if isinstance(event, CallStarted):
            await call_started.handle(deps, event)
            return web.json_response({"status": "started"})
        await call_join.handle(deps, event)
    except Exception as exc:  # stored nothing: a non-200 makes Zoom retry
        log.error(t("zoom.log.store_failed", deps.settings.language, error=str(exc)))
        return web.json_response({"error": "try again"}, status=503)
    return web.json_response({"status": "recorded"})
