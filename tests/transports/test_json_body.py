"""Hostile webhook bodies are refused cleanly, never a RecursionError (issue 20, part 2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.transports.json_body import MAX_DEPTH, BadBody, depth_exceeds, parse_object


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"", "not_json"),
        (b"{", "not_json"),
        (b"\xff\xfe", "not_json"),
        (b"[1, 2]", "not_object"),
        (b'"text"', "not_object"),
        (b"[" * 100_000, "too_deep"),
        (b'{"a":' + b"[" * 5_000 + b"]" * 5_000 + b"}", "too_deep"),
    ],
)
def test_refusals(body: bytes, why: str) -> None:
    with pytest.raises(BadBody) as refused:
        parse_object(body)
    assert refused.value.why == why


def test_brackets_inside_strings_do_not_count() -> None:
    text = '{"name": "' + "[" * 500 + '\\"{{{"}'
    assert not depth_exceeds(text)
    assert parse_object(text)["name"].startswith("[[[")


def test_depth_at_the_limit_is_read() -> None:
    text = '{"a":' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    assert parse_object(text) == {"a": _nested(MAX_DEPTH - 1)}


def _nested(levels: int) -> list[object]:
    value: list[object] = []
    for _ in range(levels - 1):
        value = [value]
    return value


@given(st.binary(max_size=2_000))
def test_any_bytes_give_an_object_or_a_clean_refusal(body: bytes) -> None:
    try:
        assert isinstance(parse_object(body), dict)
    except BadBody as refused:
        assert refused.why in ("not_json", "too_deep", "not_object")
