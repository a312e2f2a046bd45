"""`lacralo-bot backfill mbox`: pipermail archives, idempotent, with a summary."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

ARCHIVE = (
    "From maria.perez at example.org  Tue Feb 21 13:00:00 2023\n"
    "From: maria.perez at example.org (María Pérez)\n"
    "Date: Tue, 21 Feb 2023 10:00:00 -0300\n"
    "Subject: [lac-discuss-es] Hola\n"
    "Message-ID: <m1@example.org>\n"
    "\n"
    "Body.\n"
    "\n"
    "From joao.araujo at example.org  Wed Mar  1 09:30:00 2023\n"
    "From: joao.araujo at example.org (João Araújo)\n"
    "Subject: [lac-discuss-es] Re: Hola\n"
    "\n"
    "Reply, no Date and no Message-ID: the separator line dates it.\n"
    "\n"
    "From stranger at elsewhere.example  Thu Mar  2 10:00:00 2023\n"
    "From: stranger at elsewhere.example (Stranger)\n"
    "Message-ID: <m3@example.org>\n"
    "\n"
    "Who?\n"
    "\n"
    "From nobody  Fri Mar  3 10:00:00 2023\n"
    "Subject: no author at all\n"
    "\n"
    "x\n"
)


def test_pipermail_gz_backfill_is_idempotent_with_a_summary(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    archive = tmp_path / "2023-February.txt.gz"
    archive.write_bytes(gzip.compress(ARCHIVE.encode("utf-8")))
    args = ("backfill", "mbox", str(archive), "--list-id", "lac-discuss-es.atlarge-lists.icann.org")

    first = run_cli(tmp_path, *args)
    assert first.returncode == 1, first.stderr  # one message was unreadable, and it says so
    assert "4 messages found; 3 read (2 matched, 1 unmatched, 0 duplicates), 1 not read" in (
        first.stderr
    )
    assert "Line 21: message not read: no author address" in first.stderr

    second = run_cli(tmp_path, *args)
    assert "4 messages found; 3 read (0 matched, 0 unmatched, 3 duplicates), 1 not read" in (
        second.stderr
    )

    log = json.loads(run_cli(tmp_path, "participation", "--format", "json").stdout)
    assert [(e["als_id"], e["occurred_at"]) for e in log] == [
        ("ALS-AR-01", "2023-02-21T13:00:00+00:00"),
        ("ALS-BR-01", "2023-03-01T09:30:00+00:00"),
    ]
    queue = json.loads(run_cli(tmp_path, "participation", "--unmatched", "--format", "json").stdout)
    assert [q["address"] for q in queue] == ["stranger@elsewhere.example"]


def test_archive_without_list_id_needs_the_option(tmp_path: Path) -> None:
    archive = tmp_path / "plain.mbox"
    archive.write_text(ARCHIVE, encoding="utf-8")
    done = run_cli(tmp_path, "backfill", "mbox", str(archive))
    assert done.returncode == 1
    assert "4 not read" in done.stderr and "--list-id" in done.stderr
    # The author that cannot be read is named by its line; the List-Id missing from the three
    # others is said once, with what to run (it used to be one identical line per message).
    assert "Line 21: message not read: no author address" in done.stderr
    assert not any(f"Line {n}: message not read" in done.stderr for n in (1, 9, 15))
    assert done.stderr.count("List-Id") == 1, done.stderr
    assert "3 messages carry no List-Id header (the first at line 1)" in done.stderr
    assert "lacralo-bot backfill mbox FILE --list-id LIST-ID" in done.stderr
    again = run_cli(tmp_path, "backfill", "mbox", str(archive), "--list-id", "l.example.org")
    assert "4 messages found; 3 read" in again.stderr and "List-Id header" not in again.stderr


def test_missing_or_truncated_archive(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "backfill", "mbox", str(tmp_path / "missing.txt")).returncode == 2
    truncated = tmp_path / "cut.txt.gz"
    truncated.write_bytes(gzip.compress(ARCHIVE.encode() * 50)[:200])
    done = run_cli(tmp_path, "backfill", "mbox", str(truncated), "--list-id", "x.y")
    assert done.returncode == 1 and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "content",
    [b"", b"<html><body><a href='2023-February.txt'>Text</a></body></html>\n", bytes(range(256))],
    ids=["empty", "pipermail-html-page", "binary"],
)
def test_a_file_with_no_message_is_said_and_exits_1(tmp_path: Path, content: bytes) -> None:
    """A wrong file (pipermail's HTML page instead of its .txt) used to end "0 messages found"
    with exit 0, as if the month had been back-filled."""
    path = tmp_path / "February.html"
    path.write_bytes(content)
    done = run_cli(tmp_path, "backfill", "mbox", str(path), "--list-id", "x.example.org")
    assert done.returncode == 1, done.stderr
    assert f"No message found in {path}: nothing recorded." in done.stderr
    assert ".txt or .txt.gz" in done.stderr and "Traceback" not in done.stderr
    es = run_cli(tmp_path, "backfill", "mbox", str(path), LACRALO_LANGUAGE="es")
    assert es.returncode == 1 and "No se encontró ningún mensaje" in es.stderr


FIXTURES = Path(__file__).parent / "fixtures" / "archives"
LIST_ID = ("--list-id", "lac-discuss-es.atlarge-lists.icann.org")


def posts_by_als(tmp_path: Path) -> list[tuple[str, str]]:
    log = json.loads(run_cli(tmp_path, "participation", "--format", "json").stdout)
    return sorted((e["als_id"], e["occurred_at"]) for e in log)


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        # es (" en ", Latin-1): two roster people, one stranger, a body "From " line not split
        (
            "es-2023-February.txt",
            [
                ("ALS-AR-01", "2023-02-21T13:00:00+00:00"),
                ("ALS-AR-01", "2023-02-22T09:15:00+00:00"),
            ],
        ),
        (  # ca (" a ", UTF-8)
            "ca-2023-March.txt",
            [
                ("ALS-CO-01", "2023-03-02T17:45:10+00:00"),
                ("ALS-MX-01", "2023-03-01T08:00:00+00:00"),
            ],
        ),
        ("fr-2023-April.txt", [("ALS-HT-01", "2023-04-03T14:00:00+00:00")]),  # fr: " at "
        ("de-2023-April.txt", [("ALS-JM-01", "2023-04-04T11:30:00+00:00")]),  # de: " at "
        ("pt-2023-May.txt", [("ALS-BR-01", "2023-05-01T12:00:00+00:00")]),  # pt: "  "
        ("pt_BR-2023-May.txt", [("ALS-BR-01", "2023-05-02T12:00:00+00:00")]),  # pt_BR: " em "
        (  # Mailman 3 / HyperKitty mbox export: plain addresses, List-Id in every post
            "hyperkitty-2023-07.mbox",
            [
                ("ALS-AR-01", "2023-07-03T12:00:00+00:00"),
                ("ALS-HT-01", "2023-07-04T15:30:00+00:00"),
            ],
        ),
    ],
)
def test_each_archive_variant_lands_on_the_roster_person(
    tmp_path: Path, fixture: str, expected: list[tuple[str, str]]
) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    done = run_cli(tmp_path, "backfill", "mbox", str(FIXTURES / fixture), *LIST_ID)
    assert done.returncode == 0, done.stderr
    assert "not read." in done.stderr and ", 0 not read" in done.stderr
    assert posts_by_als(tmp_path) == expected


def test_gzipped_catalan_archive(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    archive = tmp_path / "2023-March.txt.gz"
    archive.write_bytes(gzip.compress((FIXTURES / "ca-2023-March.txt").read_bytes()))
    done = run_cli(tmp_path, "backfill", "mbox", str(archive), *LIST_ID)
    assert done.returncode == 0, done.stderr
    assert [als for als, _ in posts_by_als(tmp_path)] == ["ALS-CO-01", "ALS-MX-01"]


def test_spanish_stranger_goes_to_the_unmatched_queue_unobscured(tmp_path: Path) -> None:
    run_cli(tmp_path, "backfill", "mbox", str(FIXTURES / "es-2023-February.txt"), *LIST_ID)
    queue = json.loads(run_cli(tmp_path, "participation", "--unmatched", "--format", "json").stdout)
    assert sorted(q["address"] for q in queue) == [
        "desconocido@otro.example",
        "joaquin.nunez@example.org",
        "maria.perez@example.org",
    ]


# Issue 19: every message not read is named by the line of its "From " separator, with why.
UNREADABLE = {
    "en": [
        "Line 9: message not read: no author address could be read in From: Juan en casa (Juan)",
        "Line 17: message not read: Mailman 2 wrote its placeholder bogus@does.not.exist.com",
        "Line 25: message not read: no author address in From",
        "4 messages found; 1 read (1 matched, 0 unmatched, 0 duplicates), 3 not read.",
    ],
    "es": [
        "Línea 9: mensaje no leído: no se pudo leer ninguna dirección de autor en From: Juan en casa",
        "Línea 17: mensaje no leído: Mailman 2 escribió su dirección de relleno",
        "Línea 25: mensaje no leído: no hay dirección de autor",
        "4 mensajes encontrados; 1 leídos (1 identificados, 0 sin identificar, 0 duplicados), "
        "3 sin leer.",
    ],
    "pt": [
        "Linha 9: mensagem não lida: não foi possível ler um endereço de autor em From: Juan en",
        "Linha 17: mensagem não lida: o Mailman 2 escreveu seu endereço provisório",
        "Linha 25: mensagem não lida: não há endereço de autor",
        "4 mensagens encontradas; 1 lidas (1 identificadas, 0 não identificadas, 0 duplicadas), "
        "3 não lidas.",
    ],
    "fr": [
        "Ligne 9 : message non lu : aucune adresse d'auteur lisible dans From : Juan en casa",
        "Ligne 17 : message non lu : Mailman 2 a écrit son adresse de remplacement",
        "Ligne 25 : message non lu : aucune adresse d'auteur",
        "4 messages trouvés ; 1 lus (1 identifiés, 0 non identifiés, 0 doublons), 3 non lus.",
    ],
}


@pytest.mark.parametrize("lang", sorted(UNREADABLE))
def test_unreadable_authors_are_named_by_line_in_each_language(tmp_path: Path, lang: str) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    archive = FIXTURES / "unreadable-2023-June.txt"
    done = run_cli(tmp_path, "backfill", "mbox", str(archive), *LIST_ID, LACRALO_LANGUAGE=lang)
    assert done.returncode == 1, done.stderr
    said = " ".join(done.stderr.split())
    for text in UNREADABLE[lang]:
        assert text in said, (text, done.stderr)
    places = [said.index(text) for text in UNREADABLE[lang]]
    assert places == sorted(places)  # by line, then the counts
    assert [als for als, _ in posts_by_als(tmp_path)] == ["ALS-AR-01"]


def test_garbled_or_missing_from_field_is_read_from_the_pipermail_separator(
    tmp_path: Path,
) -> None:
    """pipermail writes the same obscured address on its "From " line and in From:; when the
    field is cut or missing, the separator still names the author (an envelope sender that
    was never obscured does not: see line 25 of the unreadable fixture)."""
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    archive = tmp_path / "2023-August.txt"
    archive.write_bytes(
        (
            "From ana.conceicao em example.org  Tue Aug  1 10:00:00 2023\n"
            "From: ana.conceicao em example.org (Ana Concei\n"
            "Subject: [lac-discuss-pt] cut\nMessage-ID: <cut-1@example.org>\n\nx\n\n"
            "From lupe.hernandez en example.org  Wed Aug  2 10:00:00 2023\n"
            "Subject: [lac-discuss-es] no From field\n\ny\n"
        ).encode("iso-8859-1")
    )
    done = run_cli(tmp_path, "backfill", "mbox", str(archive), *LIST_ID)
    assert done.returncode == 0, done.stderr
    assert posts_by_als(tmp_path) == [
        ("ALS-BR-01", "2023-08-01T10:00:00+00:00"),
        ("ALS-MX-01", "2023-08-02T10:00:00+00:00"),
    ]


def test_a_flood_of_unreadable_messages_is_listed_up_to_a_bound(tmp_path: Path) -> None:
    """Thousands of unreadable messages: the first ones by line, the rest counted in one line."""
    archive = tmp_path / "flood.txt"
    block = "From nobody  Mon Jan  2 10:00:00 2023\nSubject: {n}\nFrom: nobody\n\nbody\n\n"
    archive.write_text("".join(block.format(n=n) for n in range(250)), encoding="utf-8")
    done = run_cli(tmp_path, "backfill", "mbox", str(archive), *LIST_ID)
    assert done.returncode == 1
    listed = [line for line in done.stderr.splitlines() if line.startswith("Line ")]
    assert len(listed) == 200
    assert "50 more messages not read" in done.stderr
    assert "250" in done.stderr.splitlines()[-1]


@pytest.mark.parametrize(
    ("lang", "mbox_says", "report_says"),
    [
        ("en", "a pipermail month (.txt or .txt.gz", "the Zoom account's, as an IANA name"),
        ("es", "un mes de pipermail (.txt o .txt.gz", "la de la cuenta de Zoom, como nombre IANA"),
        ("pt", "um mês do pipermail (.txt ou .txt.gz", "o da conta do Zoom, como nome IANA"),
        ("fr", "un mois de pipermail (.txt ou .txt.gz", "celui du compte Zoom, en nom IANA"),
    ],
)
def test_the_help_says_which_file_and_which_time_zone(
    tmp_path: Path, lang: str, mbox_says: str, report_says: str
) -> None:
    """The help named "the archive file" and a time zone "default UTC" without saying whose:
    a report read in the wrong zone has every join refused."""
    mbox = run_cli(tmp_path, "backfill", "mbox", "--help", LACRALO_LANGUAGE=lang, COLUMNS="300")
    assert mbox_says in mbox.stdout and "--list-id LIST-ID" in mbox.stdout, mbox.stdout
    args = ("backfill", "zoom-report", "--help")
    report = run_cli(tmp_path, *args, LACRALO_LANGUAGE=lang, COLUMNS="300")
    assert report_says in report.stdout and "852 1848 6288" in report.stdout, report.stdout
