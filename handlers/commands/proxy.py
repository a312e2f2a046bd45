"""`/lacralo proxy ALS-ID [meeting | position]`: a proxy notice by message, for a meeting's vote,
a position's vote, or (naming neither) the next vote.

Rules of Procedure 1.5 (seed 003): an accredited ALS may vote by proxy through another accredited
ALS, the Secretariat notified before the vote; 1.6: one ALS receives at most one proxy. Only a
representative acts for an ALS (Rule 1.1: the spec's audience, and the service for which ALS).
The notice is confirmed to both ALSs and the Secretariat.
"""

from __future__ import annotations

from datetime import datetime

from bot.deps import Deps, iso
from bot.domain.commands import Audience
from bot.i18n import format_value, t
from bot.services import elections as election_service
from bot.services import proxy_notices
from bot.store import meetings as meeting_store
from bot.texts import meetings as meeting_text
from bot.texts.nominations import position_name
from handlers.commands.event import CommandEvent
from handlers.commands.position_arg import read_position
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member = event.member
    assert member is not None and member.als_id is not None  # a representative (the spec)
    if not event.command.args:
        return t("commands.proxy.which", lang)
    holder = event.command.args[0].upper()
    now = deps.clock()
    rest = event.command.args[1:]
    vote: tuple[str, str] | None = None
    if rest and not rest[0].isdigit():  # a position's vote, named in any language (issue 17.3)
        named = await read_position(deps, rest, lang)
        if isinstance(named, str):
            return named
        vote = ("position", named.code)
        rest = ()
    meeting = await _for_which_vote(deps, rest, now) if vote is None else None
    vote_at = datetime.fromisoformat(meeting["start_at"]) if meeting else None
    await election_service.record_proxy(
        deps.store,
        deps.region,
        member.als_id,
        holder,
        now,
        vote_at,
        event.actor,
        meeting["meeting_id"] if meeting else None,
        by=member,
        vote=vote,
    )
    await proxy_notices.confirm(deps, member.als_id, holder, "given", now)
    answer = t("commands.proxy.recorded", lang, giver=member.als_id, holder=holder)
    if vote is not None:
        answer += " " + t(
            "commands.proxy.for_position", lang, position=position_name(deps.region, vote[1], lang)
        )
    if meeting:
        title = meeting_text.title_of(meeting, lang, deps.region.ralo)
        answer += " " + t(
            "commands.proxy.for_meeting", lang, title=title, date=format_value(vote_at, lang)
        )
    return answer


async def _for_which_vote(
    deps: Deps, args: tuple[str, ...], now: datetime
) -> meeting_store.UpcomingMeeting | None:
    """The meeting named by its number, or else the next assembly scheduled (Rule 1.5: a proxy is
    for a vote or an assembly); None when none is scheduled (a proxy for the next vote)."""
    if args and args[0].isdigit():  # a named meeting, even one already started: then too late
        every = await meeting_store.since(deps.store, "")
        return next((m for m in every if m["meeting_id"] == int(args[0])), None)
    upcoming = await meeting_store.since(deps.store, iso(now))
    return next((m for m in upcoming if m["kind"] == "assembly"), None)


SPEC = CommandSpec(
    verb="proxy",
    words_key="commands.words.proxy",
    help_key="commands.help.does.proxy",
    args_key="commands.help.args.proxy",
    example_key="commands.help.examples.proxy",
    audience=Audience.REPRESENTATIVE,
    changes_state=True,
    handler=handle,
    refused_key="commands.proxy.refused",
)
