"""Health and the public pages, on the one aiohttp server (app.py adds Zoom and Slack)."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp import web

from bot import __version__
from bot.csv_cells import neutralised
from bot.deps import Deps, iso
from bot.i18n import language_or_default
from bot.pages import render_page
from bot.reports import candidates as candidates_report
from bot.reports import roll as roll_report
from bot.reports import status as status_report
from bot.reports import tally as tally_report
from bot.reports import utc_minute
from bot.services import elections as election_service
from bot.services import status as status_service
from bot.services.status import AlsStatus
from bot.store import elections as election_store
from bot.store import meetings as meeting_store
from bot.store import nominations as nomination_store
from bot.store import roster as roster_store
from bot.store import schema_version
from bot.store import votes as vote_store
from bot.transports.http_server import read_body_in_time

DEPS: web.AppKey[Deps] = web.AppKey("deps", Deps)


def build_app(deps: Deps) -> web.Application:
    # Issue 20: a body trickled in slower than the idle timeout is cut off (http_server.py).
    app = web.Application(
        client_max_size=2 * 1024 * 1024,
        middlewares=[read_body_in_time(deps.settings.idle_timeout_s)],
    )
    app[DEPS] = deps
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", index)
    app.router.add_get("/status", status_page)
    app.router.add_get("/status.csv", status_csv)
    app.router.add_get("/candidates", candidates_page)
    app.router.add_get("/election/roll", election_roll_page)
    app.router.add_get("/election/results", election_results_page)
    app.router.add_get("/election/results.csv", election_results_csv)
    return app


async def healthz(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    body: dict[str, Any] = {
        "status": "ok",
        "version": __version__,
        "ralo": deps.region.ralo,
        "schema_version": await schema_version(deps.store),
        "parts": dict(deps.parts),
    }
    return web.json_response(body)


def page_language(request: web.Request) -> str:
    """`?lang=` first, then the browser's Accept-Language, then Spanish, the region's majority."""
    asked = request.query.get("lang")
    if asked:
        return language_or_default(asked, "en")
    accept = request.headers.get("Accept-Language", "")
    first = accept.split(",")[0].split(";")[0] if accept else ""
    return language_or_default(first, "es")


async def index(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    lang = page_language(request)
    region = deps.region
    grouped: dict[str, list[dict[str, str | None]]] = {}
    # Members today: an ALS removed from the roster (issue 19.5) is not listed.
    for als in await roster_store.list_als(deps.store, member_on=deps.clock().date()):
        country = region.countries.get(als.country)
        grouped.setdefault(als.subregion, []).append(
            {
                "name": als.name,
                "country": country.name(lang) if country else als.country,
                "accredited": als.accredited_on.isoformat() if als.accredited_on else None,
            }
        )
    subregions = [
        {"code": code, "name": sub.name(lang), "als": grouped[code]}
        for code, sub in region.subregions.items()
        if code in grouped
    ]
    html = render_page(
        "index.html",
        lang,
        request.path,
        ralo=region.ralo,
        ralo_name=region.names.get(lang, region.ralo),
        subregions=subregions,
        total=sum(len(v) for v in grouped.values()),
        countries=len({a["country"] for v in grouped.values() for a in v}),
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def _current_statuses(deps: Deps) -> list[AlsStatus]:
    return await status_service.statuses(deps.store, deps.region, deps.clock())


async def status_page(request: web.Request) -> web.Response:
    """Public: each ALS's state, since when and why, and its monthly calls; the next monthly call
    -- ALS-level facts only, never people."""
    deps = request.app[DEPS]
    lang = page_language(request)
    now = deps.clock()
    items = await status_service.statuses(deps.store, deps.region, now)
    upcoming = await meeting_store.since(deps.store, iso(now))
    next_call = next((m["start_at"] for m in upcoming if m["kind"] == "monthly"), None)
    page = status_report.public_page(items, deps.region, now, next_call, lang)
    # Issue 20: the audit log's head in the footer, published where the file's holder cannot
    # take it back (`audit verify --head` later catches a history rewritten behind it).
    from bot.services import audit as audit_service

    head = await audit_service.head(deps.store)
    html = render_page(
        "status.html", lang, request.path, ralo=deps.region.ralo, page=page, audit_head=head
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def status_csv(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    items = await _current_statuses(deps)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=status_report.PUBLIC_COLUMNS,
        extrasaction="ignore",
        lineterminator="\r\n",
    )
    writer.writeheader()
    # Issue 20.4: a cell a spreadsheet would run as a formula (an ALS name) is marked as text.
    writer.writerows(
        {k: neutralised(v) for k, v in status_report.public_csv_row(item, deps.region).items()}
        for item in items
    )
    name = f"{deps.region.ralo.lower()}-status-{deps.clock().date().isoformat()}.csv"
    return web.Response(
        body=buffer.getvalue().encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def candidates_page(request: web.Request) -> web.Response:
    """Public: the nomination round in the open (2021 elections rules) -- names on purpose, never
    an address."""
    deps = request.app[DEPS]
    lang = page_language(request)
    entries = await nomination_store.round_entries(deps.store)
    page = candidates_report.page(entries, deps.region, deps.clock(), lang)
    html = render_page("candidates.html", lang, request.path, ralo=deps.region.ralo, page=page)
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def election_roll_page(request: web.Request) -> web.Response:
    """The weighted-voting sheet (2021 rules: shared before each election), ALS-level only."""
    deps = request.app[DEPS]
    lang = page_language(request)
    # The roll published for the latest vote, frozen (issue 17.7); else today's.
    published = await vote_store.latest_any(deps.store)
    if published is not None:
        roll = published.roll
    else:
        roll = (await election_service.voter_roll(deps.store, deps.region, deps.clock())).as_json()
    names = {c: deps.region.countries[c].name(lang) for c in deps.region.countries}
    html = render_page(
        "election_roll.html",
        lang,
        request.path,
        ralo=deps.region.ralo,
        summary=roll_report.summary(roll, lang),
        countries=roll_report.country_rows(roll, lang, names),
        voters=roll_report.voter_rows(roll, names),
        equal=roll["equal_countries"],
        published=roll_report.published_line(published, deps.region, lang),
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def election_results_page(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    lang = page_language(request)
    shown = [
        {
            "title": e["title"],
            "vote_at": utc_minute(e["vote_at"]),
            "results": tally_report.result_rows(e["result"], lang),
            "voted": e["voted"],
            "outcome": tally_report.outcome_line(e["result"], lang),
            "quorum": tally_report.quorum_line(e["result"], lang),
            "abstentions": tally_report.abstentions_line(e["result"], lang),
            "drawn": tally_report.drawn_line(e["result"], lang),
            "notes": tally_report.notes(e["result"], lang),
            "ballots": tally_report.ballot_rows(e["result"], lang),
        }
        for e in await election_store.published(deps.store)
    ]
    html = render_page(
        "election_results.html", lang, request.path, ralo=deps.region.ralo, elections=shown
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def election_results_csv(request: web.Request) -> web.Response:
    """One row per published election and ALS that voted (the public list of voters)."""
    deps = request.app[DEPS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(tally_report.CSV_COLUMNS)
    for e in await election_store.published(deps.store):
        rows = tally_report.csv_rows(e["title"], e["vote_at"], e["result"], e["voted"])
        writer.writerows([neutralised(cell) for cell in row] for row in rows)  # issue 20.4
    return web.Response(
        body=buffer.getvalue().encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="election-results.csv"'},
    )
