"""The public pages: ALS-level facts only, never an address or a message (PRODUCT.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.i18n import LANGUAGES, t

_env = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_page(template: str, lang: str, path: str, **context: Any) -> str:
    """Fill `template` with `context`; `t` in the template speaks the page's language."""

    def tr(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    return _env.get_template(template).render(
        lang=lang, languages=LANGUAGES, path=path, t=tr, **context
    )
