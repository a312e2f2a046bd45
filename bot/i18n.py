"""The one door to user-facing text: python-i18n over `locales/<topic>.<lang>.yml`.

Domain code returns `Reason`s (a message key and its parameters, as Mailman's rules defer
translation); only the edges call `t()` or `render()`, in the reader's language.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import i18n

from bot.domain.reasons import Localized, Reason

LANGUAGES = ("en", "es", "pt", "fr")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
_loaded_from: Path | None = None


def setup(locales_dir: Path = LOCALES_DIR) -> None:
    """Point python-i18n at our locale files once; safe to call again."""
    global _loaded_from
    if _loaded_from == locales_dir:
        return
    i18n.set("file_format", "yml")
    i18n.set("filename_format", "{namespace}.{locale}.{format}")
    i18n.set("available_locales", list(LANGUAGES))
    i18n.set("fallback", "en")
    i18n.set("enable_memoization", True)
    i18n.set("error_on_missing_placeholder", False)
    if str(locales_dir) not in i18n.load_path:
        i18n.load_path.append(str(locales_dir))
    _loaded_from = locales_dir


def language_or_default(lang: str | None, default: str = "en") -> str:
    """Accept 'es', 'es-AR', 'ES'; fall back to `default` for anything we do not speak."""
    if lang:
        short = lang.strip().lower().replace("_", "-").split("-")[0]
        if short in LANGUAGES:
            return short
    return default


def t(key: str, lang: str = "en", **params: Any) -> str:
    """Translate `key` into `lang` with `%{name}` placeholders filled from `params`."""
    setup()
    return str(i18n.t(key, locale=language_or_default(lang), **params))


def render(reason: Reason, lang: str = "en") -> str:
    """A Reason in words, in `lang`; dates and lists in its parameters written the reader's way."""
    return t(reason.key, lang, **{k: format_value(v, lang) for k, v in reason.params.items()})


def format_value(value: Any, lang: str) -> Any:
    """21 Feb 2023 for a date, "a, b and c" for a list, the value itself otherwise."""
    if isinstance(value, Reason):
        return render(value, lang)
    if isinstance(value, Localized):
        return value.name(lang)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day} {t(f'common.month.{value.month}', lang)} {value.year}"
    if isinstance(value, list | tuple):
        items = [str(format_value(v, lang)) for v in value]
        if len(items) < 2:
            return "".join(items)
        return t("common.list", lang, head=", ".join(items[:-1]), last=items[-1])
    return value
