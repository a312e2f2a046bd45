"""Slack: the `/lacralo` command and direct messages, through slack-bolt's AsyncApp.

Served at POST /slack/events by the bot's own aiohttp server, and over Socket Mode as well when
SLACK_APP_TOKEN is set. Every command is answered in the acknowledgement itself when the answer is
ready within two seconds -- Slack allows three -- and otherwise acknowledged at once and answered
when done. Slack retries events it thinks were lost; an event id seen before is acknowledged and
not acted on twice.

Issue 20, part 2: bolt parses the body before it checks the signature (a forged request with
invalid JSON was a 500 with a traceback) and logs the whole body of a forged request. So the
endpoint checks Slack's signature and timestamp itself first (bot/transports/slack_signature.py),
the timestamp before the body is even read, then reads the body as JSON with its nesting bounded,
and only then hands the request to bolt, whose loggers are kept to errors. Part 8: a command that
meets a busy database is answered "try again in a minute", never left at "Working on it…".
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.i18n import t
from bot.metrics import took
from bot.services import announcements
from bot.store import roster as roster_store
from bot.transports.http import DEPS
from bot.transports.json_body import BadBody, parse_object
from bot.transports.slack_signature import Unsigned, check_signature, check_timestamp
from bot.transports.webhook_refusals import Refusals
from handlers import commands
from handlers.commands.event import CommandEvent

log = logging.getLogger("lacralo_bot.slack")
# bolt's own loggers hang below this one (AsyncApp(logger=...)); kept to errors, since its info
# and warning lines quote request bodies (a forged request's whole body, an unhandled event's).
BOLT_LOG = logging.getLogger("lacralo_bot.slack.bolt")
BOLT_LOG.setLevel(logging.ERROR)
ANSWER_WITHIN_S = 2.0
MAX_BODY = 1024 * 1024  # Slack's largest payloads (a modal's state) are far smaller
MENTION = re.compile(r"<@[A-Z0-9]+>")


class SeenEvents:
    """The last few thousand event ids, to recognise Slack's retries."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self.ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, event_id: str) -> bool:
        if event_id in self.ids:
            return False
        self.ids[event_id] = None
        if len(self.ids) > self.size:
            self.ids.popitem(last=False)
        return True


def build_slack_app(deps: Deps) -> AsyncApp:
    settings = deps.settings
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    # The token rides on the client (bolt warns when given both): its base URL is SLACK_API_URL,
    # which Socket Mode's apps.connections.open uses as well.
    app = AsyncApp(signing_secret=settings.slack_signing_secret, client=client, logger=BOLT_LOG)
    seen = SeenEvents()

    async def answer(user_id: str, text: str) -> str:
        command, member = commands.parse(text), None
        try:
            member = await roster_store.member_by(deps.store, "slack_id", user_id)
            return await commands.handle(deps, CommandEvent(command, member, "slack"))
        except sqlite3.OperationalError as exc:
            if not database_busy(exc):
                raise
            # Issue 20.8: nothing was stored (the write lock is taken first, store/transaction.py);
            # say so and when to try again, rather than leave "Working on it…" unanswered.
            log.warning(
                t("receivers.log.slack_busy", settings.language, user=user_id, error=str(exc))
            )
            return t(
                "commands.busy", CommandEvent(command, member, "slack").lang(settings.language)
            )

    @app.command("/lacralo")
    async def lacralo(ack: Any, command: dict[str, Any], respond: Any, client: Any) -> None:
        if await _opened_announce_form(deps, command, client):
            await ack()
            return
        work = asyncio.ensure_future(answer(command["user_id"], command.get("text", "")))
        done, _ = await asyncio.wait({work}, timeout=ANSWER_WITHIN_S)
        if done:
            await ack(text=work.result())
            return
        await ack(text=t("commands.working", deps.settings.language))
        await respond(text=await work)

    @app.view("announce")
    async def on_announce(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        member = await roster_store.member_by(deps.store, "slack_id", body["user"]["id"])
        if member is None or not commands.spec_for("announce").allows(member):
            return
        values = view["state"]["values"]
        texts = {
            lang: (values.get(lang, {}).get("text", {}).get("value") or "")
            for lang in ("en", "es", "pt", "fr")
        }
        await announcements.announce(
            deps.store, deps.region, deps.settings, texts, deps.clock(), f"slack:{member.email}"
        )

    @app.event("app_mention")
    @app.event("message")
    async def on_message(body: dict[str, Any], event: dict[str, Any], say: Any) -> None:
        if not seen.first_time(str(body.get("event_id", ""))):
            return  # a retry of an event already handled
        if event.get("bot_id") or event.get("subtype"):
            return
        if event.get("type") == "message" and event.get("channel_type") != "im":
            return
        text = MENTION.sub("", event.get("text", "")).strip()
        await say(text=await answer(event.get("user", ""), text))

    return app


async def _opened_announce_form(deps: Deps, command: dict[str, Any], client: Any) -> bool:
    """`/lacralo announce` from the Secretariat opens a form with a field per language."""
    parsed = commands.parse(command.get("text", ""))
    if parsed.verb != "announce":
        return False
    member = await roster_store.member_by(deps.store, "slack_id", command["user_id"])
    if member is None or not commands.spec_for("announce").allows(member):
        return False  # the dispatcher answers them
    lang = member.language or parsed.lang or deps.settings.language
    await client.views_open(trigger_id=command["trigger_id"], view=announce_view(lang))
    return True


def announce_view(lang: str) -> dict[str, Any]:
    """The modal: one text field per language; English and Spanish are required."""
    blocks = []
    for code in ("en", "es", "pt", "fr"):
        blocks.append(
            {
                "type": "input",
                "block_id": code,
                "optional": code not in ("en", "es"),
                "label": {"type": "plain_text", "text": t(f"pages.language_name.{code}", lang)},
                "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
            }
        )
    return {
        "type": "modal",
        "callback_id": "announce",
        "title": {"type": "plain_text", "text": t("commands.announce.title", lang)[:24]},
        "submit": {"type": "plain_text", "text": t("commands.announce.submit", lang)[:24]},
        "blocks": blocks,
    }


def database_busy(exc: sqlite3.OperationalError) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED (extended codes included): another process holds the file."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return "locked" in str(exc) or "busy" in str(exc)


class Refused(Exception):
    """A request refused before bolt sees it: `why` for the answer, the log and the metrics."""

    def __init__(self, why: str, status: int) -> None:
        super().__init__(why)
        self.why, self.status = why, status


def make_endpoint(app: AsyncApp | None) -> Any:
    """The aiohttp handler for POST /slack/events: signature and timestamp, then the body, then
    bolt. Every refusal is a short JSON answer, counted, and logged at most once a minute."""
    refusals: Refusals | None = None  # made on the first refusal: the settings ride on the app

    async def slack_events(request: web.Request) -> web.Response:
        nonlocal refusals
        if app is None:
            return web.json_response({"error": "slack is not configured"}, status=503)
        deps = request.app[DEPS]
        started = time.perf_counter()
        try:
            bolt_request = await _checked(request, deps.settings.slack_signing_secret or "")
        except Refused as exc:
            refusals = refusals or _refusals(deps)
            refusals.note(request.remote, request.headers, exc.why)
            return web.json_response({"error": exc.why}, status=exc.status)
        answer = await to_aiohttp_response(await app.async_dispatch(bolt_request))
        took("slack", time.perf_counter() - started)
        return answer

    return slack_events


def _refusals(deps: Deps) -> Refusals:
    settings = deps.settings
    return Refusals(
        "slack", "receivers.log.slack_rejected", log, settings.language, settings.trusted_proxies
    )


async def _checked(request: web.Request, secret: str) -> AsyncBoltRequest:
    """The request for bolt, once it is Slack's and readable; Refused otherwise. The headers are
    read as bolt reads them (lower case, the last of repeated ones), so both see the same."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        # Slack signs with the wall clock, whatever clock the bot's rules run on (tests move that).
        timestamp = check_timestamp(headers, time.time())  # before the body is read
    except Unsigned as exc:
        raise Refused(exc.why, 401) from None
    if (request.content_length or 0) > MAX_BODY:
        raise Refused("too_big", 413)
    body = await request.read()  # bounded by the application's client_max_size
    if len(body) > MAX_BODY:
        raise Refused("too_big", 413)
    try:
        check_signature(secret, headers, timestamp, body)
        text = body.decode("utf-8")
    except Unsigned as exc:
        raise Refused(exc.why, 401) from None
    except UnicodeDecodeError:
        raise Refused("not_utf8", 400) from None
    why = unreadable(text, headers.get("content-type", ""))
    if why:
        raise Refused(why, 400)
    try:
        return AsyncBoltRequest(body=text, query=request.query_string, headers=dict(headers))
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Refused("bad_payload", 400) from None  # JSON bolt cannot place (signed, so rare)


def unreadable(text: str, content_type: str) -> str | None:
    """Why bolt could not read `text` (None when it can): the JSON it would parse -- the body, or
    a form's `payload` field, as bolt's own `parse_body` decides -- must be an object of bounded
    depth."""
    if not text:
        return None
    if content_type.split(";")[0] == "application/json" or text.startswith("{"):
        candidate: str | None = text
    elif "payload" in text:
        candidate = dict(parse_qsl(text, keep_blank_values=True)).get("payload")
    else:
        return None
    if candidate is None:
        return None
    try:
        parse_object(candidate)
    except BadBody as exc:
        return exc.why
    return None


async def start_socket_mode(app: AsyncApp, app_token: str) -> Any:
    """Connect over Socket Mode (no public URL needed); returns the handler to close later."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    return handler
