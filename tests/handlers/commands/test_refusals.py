"""Who may run a command is checked once, by the dispatcher; whose proxy or nomination it is, by
the services (`NotAuthorised`). Both are answered in the asker's language (issue 14)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from bot.deps import Deps
from bot.domain.errors import NotAuthorised
from bot.services import candidacies, elections, nominations
from bot.store import elections as election_store
from bot.store import nominations as nomination_store
from handlers import commands
from handlers.commands.event import CommandEvent
from tests.handlers.helpers import NOW, ask, member

MARIA = "maria.perez@example.org"  # representative of ALS-AR-01, Spanish
LUPE = "lupe.hernandez@example.org"  # representative of ALS-MX-01 (sub-region A), Spanish
KEISHA = "keisha.brown@example.org"  # representative of ALS-JM-01, English
CHAIR = "chair@example.org"


ROLE_CASES = [
    ("Secretariat only, asked in Spanish", KEISHA, "abrir nomcom-delegate", "Solo la Secretaría"),
    ("Secretariat only, asked in French", KEISHA, "fermer nomcom-delegate", "Seul le Secrétariat"),
    ("Secretariat only, asked in Portuguese", KEISHA, "divulgar", "Só a Secretaria"),
    ("Rule 1.1: the chair is no representative", CHAIR, "poder ALS-BR-01", "Solo un representante"),
]


@pytest.mark.parametrize(
    ("asker", "text", "expected"), [c[1:] for c in ROLE_CASES], ids=[c[0] for c in ROLE_CASES]
)
async def test_a_role_refusal_is_in_the_askers_language(
    deps: Deps, asker: str, text: str, expected: str
) -> None:
    assert (await ask(deps, asker, text)).startswith(expected)


async def test_a_role_refusal_changes_nothing(deps: Deps) -> None:
    await ask(deps, CHAIR, "proxy ALS-BR-01")
    await ask(deps, KEISHA, "open nomcom-delegate")
    assert await election_store.proxies(deps.store) == []
    assert (
        await nomination_store.open_period_for(deps.store, "nomcom-delegate", "2026-11-25") is None
    )


async def test_strangers_are_told_to_ask_the_secretariat_whatever_they_ask(deps: Deps) -> None:
    for text in ("poder ALS-BR-01", "abrir nomcom-delegate", "estado"):
        assert "pida a la Secretaría" in await ask(deps, None, text)


async def test_a_proxy_for_someone_elses_als_is_not_authorised(deps: Deps) -> None:
    maria = await member(deps, MARIA)
    with pytest.raises(NotAuthorised):  # Rule 1.1: she represents ALS-AR-01, not ALS-BR-01
        await elections.record_proxy(
            deps.store, deps.region, "ALS-BR-01", "ALS-HT-01", NOW, None, "t", by=maria
        )
    with pytest.raises(NotAuthorised):
        await elections.revoke_proxy(deps.store, "ALS-BR-01", NOW, "t", by=maria)
    assert await election_store.proxies(deps.store) == []


async def _lupe_nominated(deps: Deps) -> None:
    await nominations.open_round(
        deps.store,
        deps.region,
        deps.settings,
        ["nomcom-delegate"],
        NOW + timedelta(days=14),
        NOW,
        "t",
    )
    await candidacies.nominate(
        deps.store,
        deps.region,
        deps.settings,
        await member(deps, MARIA),
        await member(deps, LUPE),
        "nomcom-delegate",
        NOW,
    )


async def test_someone_elses_nomination_is_not_authorised(deps: Deps) -> None:
    await _lupe_nominated(deps)
    maria, lupe = await member(deps, MARIA), await member(deps, LUPE)
    with pytest.raises(NotAuthorised):  # nobody speaks for another
        await candidacies.step_back(
            deps.store,
            deps.region,
            deps.settings,
            lupe,
            "nomcom-delegate",
            "withdrawn",
            NOW,
            by=maria,
        )
    with pytest.raises(NotAuthorised):
        await candidacies.accept(
            deps.store,
            deps.region,
            deps.settings,
            lupe,
            "nomcom-delegate",
            "https://x.org",
            NOW,
            by=maria,
        )
    [row] = await nomination_store.listing(deps.store)
    assert row["state"] == "proposed"


async def test_not_authorised_is_answered_in_the_askers_language(deps: Deps) -> None:
    """A command that would name someone else's nomination gets the service's refusal."""
    await _lupe_nominated(deps)
    lupe = await member(deps, LUPE)

    async def withdraw_lupe(deps: Deps, event: CommandEvent) -> str:
        assert event.member is not None
        await candidacies.step_back(
            deps.store,
            deps.region,
            deps.settings,
            lupe,
            "nomcom-delegate",
            "withdrawn",
            NOW,
            by=event.member,
        )
        return "withdrawn"

    spec = replace(commands.spec_for("withdraw"), handler=withdraw_lupe)
    event = CommandEvent(
        commands.parse("retirar nomcom-delegate"), await member(deps, MARIA), "slack"
    )
    answer = await commands.answer(deps, event, spec)
    assert answer.startswith("No permitido: Solo Guadalupe Hernández responde")
    [row] = await nomination_store.listing(deps.store)
    assert row["state"] == "proposed"
