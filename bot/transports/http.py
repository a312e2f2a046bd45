"""The one aiohttp server: health, public pages (and later Zoom and Slack endpoints)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot import __version__
from bot.deps import Deps
from bot.i18n import language_or_default
from bot.pages import render_page
from bot.store import roster as roster_store
from bot.store import schema_version

DEPS: web.AppKey[Deps] = web.AppKey("deps", Deps)


def build_app(deps: Deps) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)
    app[DEPS] = deps
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/", index)
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
