"""What a member wrote, as text and nothing more (issue 20, point 6).

Slack sends a command's text with its control sequences (Slack's "Formatting text for app
surfaces": `&`, `<` and `>` are control characters, escaped as `&amp;`, `&lt;`, `&gt;` in plain
text): `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^ID|@team>` notify people, `<@U…>`
and `<#C…>` name a member or a channel, `<https://real|shown>` shows one address and goes to
another. Shares are stored as said and made inert at every rendering:

- `plain`: for mail and pages -- mentions become their visible words (`@channel`, `@maria`),
  a link shows its real address (`shown (https://real)`), the entities are decoded, and line
  breaks and invisible direction controls cannot fake another line or reverse a name;
- `for_slack`: `plain` escaped again, so Slack shows it as written: with chat.postMessage's
  default `parse=none` a plain `@channel` notifies nobody and `&lt;` stays a `<`.
"""

from __future__ import annotations

import re

_SEQUENCE = re.compile(r"<([^<>\n]*)>")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SPECIAL = {"channel", "here", "everyone", "group"}
# Bidirectional overrides and isolates (U+202A-202E, U+2066-2069), marks, and control
# characters: they could show a name backwards or break a line the digest does not own.
_INVISIBLE = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\x00-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


def plain(text: str) -> str:
    """The text as a reader should see it, with no power over the place it is shown in."""
    shown = _SEQUENCE.sub(_visible, text)
    for entity, char in _ENTITIES:
        shown = shown.replace(entity, char)
    return _SPACES.sub(" ", _INVISIBLE.sub(" ", shown)).strip()


def slack_escape(text: str) -> str:
    """Escape Slack's three control characters, and nothing else (Slack decodes only these)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def for_slack(text: str) -> str:
    """`plain`, then escaped for a Slack message: shown as written, parsed as nothing."""
    return slack_escape(plain(text))


def _visible(match: re.Match[str]) -> str:
    inside = match.group(1)
    target, _, label = inside.partition("|")
    if target.startswith("!"):
        return _special(target[1:], label)
    if target.startswith("@"):
        return "@" + (label.lstrip("@") or target[1:])
    if target.startswith("#"):
        return "#" + (label.lstrip("#") or target[1:])
    if _SCHEME.match(target):
        return _link(target, label)
    return match.group(0)  # `<b>` typed in a mail: not Slack's, kept as the text it is


def _special(name: str, label: str) -> str:
    """`<!channel>` -> `@channel`; a user group or a date shows its label, never notifies."""
    word = name.split("^", 1)[0]
    if word in _SPECIAL:
        return "@" + word
    if word == "subteam":
        return "@" + (label.lstrip("@") or name.partition("^")[2])
    return label or word


def _link(url: str, label: str) -> str:
    """A link with its real address: the label when it says something else, then the address."""
    bare = url.split(":", 1)[1].lstrip("/") if url.lower().startswith(("http", "mailto")) else url
    if not label or label in (url, bare, bare.rstrip("/")):
        return bare if url.lower().startswith("mailto:") else url
    return f"{label} ({url})"
