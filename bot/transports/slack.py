"""Slack: the `/lacralo` command and direct messages, through slack-bolt's AsyncApp.

Served at POST /slack/events by the bot's own aiohttp server (bolt verifies Slack's signature and
timestamp), and over Socket Mode as well when SLACK_APP_TOKEN is set. Every command is answered in
the acknowledgement itself when the answer is ready within two seconds -- Slack allows three --
and otherwise acknowledged at once and answered when done. Slack retries events it thinks were
lost; an event id seen before is acknowledged and not acted on twice.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.i18n import t
from bot.services import announcements
from bot.store import roster as roster_store
from handlers import commands
from handlers.commands.event import CommandEvent

log = logging.getLogger("lacralo_bot.slack")
ANSWER_WITHIN_S = 2.0
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
    app = AsyncApp(
        token=settings.slack_bot_token, signing_secret=settings.slack_signing_secret, client=client
    )
    seen = SeenEvents()

    async def answer(user_id: str, text: str) -> str:
        member = await roster_store.member_by(deps.store, "slack_id", user_id)
        return await commands.handle(deps, CommandEvent(commands.parse(text), member, "slack"))

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


def make_endpoint(app: AsyncApp | None) -> Any:
    """The aiohttp handler for POST /slack/events."""

    async def slack_events(request: web.Request) -> web.Response:
        if app is None:
            return web.json_response({"error": "slack is not configured"}, status=503)
        bolt_response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    return slack_events


async def start_socket_mode(app: AsyncApp, app_token: str) -> Any:
    """Connect over Socket Mode (no public URL needed); returns the handler to close later."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    return handler
