"""Zoom webhooks: verify the signature, then decode into a typed event.

Zoom signs each request: `x-zm-signature: v0=HMAC-SHA256(secret, "v0:{timestamp}:{raw body}")` with
`x-zm-request-timestamp` in seconds. The signature is checked in constant time on the raw bytes
before the body is parsed at all; a timestamp more than five minutes off is a replay and refused.
`endpoint.url_validation` is answered with the plain token and its HMAC, as Zoom requires.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from bot.deps import Deps
from bot.i18n import t
from bot.zoom.events import LONGEST_CALL, CallEnded, CallJoin, CallLeave, normalise_meeting_id
from handlers import call_ended, call_join

log = logging.getLogger("lacralo_bot.zoom")
MAX_SKEW_S = 300
MAX_BODY = 256 * 1024
UNAUTHENTIC = ("unsigned", "bad_signature", "stale", "bad_timestamp")


class Rejected(Exception):
    """Why a request is refused; `why` is a short key for the log and the reply."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


@dataclass(frozen=True)
class UrlValidation:
    plain_token: str


ZoomEvent = UrlValidation | CallJoin | CallLeave | CallEnded


def signature(secret: str, timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode("ascii") + b":" + body
    return "v0=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify(secret: str, headers: Any, body: bytes, now: datetime) -> None:
    """Raise Rejected unless the request is signed with `secret` within the last five minutes."""
    timestamp = headers.get("x-zm-request-timestamp", "")
    given = headers.get("x-zm-signature", "")
    if not timestamp or not given:
        raise Rejected("unsigned")
    try:
        moment = int(timestamp)
    except ValueError:
        raise Rejected("bad_timestamp") from None
    if not timestamp.isascii() or not hmac.compare_digest(
        signature(secret, timestamp, body).encode(), given.encode("utf-8", "replace")
    ):
        raise Rejected("bad_signature")
    if abs(now.timestamp() - moment) > MAX_SKEW_S:
        raise Rejected("stale")


def decode(body: bytes) -> ZoomEvent | None:
    """The event, or None for an event type the bot does not use. Raises Rejected on nonsense."""
    try:
        data = json.loads(body)
        kind = data["event"]
        payload = data["payload"]
        if kind == "endpoint.url_validation":
            return UrlValidation(str(payload["plainToken"]))
        if kind == "meeting.ended":
            return _ended(payload["object"])
        if kind not in ("meeting.participant_joined", "meeting.participant_left"):
            return None
        meeting = payload["object"]
        person = meeting["participant"]
        meeting_id = normalise_meeting_id(meeting["id"])
        name, email = str(person.get("user_name") or ""), person.get("email") or None
        if not meeting_id:
            raise ValueError("no meeting id")
        if kind == "meeting.participant_joined":
            return CallJoin(meeting_id, name, email, _time(person["join_time"]))
        return CallLeave(meeting_id, name, email, _time(person["leave_time"]))
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError):
        # OverflowError: a time that cannot be written in UTC (year 1 east of Greenwich, 9999
        # west of it); RecursionError: JSON nested deeper than Python parses.
        raise Rejected("bad_payload") from None


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

    async def zoom_events(request: web.Request) -> web.Response:
        if not secret:
            return web.json_response({"error": "zoom webhooks are not configured"}, status=503)
        if (request.content_length or 0) > MAX_BODY:
            log.warning(t("zoom.log.rejected", lang, why="too_big", peer=str(request.remote)))
            return web.json_response({"error": "too_big"}, status=413)
        try:
            body = await request.read()  # bounded by the application's client_max_size
            if len(body) > MAX_BODY:
                raise Rejected("too_big")
            verify(secret, request.headers, body, deps.clock())
            event = decode(body)
        except Rejected as exc:
            log.warning(t("zoom.log.rejected", lang, why=exc.why, peer=str(request.remote)))
            status = (
                401 if exc.why in ("unsigned", "bad_signature", "stale", "bad_timestamp") else 400
            )
            return web.json_response({"error": exc.why}, status=status)
        if isinstance(event, UrlValidation):
            token = hmac.new(
                secret.encode(), event.plain_token.encode(), hashlib.sha256
            ).hexdigest()
            return web.json_response({"plainToken": event.plain_token, "encryptedToken": token})
        if event is None:
            return web.json_response({"status": "ignored"})
        try:
            if isinstance(event, CallEnded):
                ended = await call_ended.handle(deps, event)
                return web.json_response({"status": ended.outcome.value})
            await call_join.handle(deps, event)
        except Exception as exc:  # stored nothing: a non-200 makes Zoom retry
            log.error(t("zoom.log.store_failed", lang, error=str(exc)))
            return web.json_response({"error": "try again"}, status=503)
        return web.json_response({"status": "recorded"})

    return zoom_events
