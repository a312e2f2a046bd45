"""Nominations by Slack message, end to end (issue 9): the Secretariat opens a period, a member
nominates, the candidate accepts and declares, the Secretariat closes it (2021 elections rules)."""

from __future__ import annotations

from pathlib import Path

from bot.store import nominations as store
from tests.e2e.slack_helpers import running_slack_bot

MARIA, JOAO, KEISHA, LUPE, ANDRES, SECRETARY = (
    "U0000001",
    "U0000003",
    "U0000005",
    "U0000006",
    "U0000007",
    "U0000009",
)


async def test_a_nomination_from_opening_to_acclamation(tmp_path: Path) -> None:
    async with running_slack_bot(
        tmp_path, announce_address="list@example.org", outbound_smtp_host="127.0.0.1"
    ) as bot:
        # The example rotation gives the NomCom delegate to sub-region A (Central America, Mexico) in 2026.
        _, text = await bot.command(MARIA, "open nomcom-delegate")
        assert "Only the Secretariat" in text
        _, text = await bot.command(SECRETARY, "abrir nomcom-delegate 10")
        assert "Las nominaciones para nomcom-delegate están abiertas hasta" in text

        _, text = await bot.command(MARIA, f"nominar <@{KEISHA}|keisha> nomcom-delegate")
        assert "Rechazado" in text and "subregión A" in text  # Jamaica is sub-region C
        _, text = await bot.command(MARIA, f"nominate <@{LUPE}|lupe> nomcom-delegate")
        assert "Nomination recorded: Guadalupe Hernández for nomcom-delegate" in text
        _, again = await bot.command(JOAO, f"nominate <@{LUPE}> nomcom-delegate")
        assert "already nominated" in again

        _, text = await bot.command(
            LUPE, "aceptar nomcom-delegate https://community.icann.org/soi/lupe"
        )
        assert "Antes de que la candidatura sea válida" in text and "1, 2, 3, 4 y 5" in text
        for number in range(1, 5):
            await bot.command(LUPE, f"declarar nomcom-delegate {number} no")
        _, text = await bot.command(LUPE, "declarar nomcom-delegate 5 no")
        assert text == "Su candidatura para nomcom-delegate es válida."

        _, listing = await bot.command(SECRETARY, "nominations")
        assert "Guadalupe Hernández (ALS-MX-01) — valid" in listing
        _, closed = await bot.command(SECRETARY, "close nomcom-delegate")
        assert "one valid candidate, Guadalupe Hernández, elected by acclamation" in closed
        [row] = await store.listing(bot.deps.store)
        assert row["state"] == "valid"
        async with bot.deps.store.execute(
            "SELECT count(*) FROM audit_log WHERE action LIKE 'nominations.%'"
        ) as cur:
            assert (await cur.fetchone())[0] >= 8


async def test_a_declared_conflict_refuses_the_candidacy(tmp_path: Path) -> None:
    async with running_slack_bot(tmp_path) as bot:
        await bot.command(SECRETARY, "open nomcom-delegate")
        await bot.command(MARIA, f"nominate <@{LUPE}> nomcom-delegate")
        await bot.command(LUPE, "accept nomcom-delegate https://example.org/soi")
        _, text = await bot.command(LUPE, "declare nomcom-delegate 3 yes")
        assert "Conflict of interest declared (number 3)" in text
        [row] = await store.listing(bot.deps.store)
        assert row["state"] == "refused"
        _, closed = await bot.command(SECRETARY, "close nomcom-delegate")
        assert "no valid candidate" in closed


async def test_nomination_needs_an_open_period_and_a_known_position(tmp_path: Path) -> None:
    async with running_slack_bot(tmp_path) as bot:
        _, text = await bot.command(MARIA, f"nominate <@{LUPE}> nomcom-delegate")
        assert "are not open" in text
        _, text = await bot.command(SECRETARY, "open president")
        assert "president is not a position" in text
        _, text = await bot.command(ANDRES, "nominate")
        assert text.startswith("Write: nominate @person position")


async def test_a_vacancy_is_filled_from_the_same_subregion(tmp_path: Path) -> None:
    # The example rotation has no secretary-elect election in 2026; in 2025 it went to sub-region B.
    async with running_slack_bot(tmp_path) as bot:
        _, text = await bot.command(SECRETARY, "open secretary-elect")
        assert "no sub-region for secretary-elect" in text
        _, text = await bot.command(SECRETARY, "vacante secretary-elect 7")
        assert "Las nominaciones para secretary-elect están abiertas hasta" in text
        _, text = await bot.command(
            MARIA, f"nominate <@{LUPE}> secretary-elect"
        )  # Mexico: sub-region A
        assert "sub-region B" in text
        _, text = await bot.command(MARIA, f"nominate <@{ANDRES}> secretary-elect")  # Colombia: B
        assert "Nomination recorded: Andrés Gómez" in text


def test_alac_seat_is_checked_against_the_sitting_member() -> None:
    from dataclasses import replace

    from bot.region import load_region
    from bot.services.nominations import seat_of

    region = load_region()
    positions = dict(region.positions)
    positions["alac-member-odd"] = replace(
        positions["alac-member-odd"], sitting_als="ALS-JM-01", sitting_nationality="JM"
    )
    seat = seat_of(replace(region, positions=positions), "alac-member-even", 2026)
    assert (
        seat.alac,
        seat.rotation_subregion,
        seat.sitting_alac_als,
        seat.sitting_alac_nationality,
    ) == (True, "C", "ALS-JM-01", "JM")
    assert seat_of(region, "nomcom-delegate", 2026).sitting_alac_als is None


async def test_a_period_closes_by_itself_at_its_end(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from bot.scheduler import Scheduler
    from bot.store import outbox

    moment = {"now": datetime(2026, 11, 24, 12, 0, tzinfo=UTC)}
    async with running_slack_bot(
        tmp_path,
        clock=lambda: moment["now"],
        outbound_smtp_host="127.0.0.1",
        announce_address="list@example.org",
    ) as bot:
        await bot.command(SECRETARY, "open nomcom-delegate 3")
        await bot.command(MARIA, f"nominate <@{LUPE}> nomcom-delegate")
        await bot.command(LUPE, "accept nomcom-delegate https://example.org/soi")
        for number in range(1, 6):
            await bot.command(LUPE, f"declare nomcom-delegate {number} no")
        moment["now"] += timedelta(days=3, minutes=1)
        await Scheduler(bot.deps, {}).tick()
        await Scheduler(bot.deps, {}).tick()  # once only
        closed = [
            r
            for r in await outbox.listing(bot.deps.store)
            if r["recipient"] == "list@example.org" and "nomcom-delegate" in (r["subject"] or "")
        ]
        assert len(closed) == 1
        async with bot.deps.store.execute(
            "SELECT payload FROM outbox WHERE outbox_id = ?", (closed[0]["outbox_id"],)
        ) as cur:
            text = (await cur.fetchone())[0]
        assert "elected by acclamation" in text and "electo por aclamación" in text
