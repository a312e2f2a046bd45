"""`GET /metrics` (issue 21): the Prometheus scrape, for loopback and LACRALO_METRICS_NETWORKS only.

Behind a reverse proxy every client arrives from the proxy's address (often loopback), so a
request carrying a forwarding header is never served, whatever its peer address: the proxy
examples in deploy/ do not forward /metrics, and this holds even when a proxy is set up wrongly.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot import metrics
from bot.deps import Deps
from bot.store import metrics as metrics_store
from bot.transports import forwarded


def make_endpoint(deps: Deps) -> Callable[[web.Request], Awaitable[web.Response]]:
    allowed = forwarded.networks(deps.settings.metrics_networks)

    async def endpoint(request: web.Request) -> web.Response:
        if not forwarded.is_local(request.remote, request.headers, allowed):
            return web.Response(status=403, text="403: /metrics is served to the operator only\n")
        found = await metrics_store.snapshot(deps.store)
        return web.Response(
            body=metrics.render(found), headers={"Content-Type": metrics.CONTENT_TYPE}
        )

    return endpoint
