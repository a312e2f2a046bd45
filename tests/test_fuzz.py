"""Hostile and random input to the parsers and importers (issue 8): no crash, a clear rejection,
nothing stored that should not be."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.errors import BadInput
from bot.mail.post import UnreadableMessage, parse_post
from bot.region import load_region
from bot.services import roster as roster_service
from bot.store import open_store
from bot.transports.zoom import Rejected, decode, signature, verify

HOSTILE = [
    "'; DROP TABLE als; --",
    "Robert'); DELETE FROM person;--",
    "x\r\nBcc: victim@example.org",
    "<script>alert(1)</script>",
    "\u202eevil",
    "\x00",
    "🙂" * 50,
    "A" * 5000,
    "%{name}",
    "{{ 7*7 }}",
]
cells = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.sampled_from(
        ["AR", "BR", "XX", "", "2020-01-01", "2020-13-45", "representative", "a@b.org", "es"]
    ),
)
HEADER = (
    "als_id,als_name,country,accredited_on,language,role,name,email,slack_id,nationality,aliases"
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(cells, min_size=11, max_size=11), max_size=8), st.binary(max_size=200))
def test_roster_import_survives_anything(
    tmp_path: Path, rows: list[list[str]], junk: bytes
) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER.split(","))
    writer.writerows(rows)
    for data in (
        buffer.getvalue().encode("utf-8", "surrogatepass"),
        junk,
        HEADER.encode() + b"\n" + junk,
    ):
        asyncio.run(_import(tmp_path / "fuzz.db", data))


async def _import(path: Path, data: bytes) -> None:
    conn = await open_store(path)
    try:
        try:
            report = await roster_service.import_roster(
                conn, load_region(), data, "2026-01-01T00:00:00+00:00", "fuzz"
            )
        except BadInput:
            return
        # Whatever was accepted is stored as given; the tables are intact; the chain verifies.
        async with conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('als', 'person')"
        ) as cur:
            assert (await cur.fetchone())[0] == 2
        assert report.created + report.updated + report.unchanged + len(report.rejected) >= 0
        async with conn.execute("SELECT email FROM person") as cur:
            for (email,) in await cur.fetchall():
                assert "\n" not in email and "\r" not in email and "@" in email
    finally:
        await conn.close()


def test_sql_looking_names_are_stored_as_text(tmp_path: Path) -> None:
    row = 'ALS-1,"\'; DROP TABLE als; --",AR,2015-01-01,es,member,"Robert\'); DELETE FROM person;--",bobby@example.org,,,'

    async def go() -> list[tuple[str, str]]:
        conn = await open_store(tmp_path / "x.db")
        await roster_service.import_roster(
            conn, load_region(), (HEADER + "\n" + row).encode(), "t", "t"
        )
        async with conn.execute(
            "SELECT a.name, p.name FROM als a JOIN person p USING (als_id)"
        ) as cur:
            found = await cur.fetchall()
        await conn.close()
        return [tuple(r) for r in found]

    assert asyncio.run(go()) == [("'; DROP TABLE als; --", "Robert'); DELETE FROM person;--")]


def test_header_injection_in_a_name_is_refused_or_harmless() -> None:
    # A CR LF inside a name ends the header: what follows is another header, never part of a name.
    raw = b"From: Evil\r\nBcc: victim@example.org <evil@example.org>\r\nList-Id: <lac.example.org>\r\n\r\nbody"
    with pytest.raises(UnreadableMessage):  # "Evil" alone has no address: refused
        parse_post(raw)
    encoded = b"From: =?utf-8?q?Evil=0D=0ABcc=3A_x=40y.org?= <evil@example.org>\r\nList-Id: <lac.example.org>\r\n\r\n"
    post = parse_post(encoded)
    assert post.authors[0].address == "evil@example.org"


def test_deeply_nested_mime_and_huge_headers() -> None:
    nested = b"".join(
        f"--b{i}\r\nContent-Type: multipart/mixed; boundary=b{i + 1}\r\n\r\n".encode()
        for i in range(2000)
    )
    raw = (
        b"From: maria@example.org\r\nList-Id: <lac.example.org>\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
        + nested
    )
    assert parse_post(raw).authors[0].address == "maria@example.org"
    with pytest.raises(UnreadableMessage):
        parse_post(b"From: a@example.org\r\n" + b"X-Junk: " + b"x" * 400_000 + b"\r\n\r\n")
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(40_000))  # ~400 KB of headers
    with pytest.raises(UnreadableMessage):
        parse_post(b"From: a@example.org\r\n" + many + b"\r\n")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(
    json_values,
    st.sampled_from(
        [
            "meeting.participant_joined",
            "meeting.participant_left",
            "endpoint.url_validation",
            "meeting.started",
            "",
        ]
    ),
)
def test_webhook_decoder_rejects_or_decodes_but_never_crashes(payload: object, event: str) -> None:
    for body in (
        json.dumps({"event": event, "payload": payload}).encode(),
        json.dumps(payload).encode(),
    ):
        try:
            decode(body)
        except Rejected as exc:
            assert exc.why == "bad_payload"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.text(max_size=20), st.text(max_size=80))
def test_webhook_signature_check_refuses_anything_unsigned(
    body: bytes, timestamp: str, sig: str
) -> None:
    now = datetime.now(UTC)
    with pytest.raises(Rejected):
        verify("secret", {"x-zm-request-timestamp": timestamp, "x-zm-signature": sig}, body, now)
    ts = str(int(now.timestamp()))
    verify(
        "secret",
        {"x-zm-request-timestamp": ts, "x-zm-signature": signature("secret", ts, body)},
        body,
        now,
    )
