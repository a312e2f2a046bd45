"""What the nomination commands share: reading the position a member names, in any of the four
languages and in several words ("miembro del ALAC", "vicepresidente", "délégué au NomCom"), and
the answer when the name is unknown or fits two seats (issue 16). A helper: it declares no command.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.deps import Deps, iso
from bot.domain.positions import PositionIndex, choose, match_position, position_index
from bot.i18n import format_value, t
from bot.region import Region
from bot.store import nominations as store
from bot.texts.nominations import position_name


@dataclass(frozen=True)
class Named:
    code: str
    rest: tuple[str, ...]  # the arguments after the position's name


def _index(region: Region) -> PositionIndex:
    """Built per command: a few dozen forms, cheaper than keeping one per region object."""
    return position_index(region.position_forms())


def _said(args: tuple[str, ...]) -> str:
    """The words the asker meant as the position, to quote back: up to the first that is
    clearly something else (a date, a number, a link, a mention, an option), at most five."""
    words = []
    for word in args[:5]:
        if any(ch.isdigit() for ch in word) or word.startswith(("-", "<", "@")) or "://" in word:
            break
        words.append(word)
    return " ".join(words) or (args[0] if args else "")


async def read_position(deps: Deps, args: tuple[str, ...], lang: str) -> Named | str:
    """The position named at the start of `args`, or the answer that says why it is not clear:
    the positions open now (or all of them), in the asker's language."""
    region = deps.region
    open_codes = [p.position for p in await store.open_periods(deps.store, iso(deps.clock()))]
    match = match_position(_index(region), args, 0)
    said = _said(args)
    if match is None:
        if open_codes:
            names = [position_name(region, code, lang) for code in open_codes]
            return t(
                "nominations.unknown_position_open", lang, said=said, open=format_value(names, lang)
            )
        known = [position_name(region, code, lang) for code in region.positions]
        return t(
            "nominations.unknown_position_none_open",
            lang,
            said=said,
            known=format_value(known, lang),
        )
    code = choose(match, open_codes)
    if code is None:
        options = [position_name(region, c, lang) for c in match.codes]
        said = " ".join(args[: match.used])
        return t("nominations.which_position", lang, said=said, options=" / ".join(options))
    return Named(code, tuple(args[match.used :]))
