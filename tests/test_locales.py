"""Every user string goes through i18n, in four languages with the same keys and placeholders."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.i18n import LANGUAGES, t

REPO = Path(__file__).resolve().parent.parent
LOCALES = REPO / "locales"
PLACEHOLDER = re.compile(r"%\{(\w+)\}")


def flatten(data: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = str(value)
    return out


def load(lang: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted(LOCALES.glob(f"*.{lang}.yml")):
        topic = path.name.split(".")[0]
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(data) == [lang], f"{path.name} must have the single root key {lang}"
        merged.update(flatten(data[lang], f"{topic}."))
    return merged


CATALOGUES = {lang: load(lang) for lang in LANGUAGES}


def test_every_topic_exists_in_every_language() -> None:
    topics = {
        lang: {p.name.split(".")[0] for p in LOCALES.glob(f"*.{lang}.yml")} for lang in LANGUAGES
    }
    assert topics["en"], "no English locale files found"
    for lang in LANGUAGES:
        assert topics[lang] == topics["en"], f"{lang} topics differ from en"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_same_keys_as_english(lang: str) -> None:
    missing = sorted(set(CATALOGUES["en"]) - set(CATALOGUES[lang]))
    extra = sorted(set(CATALOGUES[lang]) - set(CATALOGUES["en"]))
    assert not missing, f"{lang} lacks {missing}"
    assert not extra, f"{lang} has keys English lacks: {extra}"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_same_placeholders_as_english(lang: str) -> None:
    for key, english in CATALOGUES["en"].items():
        expected = set(PLACEHOLDER.findall(english))
        found = set(PLACEHOLDER.findall(CATALOGUES[lang].get(key, "")))
        assert found == expected, f"{lang}:{key} has placeholders {found}, English {expected}"


def keys_used_in_code() -> set[str]:
    """Literal keys passed to t(...) or Reason(...) anywhere in the product's code."""
    pattern = re.compile(r"""(?:\bt|Reason)\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""")
    used: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (REPO / folder).rglob("*.py"):
            used.update(pattern.findall(path.read_text(encoding="utf-8")))
        for path in (REPO / folder).rglob("*.html"):
            used.update(
                re.findall(r"""t\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text("utf-8"))
            )
    return used


def test_every_key_used_in_code_exists() -> None:
    used = {k for k in keys_used_in_code() if not k.endswith(".")}
    assert used, "found no keys in the code: the scan is broken"
    plurals = {k.rsplit(".", 1)[0] for k in CATALOGUES["en"] if k.endswith((".one", ".other"))}
    missing = sorted(k for k in used if k not in CATALOGUES["en"] and k not in plurals)
    assert not missing, f"keys used in code but missing from locales: {missing}"


def test_plural_texts_have_one_and_other_in_every_language() -> None:
    """A text that depends on a count (python-i18n pluralization) says both forms everywhere."""
    for lang in LANGUAGES:
        keys = CATALOGUES[lang]
        for key in keys:
            if key.endswith(".one"):
                assert key[: -len("one")] + "other" in keys, f"{lang}: {key} has no other"


def test_translation_fills_placeholders_in_each_language() -> None:
    for lang in LANGUAGES:
        text = t("roster.report.rejected_line", lang, line=7, reasons="x")
        assert "7" in text and "%{" not in text, text
    assert t("roster.report.rejected_line", "es", line=1, reasons="x").startswith("Línea")
