"""What the candidate's commands (accept, declare) share: the answer listing what the candidacy
still lacks before it is valid (Operating Principles 7.1.a). A helper: it declares no command."""

from __future__ import annotations

from bot.domain.reasons import Reason
from bot.i18n import render, t


def progress(missing: list[Reason], lang: str, position: str) -> str:
    if not missing:
        return t("nominations.valid", lang, position=position)
    return "\n".join(
        [t("nominations.still_missing", lang)] + [f"• {render(r, lang)}" for r in missing]
    )
