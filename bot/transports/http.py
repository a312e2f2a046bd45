"""Health and the public pages, on the one aiohttp server (app.py adds Zoom and Slack)."""

from __future__ import annotations

import csv
import io
from typing import Any

from aiohttp import web

from bot import __version__, status_view
from bot.deps import Deps
from bot.domain.reasons import Reason
from bot.i18n import format_value, language_or_default, render, t
from bot.pages import render_page
from bot.services import elections as election_service
from bot.services import status as status_service
from bot.services.status import AlsStatus
from bot.store import elections as election_store
from bot.store import roster as roster_store
from bot.store import schema_version

DEPS: web.AppKey[Deps] = web.AppKey("deps", Deps)


def build_app(deps: Deps) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[DEPS] = deps
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", index)
    app.router.add_get("/status", status_page)
    app.router.add_get("/status.csv", status_csv)
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
    for als in await roster_store.list_als(deps.store):
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


PUBLIC_STATUS_COLUMNS = ["als_id", "als_name", "country", "subregion", "state", "since"]


async def _current_statuses(deps: Deps) -> list[AlsStatus]:
    return await status_service.statuses(deps.store, deps.region, deps.clock())


async def status_page(request: web.Request) -> web.Response:
    """Public: each ALS's state and since when -- ALS-level facts only, never people."""
    deps = request.app[DEPS]
    lang = page_language(request)
    items = await _current_statuses(deps)
    subregions = []
    for code, group in status_view.by_subregion(items, deps.region):
        rows = []
        for item in group:
            row = status_view.status_row(item, deps.region, lang)
            country = deps.region.countries.get(row["country"])
            rows.append(
                {k: row[k] for k in PUBLIC_STATUS_COLUMNS}
                | {
                    "country": country.name(lang) if country else row["country"],
                    "state_word": status_view.state_word(row["state"], lang),
                }
            )
        subregions.append(
            {"code": code, "name": deps.region.subregions[code].name(lang), "rows": rows}
        )
    policy = status_service.policy_of(deps.region)
    html = render_page(
        "status.html",
        lang,
        request.path,
        ralo=deps.region.ralo,
        subregions=subregions,
        as_of=format_value(deps.clock().date(), lang),
        reading=render(Reason("status.reason.reading", policy.reading()), lang),
        counts=t("status.counts", lang, **status_view.counts(items)),
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def status_csv(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    items = await _current_statuses(deps)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=PUBLIC_STATUS_COLUMNS, extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writeheader()
    for item in items:
        row = status_view.status_row(item, deps.region, "en")
        writer.writerow({k: "" if row[k] is None else row[k] for k in PUBLIC_STATUS_COLUMNS})
    name = f"{deps.region.ralo.lower()}-status-{deps.clock().date().isoformat()}.csv"
    return web.Response(
        body=buffer.getvalue().encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def election_roll_page(request: web.Request) -> web.Response:
    """The weighted-voting sheet (2021 rules: shared before each election), ALS-level only."""
    deps = request.app[DEPS]
    lang = page_language(request)
    roll = (await election_service.voter_roll(deps.store, deps.region, deps.clock())).as_json()
    names = {c: deps.region.countries[c].name(lang) for c in deps.region.countries}
    countries = [
        c
        | {
            "name": names.get(c["country"], c["country"]),
            "capped": t("status.answer_yes" if c["capped"] else "status.answer_no", lang),
        }
        for c in roll["countries"]
    ]
    voters = [v | {"country": names.get(v["country"], v["country"])} for v in roll["voters"]]
    summary = t(
        "election.roll_summary",
        lang,
        voters=len(voters),
        covered=roll["countries_covered"],
        max=f"{roll['max_percentage']:g}",
        total=f"{roll['total_weight']:.4f}",
    )
    html = render_page(
        "election_roll.html",
        lang,
        request.path,
        ralo=deps.region.ralo,
        summary=summary,
        countries=countries,
        voters=voters,
        equal=roll["equal_countries"],
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def election_results_page(request: web.Request) -> web.Response:
    deps = request.app[DEPS]
    lang = page_language(request)
    shown = []
    for e in await election_store.published(deps.store):
        r = e["result"]
        q = r["quorum"]
        if r.get("winner"):
            outcome = t("election.winner", lang, name=r["winner"])
        elif r.get("tied"):
            outcome = t("election.tied", lang, names=", ".join(r["tied"]))
        else:
            outcome = ""
        shown.append(
            {
                "title": e["title"],
                "vote_at": e["vote_at"][:16].replace("T", " ") + " UTC",
                "results": r["results"],
                "voted": e["voted"],
                "outcome": outcome,
                "quorum": t(
                    "election.quorum_met" if q["met"] else "election.quorum_missed",
                    lang,
                    present=q["present"],
                    required=q["required"],
                ),
                "abstentions": t("election.abstentions", lang, count=r["abstentions"]),
            }
        )
    html = render_page(
        "election_results.html", lang, request.path, ralo=deps.region.ralo, elections=shown
    )
    return web.Response(text=html, content_type="text/html", charset="utf-8")


async def election_results_csv(request: web.Request) -> web.Response:
    """One row per published election and ALS that voted (the public list of voters)."""
    deps = request.app[DEPS]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["title", "vote_at", "als_id", "winner"])
    for e in await election_store.published(deps.store):
        for als_id in e["voted"]:
            writer.writerow([e["title"], e["vote_at"], als_id, e["result"].get("winner") or ""])
    return web.Response(
        body=buffer.getvalue().encode("utf-8"),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="election-results.csv"'},
    )
