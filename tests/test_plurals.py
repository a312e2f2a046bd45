"""Counted nouns agree with their number: "1 event", "1 evento", "1 événement", never "1 events".

python-i18n picks a plural form by the `count` keyword: `one` for 1, `zero` for 0 when given,
else `other` (this project's name for the plural; python-i18n also reads `many`). A text that
is a plural mapping but is asked for without `count` breaks, so the callers are checked too.
"""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from bot.domain.reasons import Reason
from bot.i18n import LANGUAGES, render, t
from tests.test_locales import CATALOGUES, PLACEHOLDER

REPO = Path(__file__).resolve().parent.parent

# key, extra params, then per language: (what count=1 says, the plural it must not say for 1,
# what count=2 says). Each row is a message that printed "1 events" or the like before.
CASES: list[tuple[str, dict[str, object], dict[str, tuple[str, str, str]]]] = [
    (
        "participation.log.title",
        {},
        {
            "en": ("Participation (1 event)", "1 events", "Participation (2 events)"),
            "es": ("Participación (1 evento)", "1 eventos", "Participación (2 eventos)"),
            "pt": ("Participação (1 evento)", "1 eventos", "Participação (2 eventos)"),
            "fr": ("Participation (1 événement)", "1 événements", "(2 événements)"),
        },
    ),
    (
        "outbox.title",
        {},
        {
            "en": ("(1 message)", "1 messages", "(2 messages)"),
            "es": ("(1 mensaje)", "1 mensajes", "(2 mensajes)"),
            "pt": ("(1 mensagem)", "1 mensagens", "(2 mensagens)"),
            "fr": ("(1 message)", "1 messages", "(2 messages)"),
        },
    ),
    (
        "roster.title",
        {},
        {
            "en": ("(1 row)", "1 rows", "(2 rows)"),
            "es": ("(1 fila)", "1 filas", "(2 filas)"),
            "pt": ("(1 linha)", "1 linhas", "(2 linhas)"),
            "fr": ("(1 ligne)", "1 lignes", "(2 lignes)"),
        },
    ),
    (
        "audit.listing.title",
        {},
        {
            "en": ("(1 entry)", "1 entries", "(2 entries)"),
            "es": ("(1 entrada)", "1 entradas", "(2 entradas)"),
            "pt": ("(1 entrada)", "1 entradas", "(2 entradas)"),
            "fr": ("(1 entrée)", "1 entrées", "(2 entrées)"),
        },
    ),
    (
        "notices.report.count",
        {},
        {
            "en": ("1 ALS took part:", "1 ALSs", "2 ALSs took part:"),
            "es": ("Participó 1 ALS:", "Participaron 1", "Participaron 2 ALS:"),
            "pt": ("Participou 1 ALS:", "Participaram 1", "Participaram 2 ALS:"),
            "fr": ("1 ALS a participé :", "ont participé", "2 ALS ont participé :"),
        },
    ),
    (
        "meetings.held.recorded",
        {"id": 4, "kind": "monthly", "start": "2026-11-17 15:00", "present": "AR-1"},
        {
            "en": ("recorded: 1 ALS attended (AR-1)", "1 ALSs", "2 ALSs attended"),
            "es": ("asistió 1 ALS (AR-1)", "asistieron 1", "asistieron 2 ALS"),
            "pt": ("participou 1 ALS (AR-1)", "participaram 1", "participaram 2 ALS"),
            "fr": ("1 ALS présente (AR-1)", "1 ALS présentes", "2 ALS présentes"),
        },
    ),
    (
        "receivers.log.refused.too_many_from_address",
        {"address": "198.51.100.1", "per_address": 5},
        {
            "en": ("Refused 1 connection from", "(s)", "Refused 2 connections from"),
            "es": ("Se rechazó 1 conexión desde", "1 conexiones", "Se rechazaron 2 conexiones"),
            "pt": ("Recusada 1 conexão de", "1 conexões", "Recusadas 2 conexões de"),
            "fr": ("1 connexion refusée depuis", "(s)", "2 connexions refusées depuis"),
        },
    ),
    (
        "roster.remove.people",
        {"people": "maria.perez@example.org"},
        {
            "en": ("1 person (maria", "1 people", "2 people ("),
            "es": ("Dada de baja con ella: 1 persona (", "1 personas", "2 personas ("),
            "pt": ("Retirada com ela: 1 pessoa (", "1 pessoas", "2 pessoas ("),
            "fr": ("1 personne (", "1 personnes", "2 personnes ("),
        },
    ),
    (
        "unmatched.listing_dismissed.title",
        {},
        {
            "en": ("Dismissed (1 name or address;", "1 names", "Dismissed (2 names and addresses;"),
            "es": ("Descartado (1 nombre o dirección;", "1 nombres", "(2 nombres y direcciones;"),
            "pt": ("Descartado (1 nome ou endereço;", "1 nomes", "(2 nomes e endereços;"),
            "fr": ("Écarté (1 nom ou adresse ;", "1 noms", "(2 noms et adresses ;"),
        },
    ),
    (
        "election.quorum_met",
        {"required": 1},
        {
            "en": ("1 ALS cast a valid vote", "1 ALSs", "cast a valid vote"),
            "es": ("1 ALS emitió un voto válido", "emitieron", "ALS emitieron un voto válido"),
            "pt": ("1 ALS deu voto válido", "deram", "ALS deram voto válido"),
            "fr": ("1 ALS a voté valablement", "ont voté", "ALS ont voté valablement"),
        },
    ),
    (
        "run.log.mail_left",
        {},
        {
            "en": ("1 mail session still open", "1 mail sessions", "2 mail sessions"),
            "es": ("se cerró 1 sesión de correo", "1 sesiones", "se cerraron 2 sesiones"),
            "pt": ("1 sessão de correio", "1 sessões", "2 sessões de correio"),
            "fr": ("1 session de courrier encore ouverte", "1 sessions", "2 sessions de courrier"),
        },
    ),
]


@pytest.mark.parametrize(("key", "params", "by_lang"), CASES, ids=[c[0] for c in CASES])
def test_one_is_singular_and_two_plural_in_every_language(
    key: str, params: dict[str, object], by_lang: dict[str, tuple[str, str, str]]
) -> None:
    assert set(by_lang) == set(LANGUAGES)
    for lang, (one, wrong, two) in by_lang.items():
        singular = t(key, lang, count=1, **params)
        assert one in singular and wrong not in singular, f"{lang}: {singular}"
        plural = t(key, lang, count=2, **params)
        assert two in plural, f"{lang}: {plural}"


def test_a_reason_with_one_unrecorded_call_speaks_of_one_call() -> None:
    """Reasons carry `count` in their parameters; render() passes it on to pick the form."""
    one = Reason("status.reason.unrecorded", {"count": 1, "dates": [date(2026, 10, 20)]})
    two = Reason(
        "status.reason.unrecorded", {"count": 2, "dates": [date(2026, 9, 15), date(2026, 10, 20)]}
    )
    assert render(one, "en").startswith("A monthly call with no attendance recorded, not counted")
    assert render(one, "es").startswith("Una teleconferencia mensual sin asistencia")
    assert render(one, "fr").startswith("Une téléconférence mensuelle sans")
    assert render(two, "en").startswith("Monthly calls with no attendance recorded")
    assert "20 Oct 2026" in render(one, "en") and "15 Sep 2026" in render(two, "en")


def plural_keys() -> list[str]:
    """Every text with plural forms, as the code names it (without .one / .other)."""
    return sorted(k[: -len(".one")] for k in CATALOGUES["en"] if k.endswith(".one"))


def test_plural_keys_are_found() -> None:
    keys = plural_keys()
    assert "participation.log.title" in keys and "notices.digest.subject" in keys, keys


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_plural_text_renders_for_any_count(lang: str) -> None:
    """0, 1, 2, a few and many: always a filled sentence, never the key or a `%{...}` left."""
    for key in plural_keys():
        names = set(PLACEHOLDER.findall(CATALOGUES["en"][key + ".other"]))
        names |= set(PLACEHOLDER.findall(CATALOGUES["en"][key + ".one"]))
        params = {n: f"<{n}>" for n in names - {"count"}}
        for count in (0, 1, 2, 5, 6, 21, 1000):
            text = t(key, lang, count=count, **params)
            assert text != key and "%{" not in text, f"{lang}:{key} count={count}: {text}"
            if "count" in names and count != 1:
                assert str(count) in text, f"{lang}:{key} count={count}: {text}"


def test_one_and_other_forms_differ_in_english() -> None:
    """A plural mapping whose two English forms are the same text fixed nothing: drop it."""
    same = [
        k for k in plural_keys() if CATALOGUES["en"][k + ".one"] == CATALOGUES["en"][k + ".other"]
    ]
    assert not same, same


def calls_without_count(path: Path, plural: set[str], root: Path = REPO) -> list[str]:
    """t("key", ...) calls naming a plural text with neither count= nor **params."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else None
        first = node.args[0]
        if name == "t" and isinstance(first, ast.Constant) and first.value in plural:
            named = {k.arg for k in node.keywords}
            if "count" not in named and None not in named:
                found.append(f"{path.relative_to(root)}:{node.lineno} {first.value}")
        if name == "Reason" and isinstance(first, ast.Constant) and first.value in plural:
            given = node.args[1] if len(node.args) > 1 else None
            keys = (
                {k.value for k in given.keys if isinstance(k, ast.Constant)}
                if isinstance(given, ast.Dict)
                else {"count"}
            )  # built elsewhere: trust it
            if "count" not in keys:
                found.append(f"{path.relative_to(root)}:{node.lineno} {first.value}")
    return found


def test_every_caller_of_a_plural_text_passes_count() -> None:
    """Without `count` python-i18n gets the mapping itself, not a sentence, and fails."""
    plural = set(plural_keys())
    missing = [
        hit
        for folder in ("bot", "handlers")
        for path in sorted((REPO / folder).rglob("*.py"))
        for hit in calls_without_count(path, plural)
    ]
    assert not missing, missing
    templates = [
        f"{path.name}: {key}"
        for path in sorted((REPO / "bot").rglob("*.html"))
        for key in re.findall(r"""t\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text("utf-8"))
        if key in plural and "count=" not in path.read_text("utf-8")
    ]
    assert not templates, templates


def test_the_caller_scan_sees_a_missing_count(tmp_path: Path) -> None:
    """The scan above must be able to fail."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        't("outbox.title", lang)\nt("outbox.title", lang, count=1)\nt("outbox.title", **kw)\n'
        'Reason("status.reason.unrecorded", {"dates": []})\n',
        "utf-8",
    )
    assert calls_without_count(probe, {"outbox.title", "status.reason.unrecorded"}, tmp_path) == [
        "probe.py:1 outbox.title",
        "probe.py:4 status.reason.unrecorded",
    ]
