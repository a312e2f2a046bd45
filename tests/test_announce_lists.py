"""Announcement lists per language (issue 18): `LACRALO_ANNOUNCE_ADDRESS` takes `lang:address`
entries (that list gets that language) and plain addresses (every language); a nomination round's
call then reaches the English list in English and the Spanish list in Spanish."""

from __future__ import annotations

from pathlib import Path

from bot.services.outbox import announcement_channels, for_language
from bot.settings import Settings
from tests.e2e.test_nominations import SECRETARY, a_round


def test_the_setting_names_a_list_per_language_or_for_all() -> None:
    settings = Settings(
        announce_address="en:lac-discuss-en@example.org, es:lac-discuss-es@example.org,"
        " all@example.org",  # type: ignore[call-arg]
        announce_channel="C1",
    )
    assert announcement_channels(settings) == [
        ("lac-discuss-en@example.org", None, "en"),
        ("lac-discuss-es@example.org", None, "es"),
        ("all@example.org", None),
        (None, "C1"),
    ]
    payload = {"subject": "S", "text": "EN\n\nES", "parts": {"en": "EN", "es": "ES"}}
    assert for_language(payload, "es")["text"] == "ES"
    assert for_language(payload, "fr") == payload  # no French part: the whole
    assert for_language(payload, None) == payload


async def test_each_list_gets_its_language(tmp_path: Path) -> None:
    async with a_round(
        tmp_path,
        announce_address="en:lac-discuss-en@example.org, es:lac-discuss-es@example.org",
    ) as r:
        await r.bot.command(SECRETARY, "open nomcom delegate 10")
        await r.deliver()
        [english] = r.mails_to("lac-discuss-en@example.org")
        [spanish] = r.mails_to("lac-discuss-es@example.org")
        assert "call for nominations is open" in english and "llamado" not in english
        assert "se abre el llamado a nominaciones" in spanish and "call for" not in spanish
        assert any("se abre el llamado" in post for post in r.posts())  # the channel: all
