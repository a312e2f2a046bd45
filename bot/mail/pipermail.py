"""Addresses as Mailman 2's pipermail wrote them, back to `user@host`.

pipermail replaced "@" with a translated word (bot/mail/pipermail_words.py), so a Spanish
archive reads `From: juan en example.org (Juan Pérez)` and a Catalan one `juan a example.org`.
Only a host that looks like a domain (dot-separated labels ending in a name of letters) is
taken, so that `Juan en casa` is no address; a line that cannot be read gives None, and the
caller reports it (issue 19: a message whose author cannot be read is never dropped silently).
"""

from __future__ import annotations

import re

from bot.mail.pipermail_words import AT_WORDS, written_forms

# What Mailman 2's `as_text` writes when a message had no address at all (HyperArch.py).
PLACEHOLDER = "bogus@does.not.exist.com"

# pipermail writes one line per field; anything much longer is not one of its lines, and the
# cap keeps the pattern's cost bounded on hostile input.
_MAX_LINE = 998  # RFC 5322 section 2.1.1: the longest line a message may carry

_LOCAL = r"(?P<local>[\w!#$%&'*+/=?^`{|}~.-]+?)"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_TLD = r"(?:[^\W\d_]{2,63}|xn--[\w-]{1,59})"
_DOMAIN = rf"(?P<domain>(?:{_LABEL}\.)+{_TLD})"


def _after_space(form: str) -> str:
    """What follows the white space that starts a written form, as a pattern; white space
    inside matches any run of it, since header values reach us with theirs collapsed
    (bot/mail/headers.py)."""
    core = " ".join(form.split())
    if not core:
        return ""  # pt: the word is two spaces
    middle = r"\s+".join(re.escape(part) for part in core.split(" "))
    return middle + (r"\s+" if form[-1:].isspace() else "")


def _between() -> str:
    r"""Every language's word between the halves. The local part holds no white space, so the
    words that start with a space are tried only where a space is (one `\s+`, then the words,
    longest first so that " a bildua " wins over " a "); the few without one (fa, zh) are
    tried everywhere."""
    forms = {form for w in AT_WORDS for form in written_forms(w.word, w.charsets)}
    spaced = {_after_space(f) for f in forms if f[:1].isspace()}
    bare = {re.escape(f) for f in forms if not f[:1].isspace()}
    after = "|".join(sorted(spaced, key=lambda p: (-len(p), p)))  # "" (pt) sorts last
    return rf"\s+(?:{after})|" + "|".join(sorted(bare))


_OBSCURED = re.compile(rf"{_LOCAL}(?:{_between()}){_DOMAIN}(?=\s|\(|$)")
_WITH_NAME = re.compile(r"\s*(?:\((?P<name>.*)\))?\s*$", re.DOTALL)
_PLAIN = re.compile(rf"(?P<local>[^\s@<>()\",;:]+)@{_DOMAIN}(?=\s|\(|$)")
_ENVELOPE_DATE = re.compile(r"\s+\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}.*$")


def unobscured(text: str) -> tuple[str, int] | None:
    """(`user@host`, where the address ends in `text`) when `text` starts with an address
    pipermail obscured in any of its languages; None otherwise."""
    if len(text) > _MAX_LINE:
        return None
    match = _OBSCURED.match(text)
    if match is None:
        return None
    return f"{match.group('local')}@{match.group('domain')}", match.end()


def from_field(text: str) -> tuple[str, str] | None:
    """(display name, address) of a pipermail `From:` value, `address (Name)`, the address
    obscured or not; None when it is something else. The name is empty when pipermail wrote
    the address again in its place."""
    found = unobscured(text) or _plain(text)
    if found is None:
        return None
    address, end = found
    rest = _WITH_NAME.fullmatch(text, end)
    if rest is None:
        return None
    name = (rest.group("name") or "").strip()
    again = unobscured(name) or _plain(name)
    if again is not None and again[0] == address and not name[again[1] :].strip():
        name = ""
    return name, address


def separator_address(line: str) -> str | None:
    """The obscured address of an archive's `From user en host  Tue Feb 21 13:00:00 2023`
    line, unobscured; None for a plain envelope sender, which is not always the author."""
    if not line.startswith("From "):
        return None
    body = _ENVELOPE_DATE.sub("", line[5:].strip())
    found = unobscured(body)
    if found is None or body[found[1] :].strip():
        return None
    return found[0]


def _plain(text: str) -> tuple[str, int] | None:
    if len(text) > _MAX_LINE:
        return None
    match = _PLAIN.match(text)
    return (match.group(0), match.end()) if match else None
