"""manifest.yml grants what the code uses, and no more (issue 19, part 6).

The Slack Web API methods the bot calls are found in the source (`client.<method>(…)`,
`api_call("…")`, bolt's `say`), each is looked up in the table below, and the manifest must ask
for its scope; the events the bot listens to must be subscribed, with their scopes. A call added
without its scope, or a scope the code no longer needs, fails here.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterable
from typing import Any

import pytest
import yaml
from slack_sdk.web.async_client import AsyncWebClient

from tests.conftest import REPO

MANIFEST = REPO / "manifest.yml"
SOURCES = ("bot", "handlers")
DOCS = "https://docs.slack.dev/reference/methods/"

# Web API method -> bot scopes it needs, from each method's page under DOCS ("Required scopes").
METHOD_SCOPES: dict[str, frozenset[str]] = {
    "chat.postMessage": frozenset({"chat:write"}),  # DOCS chat.postMessage (a user id: App Home)
    "chat.postEphemeral": frozenset({"chat:write"}),  # DOCS chat.postEphemeral
    "chat.update": frozenset({"chat:write"}),  # DOCS chat.update
    "chat.delete": frozenset({"chat:write"}),  # DOCS chat.delete
    "views.open": frozenset(),  # DOCS views.open: no scope, a trigger_id
    "views.update": frozenset(),  # DOCS views.update
    "views.publish": frozenset(),  # DOCS views.publish
    "auth.test": frozenset(),  # DOCS auth.test: bolt calls it to learn its bot id
    "conversations.open": frozenset({"im:write"}),  # DOCS conversations.open
    "conversations.join": frozenset({"channels:join"}),  # DOCS conversations.join
    "conversations.info": frozenset({"channels:read"}),  # DOCS conversations.info
    "conversations.list": frozenset({"channels:read"}),  # DOCS conversations.list
    "conversations.history": frozenset({"channels:history"}),  # DOCS conversations.history
    "users.info": frozenset({"users:read"}),  # DOCS users.info
    "users.list": frozenset({"users:read"}),  # DOCS users.list
    "users.lookupByEmail": frozenset({"users:read.email"}),  # DOCS users.lookupByEmail
    "reactions.add": frozenset({"reactions:write"}),  # DOCS reactions.add
    "files.uploadV2": frozenset({"files:write"}),  # DOCS files.upload (v2)
    # Socket Mode: the app-level token's connections:write, not a bot scope.
    "apps.connections.open": frozenset(),
}
# Event -> bot scope, from https://docs.slack.dev/reference/events/<event> ("Required scopes").
EVENT_SCOPES: dict[str, str] = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.mpim": "mpim:history",
}
# What bolt's listener arguments call: `say` posts with chat.postMessage; `respond` posts to the
# command's response_url, which is no Web API method and needs no scope.
LISTENER_CALLS = {"say": "chat.postMessage"}


def web_api_names() -> dict[str, str]:
    """slack_sdk's client method name -> Web API method (`chat_postMessage` -> `chat.postMessage`),
    read from each method's own `api_call("…")`."""
    names: dict[str, str] = {}
    for attr, fn in inspect.getmembers(AsyncWebClient, inspect.iscoroutinefunction):
        found = re.search(r'api_call\(\s*"([\w.]+)"', inspect.getsource(fn))
        if found and not attr.startswith("_") and attr != "api_call":
            names[attr] = found.group(1)
    return names


def called_methods(source: str, names: dict[str, str]) -> set[str]:
    """The Web API methods a module's source calls."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in names:
            found.add(names[func.attr])
        elif isinstance(func, ast.Attribute) and func.attr == "api_call" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
        elif isinstance(func, ast.Name) and func.id in LISTENER_CALLS:
            found.add(LISTENER_CALLS[func.id])
    return found


def listened(source: str, kind: str) -> set[str]:
    """What `@app.<kind>("…")` decorators listen to: events, commands, views."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.AsyncFunctionDef | ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if (
                isinstance(deco, ast.Call)
                and isinstance(deco.func, ast.Attribute)
                and deco.func.attr == kind
                and deco.args
                and isinstance(deco.args[0], ast.Constant)
            ):
                found.add(str(deco.args[0].value))
    return found


def sources() -> Iterable[str]:
    for top in SOURCES:
        for path in sorted((REPO / top).rglob("*.py")):
            yield path.read_text(encoding="utf-8")


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def needed_scopes(methods: set[str], events: set[str]) -> set[str]:
    unknown = sorted(methods - METHOD_SCOPES.keys())
    assert not unknown, f"add {unknown} to METHOD_SCOPES with the scopes Slack's docs require"
    return {s for m in methods for s in METHOD_SCOPES[m]} | {EVENT_SCOPES[e] for e in events}


def subscribed(events_in_code: set[str]) -> set[str]:
    """The manifest subscriptions the code's listeners need: bolt's `message` listener hears
    message.im (the bot answers direct messages only)."""
    return {"message.im" if e == "message" else e for e in events_in_code}


def code_calls() -> set[str]:
    names = web_api_names()
    return set().union(*(called_methods(src, names) for src in sources()))


def code_listens(kind: str) -> set[str]:
    return set().union(*(listened(src, kind) for src in sources()))


def test_the_scanner_finds_the_calls_the_bot_makes() -> None:
    # The outbox's sender and the answers (say), and the announce form.
    assert {"chat.postMessage", "views.open"} <= code_calls()
    assert {"app_mention", "message"} <= code_listens("event")


def test_the_manifest_asks_for_every_scope_the_code_needs_and_no_other() -> None:
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    events = set(manifest()["settings"]["event_subscriptions"]["bot_events"])
    needed = needed_scopes(code_calls(), events) | {"commands"}
    assert needed - granted == set(), "scopes the code needs that manifest.yml lacks"
    assert granted - needed == set(), "scopes manifest.yml asks for that no code uses"


def test_every_event_listened_to_is_subscribed() -> None:
    events = set(manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert subscribed(code_listens("event")) == events


def test_commands_and_forms_are_declared() -> None:
    declared = {c["command"] for c in manifest()["features"]["slash_commands"]}
    assert code_listens("command") <= declared
    if code_listens("view"):  # a modal's submission arrives as an interaction
        assert manifest()["settings"]["interactivity"]["is_enabled"] is True


def test_members_can_write_to_the_bot_in_its_messages_tab() -> None:
    home = manifest()["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False
    assert "socket_mode_enabled" in manifest()["settings"]


@pytest.mark.parametrize(
    ("added", "missing"),
    [
        ("await client.users_lookupByEmail(email=e)", "users:read.email"),
        ("await client.conversations_open(users=u)", "im:write"),
        ('await client.api_call("users.info", params={})', "users:read"),
    ],
)
def test_a_call_added_without_its_scope_is_caught(added: str, missing: str) -> None:
    source = f"async def f(client, e, u):\n    {added}\n"
    methods = code_calls() | called_methods(source, web_api_names())
    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    events = set(manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert missing in needed_scopes(methods, events) - granted


def test_a_method_missing_from_the_table_is_caught() -> None:
    methods = called_methods("client.pins_add(channel=c)\n", web_api_names())
    assert methods == {"pins.add"}
    with pytest.raises(AssertionError, match="METHOD_SCOPES"):
        needed_scopes(methods, set())
