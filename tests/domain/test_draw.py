"""The draw after a second ballot that still ties (2021 elections rules, the voting process 6, seed
002; issue 17, point 4): the same seed and names draw the same name, however `--among` was typed,
and anyone can redo it by hand from the published seed."""

from __future__ import annotations

import hashlib

import pytest

from bot.domain.draw import ALGORITHM, draw, names_in_order, seed_hash

SEED = "LACRALO-2026-chair-elect"
ORDER = ("João Araújo", "Keisha Brown", "María Pérez")


@pytest.mark.parametrize(
    "among",
    [
        ["María Pérez", "João Araújo", "Keisha Brown"],
        ["Keisha Brown", "María Pérez", "João Araújo"],
        ["João Araújo", "maria perez", "Keisha Brown", "María Pérez", "keisha BROWN"],  # twice
        [" María  Pérez ", "Joa\u0303o Arau\u0301jo", "Keisha Brown", ""],  # spaces, NFD, blank
    ],
)
def test_the_same_names_in_any_order_draw_the_same(among: list[str]) -> None:
    """Case and accents sort and deduplicate; the names hashed are as written (NFC), so a name
    written twice keeps one form: the first of its forms in code-point order."""
    assert draw(SEED, among) == draw(SEED, list(ORDER))


@pytest.mark.parametrize(
    ("among", "kept"),
    [
        (["maria perez", "María Pérez"], ("María Pérez",)),  # ties go to the NFC text's order
        (["María Pérez", "maria perez"], ("María Pérez",)),
        (["Zoë", "zoe", "Ana"], ("Ana", "Zoë")),  # Zoë < zoe: "Z" before "z"
        (["Ángel", "Ana", "Beto"], ("Ana", "Ángel", "Beto")),  # not code-point order (Á > B)
    ],
)
def test_duplicates_keep_one_form_and_sorting_ignores_accents(
    among: list[str], kept: tuple[str, ...]
) -> None:
    assert names_in_order(among) == kept


def test_recomputed_by_hand_from_the_published_seed() -> None:
    result = draw(SEED, ["María Pérez", "João Araújo", "Keisha Brown"])
    assert result.order == ORDER and result.seed == SEED and result.algorithm == ALGORITHM
    digest = hashlib.sha256((SEED + "\n" + "\n".join(ORDER)).encode("utf-8")).hexdigest()
    assert result.digest == digest
    assert result.index == int(digest, 16) % 3 and result.drawn == ORDER[result.index]


def test_the_committed_hash_is_the_sha256_of_the_seed() -> None:
    assert seed_hash(SEED) == hashlib.sha256(SEED.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("among", [[], [""], ["  ", ""]])
def test_a_draw_without_names_is_refused(among: list[str]) -> None:
    with pytest.raises(ValueError):
        draw(SEED, among)
