"""A vote that can be trusted end to end (issue 17): from `open` through nominations, acceptance
and `close`, the roll published before the vote, the tally bound to the valid candidacies, the
result published with each candidate's outcome, and the public results page (2021 elections
rules, seed 002; Rules of Procedure 1.4-1.6 and 12.9, seeds 003 and 004)."""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.errors import RuleViolation
from bot.domain.tally import Ballot
from bot.services import draws, votes
from bot.services.votes import VoteRef
from bot.store import nominations as nomination_store
from tests.e2e.test_nominations import (
    ANDRES,
    JB,
    JOAO,
    KEISHA,
    LUPE,
    MARIA,
    SECRETARY,
    a_round,
)

EVEN = VoteRef("position", "alac-member-even")


def ballots(*rows: tuple[str, str]) -> list[Ballot]:
    return [Ballot(line, als, choice) for line, (als, choice) in enumerate(rows, start=2)]


async def _two_candidates_for_the_even_alac_seat(r) -> None:  # type: ignore[no-untyped-def]
    bot = r.bot
    await bot.command(SECRETARY, "ouvrir membre de l'ALAC années paires 2026-12-15")
    await bot.command(MARIA, f"nominate <@{KEISHA}> alac member")
    await bot.command(JOAO, f"indicar <@{JB}> membro do alac")
    for who in (KEISHA, JB):
        _, text = await bot.command(who, "accept alac member https://example.org/soi none")
        assert "is valid" in text
    _, text = await bot.command(SECRETARY, "close alac member")
    assert "There will be an election" in text or "election" in text


async def test_from_the_call_to_the_published_result(tmp_path: Path) -> None:
    async with a_round(tmp_path) as r:
        bot, conn, region = r.bot, r.bot.deps.store, r.bot.deps.region
        await _two_candidates_for_the_even_alac_seat(r)

        # Point 7: the roll is published before the vote opens, with its hash.
        opens = r.moment["now"] + timedelta(days=1)
        published = await votes.publish_roll(conn, region, EVEN, opens, r.moment["now"], "t")
        assert len(published.roll["voters"]) == 6 and len(published.roll_hash) == 64

        # Point 1: names match without accents, hyphens or case; an abstention in Spanish; a
        # name that is not a valid candidate, or a first name alone, makes the ballot invalid.
        # (Rosa Quispe is no candidate; Jean-Baptiste's nomination is valid, Keisha's too.)
        cast = ballots(
            ("ALS-AR-01", "keisha brown"),
            ("ALS-BR-01", "Jean Baptiste Etienne"),
            ("ALS-HT-01", "Jean-Baptiste Étienne"),
            ("ALS-JM-01", "abstención"),
            ("ALS-CO-01", "Rosa Quispe"),
            ("ALS-MX-01", "Keisha"),
        )
        # The roll is frozen: a tally long after uses the published roll, not that day's.
        counted = await votes.count_vote(conn, region, cast, EVEN, datetime(2099, 1, 1))
        assert counted.roll_hash == published.roll_hash
        assert counted.tally.required == 3  # 50% of the 6 ALSs on the published roll
        assert [(i.line, i.reason.key) for i in counted.invalid] == [
            (6, "election.invalid.not_a_candidate"),
            (7, "election.invalid.not_a_candidate"),
        ]
        assert counted.tally.present == 4 and counted.tally.quorum_met
        data = votes.counted_json(counted, region)
        assert [(x["choice"], x["votes"]) for x in data["results"]] == [
            ("Jean-Baptiste Étienne", 2),
            ("Keisha Brown", 1),
        ]
        assert data["winner"] == "Jean-Baptiste Étienne"
        assert data["invalid"][0]["line"] == 6 and data["roll"]["published"] is True
        assert {b["als_id"] for b in data["ballots"]} == {
            "ALS-AR-01",
            "ALS-BR-01",
            "ALS-HT-01",
            "ALS-JM-01",
        }

        await votes.publish_result(
            conn, region, bot.deps.settings, "ALAC 2026", counted, data, None, r.moment["now"], "t"
        )
        outcomes = {
            row["candidate"]: row["outcome"] for row in await nomination_store.listing(conn)
        }
        assert outcomes == {"Jean-Baptiste Étienne": "elected", "Keisha Brown": "not-elected"}
        async with bot.session.get(bot.url + "/election/results?lang=es") as resp:
            page = await resp.text()
        assert "ALAC 2026" in page and "Jean-Baptiste Étienne" in page and "abstención" in page
        assert published.roll_hash in page  # the roll it used
        async with bot.session.get(bot.url + "/election/roll?lang=fr") as resp:
            roll_page = html.unescape(await resp.text())
        assert published.roll_hash in roll_page and "Membre de l'ALAC (années paires)" in roll_page
        async with bot.session.get(bot.url + "/candidates?lang=en") as resp:
            candidates_page = await resp.text()
        assert "elected" in candidates_page and "not elected" in candidates_page
        assert "to a vote" not in candidates_page  # the round says how it ended


async def test_an_acclaimed_position_has_no_vote(tmp_path: Path) -> None:
    async with a_round(tmp_path) as r:
        bot, conn, region = r.bot, r.bot.deps.store, r.bot.deps.region
        await bot.command(SECRETARY, "open nomcom delegate 10")
        await bot.command(MARIA, f"nominate <@{LUPE}> nomcom delegate")
        await bot.command(LUPE, "accept nomcom delegate https://example.org/soi none")
        with pytest.raises(RuleViolation) as still_open:
            await votes.count_vote(
                conn, region, [], VoteRef("position", "nomcom-delegate"), r.moment["now"]
            )
        assert still_open.value.reason.key == "election.vote.still_open"
        await bot.command(SECRETARY, "close nomcom delegate")
        with pytest.raises(RuleViolation) as acclaimed:
            await votes.count_vote(
                conn, region, [], VoteRef("position", "nomcom-delegate"), r.moment["now"]
            )
        assert acclaimed.value.reason.key == "election.vote.acclaimed"
        with pytest.raises(RuleViolation):
            await votes.publish_roll(
                conn,
                region,
                VoteRef("position", "nomcom-delegate"),
                r.moment["now"],
                r.moment["now"],
                "t",
            )
        _ = ANDRES


async def test_a_motion_passes_on_more_weighted_yes_than_no(tmp_path: Path) -> None:
    async with a_round(tmp_path) as r:
        conn, region = r.bot.deps.store, r.bot.deps.region
        motion = VoteRef("motion", "Adopt the 2027 workplan")
        cast = ballots(
            ("ALS-AR-01", "sí"),
            ("ALS-BR-01", "sim"),
            ("ALS-HT-01", "non"),
            ("ALS-JM-01", "abstain"),
            ("ALS-CO-01", "maybe"),
        )
        counted = await votes.count_vote(conn, region, cast, motion, r.moment["now"])
        assert counted.motion is not None and counted.motion["passed"] is True
        assert counted.motion["reading"] == "same-coefficients"
        assert [i.line for i in counted.invalid] == [6]
        tie = ballots(
            ("ALS-AR-01", "yes"),
            ("ALS-BR-01", "no"),
            ("ALS-HT-01", "abstain"),
            ("ALS-JM-01", "abstain"),
        )
        counted = await votes.count_vote(conn, region, tie, motion, r.moment["now"])
        assert counted.motion is not None and counted.motion["passed"] is False  # a tie fails


async def test_a_tie_after_the_second_ballot_is_drawn_with_the_committed_seed(
    tmp_path: Path,
) -> None:
    async with a_round(tmp_path) as r:
        conn, region = r.bot.deps.store, r.bot.deps.region
        await _two_candidates_for_the_even_alac_seat(r)
        digest = await draws.commit_seed(
            conn,
            "position",
            "alac-member-even",
            "lacralo-2026-12-01",
            "the LACRALO list",
            r.moment["now"],
            "t",
        )
        tie = ballots(
            ("ALS-AR-01", "Keisha Brown"),
            ("ALS-BR-01", "Jean-Baptiste Étienne"),
            ("ALS-HT-01", "abstain"),
            ("ALS-JM-01", "abstain"),
        )
        seed = await draws.seed_for(conn, "position", "alac-member-even", None, None)
        assert seed is not None and seed.seed_hash == digest
        counted = await votes.count_vote(
            conn, region, tie, EVEN, r.moment["now"], second_ballot=True, seed=seed.seed
        )
        assert counted.tally.draw is not None and counted.tally.winner == counted.tally.draw.drawn
        data = votes.counted_json(counted, region, seed)
        assert data["draw"]["committed"] is True and data["draw"]["source"] == "the LACRALO list"
        assert data["draw"]["algorithm"].startswith("sha256")


async def test_the_named_readings_decide_and_say_so(tmp_path: Path) -> None:
    """Seed 004's single-candidate poll for an ALAC seat (NO more than half of YES + NO restarts
    the call), a secret ballot (only who voted is published), and both counted as the region file
    says."""
    from dataclasses import replace

    from bot.services import nominations as rounds

    async with a_round(tmp_path) as r:
        bot, conn, region = r.bot, r.bot.deps.store, r.bot.deps.region
        poll_region = replace(
            region,
            election_policy=region.election_policy
            | {"single_candidate": "alac-poll", "ballot_secrecy": "secret"},
        )
        await bot.command(SECRETARY, "open alac member even 10")
        await bot.command(MARIA, f"nominate <@{KEISHA}> alac member")
        await bot.command(KEISHA, "accept alac member https://example.org/soi none")
        closed = await rounds.close_period(
            conn, poll_region, bot.deps.settings, "alac-member-even", r.moment["now"], "t"
        )
        assert closed.outcome.value == "single-candidate-poll"
        cast = ballots(
            ("ALS-AR-01", "no"),
            ("ALS-BR-01", "não"),
            ("ALS-HT-01", "oui"),
            ("ALS-JM-01", "abstain"),
        )
        counted = await votes.count_vote(conn, poll_region, cast, EVEN, r.moment["now"])
        assert counted.motion is not None and counted.motion["poll"] is True
        assert counted.motion["restart"] is True and counted.motion["reading"] == "weighted"
        data = votes.counted_json(counted, poll_region)
        assert data["secrecy"] == "secret" and "ballots" not in data
        assert data["voted"] == ["ALS-AR-01", "ALS-BR-01", "ALS-HT-01", "ALS-JM-01"]
        even = ballots(("ALS-AR-01", "no"), ("ALS-BR-01", "yes"), ("ALS-HT-01", "abstain"))
        counted = await votes.count_vote(conn, poll_region, even, EVEN, r.moment["now"])
        assert counted.motion is not None and counted.motion["confirmed"] is True  # a tie confirms


def test_a_reading_the_bot_does_not_know_is_refused_when_the_region_loads(tmp_path: Path) -> None:
    from bot.region import DEFAULT_REGION_FILE, RegionError, load_region

    text = DEFAULT_REGION_FILE.read_text(encoding="utf-8").replace(
        "ballot_secrecy: open", "ballot_secrecy: anonymous"
    )
    bad = tmp_path / "region.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RegionError, match="ballot_secrecy"):
        load_region(bad)


async def test_a_proxy_counts_in_the_vote_it_names_only(tmp_path: Path) -> None:
    """Rules 1.5-1.6 and issue 17.3: Jamaica's representative gives its vote for the ALAC seat
    to Haiti by chat; Haiti casts it there, and the same row in a motion is refused."""
    async with a_round(tmp_path) as r:
        bot, conn, region = r.bot, r.bot.deps.store, r.bot.deps.region
        await _two_candidates_for_the_even_alac_seat(r)
        _, text = await bot.command(KEISHA, "proxy ALS-HT-01 alac member even")
        assert "ALAC Member (even years) only" in text
        opens = r.moment["now"] + timedelta(days=1)
        await votes.publish_roll(conn, region, EVEN, opens, r.moment["now"], "t")
        cast = [
            Ballot(2, "ALS-JM-01", "Jean-Baptiste Étienne", "ALS-HT-01"),
            Ballot(3, "ALS-HT-01", "Jean-Baptiste Étienne"),
            Ballot(4, "ALS-AR-01", "Keisha Brown"),
        ]
        counted = await votes.count_vote(conn, region, cast, EVEN, opens)
        assert counted.tally.refused == [] and counted.tally.winner == "Jean-Baptiste Étienne"
        motion = VoteRef("motion", "Budget 2027")
        yes = [Ballot(2, "ALS-JM-01", "yes", "ALS-HT-01"), Ballot(3, "ALS-HT-01", "yes")]
        counted = await votes.count_vote(conn, region, yes, motion, opens)
        assert [r.line for r in counted.tally.refused] == [2]


async def test_second_ballots_ties_and_republishing_hold_to_the_rules(tmp_path: Path) -> None:
    """Found in review: a tie decides nobody's outcome; the second ballot is among the tied only;
    a published result is not replaced; a motion has no winner; an empty or past roll is not
    published."""
    async with a_round(tmp_path) as r:
        conn, region, settings = r.bot.deps.store, r.bot.deps.region, r.bot.deps.settings
        await _two_candidates_for_the_even_alac_seat(r)
        now = r.moment["now"]
        with pytest.raises(RuleViolation) as past:
            await votes.publish_roll(conn, region, EVEN, now - timedelta(days=2), now, "t")
        assert past.value.reason.key == "election.opens_past"
        with pytest.raises(RuleViolation) as empty:
            await votes.publish_roll(
                conn, region, EVEN, datetime(2999, 1, 1, tzinfo=now.tzinfo), now, "t"
            )
        assert empty.value.reason.key == "election.opens_far"
        await votes.publish_roll(conn, region, EVEN, now + timedelta(hours=1), now, "t")
        tie = ballots(
            ("ALS-AR-01", "Keisha Brown"),
            ("ALS-BR-01", "Jean-Baptiste Étienne"),
            ("ALS-HT-01", "abstain"),
        )
        first = await votes.count_vote(conn, region, tie, EVEN, now)
        assert first.tally.tied == ["Jean-Baptiste Étienne", "Keisha Brown"]
        data = votes.counted_json(first, region)
        await votes.publish_result(conn, region, settings, "ALAC", first, data, None, now, "t")
        assert {row["outcome"] for row in await nomination_store.listing(conn)} == {None}
        with pytest.raises(RuleViolation) as again:
            await votes.publish_result(conn, region, settings, "ALAC", first, data, None, now, "t")
        assert again.value.reason.key == "election.already_published"
        second = await votes.count_vote(
            conn, region, tie, EVEN, now, second_ballot=True, seed="lacralo-seed"
        )
        assert second.second_among == ["Jean-Baptiste Étienne", "Keisha Brown"]
        assert second.tally.draw is not None and second.tally.winner == second.tally.draw.drawn
        motion = VoteRef("motion", "Budget")
        split = ballots(("ALS-AR-01", "yes"), ("ALS-BR-01", "no"), ("ALS-HT-01", "abstain"))
        counted = await votes.count_vote(conn, region, split, motion, now)
        assert counted.tally.winner is None and counted.tally.tied == []
        assert counted.motion is not None and counted.motion["passed"] is False


async def test_declined_and_refused_nominees_are_not_choices(tmp_path: Path) -> None:
    """Issue 17.1: a nominee who declined, or whose nomination was refused (a conflict declared),
    is not a choice: a ballot naming them is invalid, never a vote for a new candidate."""
    async with a_round(tmp_path) as r:
        bot, conn, region = r.bot, r.bot.deps.store, r.bot.deps.region
        await bot.command(SECRETARY, "open alac member even 10")
        await bot.command(MARIA, f"nominate <@{KEISHA}> alac member")
        await bot.command(JOAO, f"nominate <@{JB}> alac member")
        await bot.command(KEISHA, "accept alac member https://example.org/soi none")
        await bot.command(JB, "accept alac member https://example.org/soi")
        await bot.command(JB, "declare alac member 2 yes")  # refused: a conflict
        _, text = await bot.command(SECRETARY, "close alac member")
        assert "acclamation" in text  # one valid candidate left
        with pytest.raises(RuleViolation):
            await votes.count_vote(conn, region, [], EVEN, r.moment["now"])
        await bot.command(SECRETARY, "open nomcom delegate 10")
        await bot.command(MARIA, f"nominate <@{LUPE}> nomcom delegate")
        await bot.command(LUPE, "decline nomcom delegate")
        await bot.command(SECRETARY, "close nomcom delegate")
        free = VoteRef("free")
        counted = await votes.count_vote(
            conn,
            region,
            ballots(("ALS-AR-01", "Guadalupe Hernández"), ("ALS-BR-01", "A")),
            free,
            r.moment["now"],
            candidates=["A", "B"],
        )
        assert [i.line for i in counted.invalid] == [2]


async def test_a_motion_under_the_recap_each_side_reading(tmp_path: Path) -> None:
    """Rule 12.9(e) read literally: each side of a motion weighted on its own, said."""
    from dataclasses import replace

    async with a_round(tmp_path) as r:
        conn, region = r.bot.deps.store, r.bot.deps.region
        recap = replace(
            region, election_policy=region.election_policy | {"motion_sides": "recap-each-side"}
        )
        cast = ballots(("ALS-AR-01", "yes"), ("ALS-BR-01", "no"), ("ALS-HT-01", "oui"))
        counted = await votes.count_vote(conn, recap, cast, VoteRef("motion", "M"), r.moment["now"])
        assert counted.motion is not None
        assert counted.motion["reading"] == "recap-each-side" and counted.motion["passed"] is True
        assert counted.motion["yes"] > counted.motion["no"] > 0
