"""A share is shown as text (issue 20, point 6): Slack's mentions notify nobody, a disguised link
shows its real address, nothing a member writes can start a line of its own or take over the
place it is shown in; and a member shares at most a few activities a day."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.share_limit import SHARES_PER_DAY, WINDOW, next_share_at
from bot.texts import notices
from bot.texts.slack_markup import for_slack, plain, slack_escape

CASES = [
    # (what Slack sent, what mail and pages show)
    ("Taller <!channel> hoy", "Taller @channel hoy"),
    ("<!here> y <!everyone>", "@here y @everyone"),
    ("<!here|here>", "@here"),
    ("equipo <!subteam^S0123|@comms>", "equipo @comms"),
    ("equipo <!subteam^S0123>", "equipo @S0123"),
    ("gracias <@U0000001>", "gracias @U0000001"),
    ("gracias <@U0000001|maria>", "gracias @maria"),
    ("en <#C0ANNOUNCE|general>", "en #general"),
    ("en <#C0ANNOUNCE>", "en #C0ANNOUNCE"),
    ("<!date^1392734382^{date}|18 Feb 2014>", "18 Feb 2014"),
    # A disguised link shows where it really goes.
    ("<https://evil.example/x|https://icann.org>", "https://icann.org (https://evil.example/x)"),
    ("<http://evil.example|el informe>", "el informe (http://evil.example)"),
    ("<https://icann.org|icann.org>", "https://icann.org"),  # Slack's own link of a typed address
    ("<https://icann.org>", "https://icann.org"),
    ("<mailto:a@example.org|a@example.org>", "a@example.org"),
    ("<mailto:a@example.org|escríbanos>", "escríbanos (mailto:a@example.org)"),
    # Slack's escaping of the three control characters, decoded for mail.
    ("1 &lt; 2 &amp;&amp; 3 &gt; 2", "1 < 2 && 3 > 2"),
    ("&lt;!channel&gt;", "<!channel>"),  # typed literally: text, and escaped again for Slack
    # Mail has no Slack markup: `<b>` stays the text it is.
    ("<b>negrita</b>", "<b>negrita</b>"),
    # No line of its own ("- Another ALS: ..."), no reversed text.
    ("uno\n- Otra ALS: falso", "uno - Otra ALS: falso"),
    ("a\r\nb\tc", "a b c"),
    ("abc\u202eevil\u2066x", "abc evil x"),
]


@pytest.mark.parametrize(("said", "shown"), CASES)
def test_a_share_is_shown_as_text(said: str, shown: str) -> None:
    assert plain(said) == shown
    assert for_slack(said) == slack_escape(shown)


@given(st.text(max_size=300))
def test_nothing_a_member_writes_reaches_slack_as_markup(said: str) -> None:
    """Whatever the text, Slack receives no control sequence (no `<`, `>`, bare `&`), so no
    mention and no disguised link; and it stays on one line."""
    sent = for_slack(said)
    assert "<" not in sent and ">" not in sent
    assert re.fullmatch(r"([^&]|&(amp|lt|gt);)*", sent, re.DOTALL)
    assert "\n" not in sent and "\r" not in sent
    assert "\n" not in plain(said)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=100))
def test_plain_words_are_left_as_written(words: str) -> None:
    if "<" in words or "&" in words or any(c.isspace() for c in words):
        return
    if re.search("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]", words):
        return
    assert plain(words) == words


def _share(text: str, who: str = "Asociación Ficticia de Usuarios de Internet") -> dict[str, str]:
    return {"who": who, "text": text, "created_at": "2026-11-05T10:00:00+00:00"}


def test_the_digest_shows_mentions_and_links_as_text_in_mail_and_on_slack() -> None:
    found = [
        _share("<!channel> taller <https://evil.example|https://icann.org> <@U0000003>"),
        _share("Q&A <!here>", who="Example Internet Users Society & Friends"),
    ]
    payload = notices.shares_digest(found, "2026-11", ["en", "es"], "LACRALO", "3:" + "a" * 64)
    for text in (payload["text"], *payload["parts"].values()):
        assert "<!" not in text and "<@" not in text and "|" not in text
        assert "@channel taller https://icann.org (https://evil.example) @U0000003" in text
        assert "Q&A @here" in text
    slack = payload["slack_text"]
    assert "<" not in slack and ">" not in slack
    assert "@channel taller https://icann.org (https://evil.example) @U0000003" in slack
    assert "Q&amp;A @here" in slack and "Users Society &amp; Friends" in slack
    assert "3:" + "a" * 64 in slack and "3:" + "a" * 64 in payload["text"]


NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def test_a_member_may_share_until_the_daily_allowance() -> None:
    recent = [NOW - timedelta(hours=h) for h in range(SHARES_PER_DAY - 1)]
    assert next_share_at(recent, NOW) is None


def test_past_the_allowance_the_answer_is_when_the_oldest_leaves_the_window() -> None:
    recent = [NOW - timedelta(hours=h) for h in (1, 2, 3, 4, 20)]
    assert next_share_at(recent, NOW) == NOW - timedelta(hours=20) + WINDOW


def test_shares_older_than_a_day_do_not_count() -> None:
    recent = [NOW - WINDOW - timedelta(seconds=1)] * 10 + [NOW - WINDOW]
    assert next_share_at(recent, NOW) is None


def test_a_burst_of_more_than_the_allowance_waits_for_the_right_one() -> None:
    """Ten shares (recorded before a limit, or at once): the member may share again when all but
    `limit - 1` of them have left the window."""
    recent = [NOW - timedelta(minutes=m) for m in range(10)]
    again = next_share_at(recent, NOW)
    assert again == NOW - timedelta(minutes=SHARES_PER_DAY - 1) + WINDOW
    inside = [t for t in recent if again - WINDOW < t]
    assert len(inside) == SHARES_PER_DAY - 1
