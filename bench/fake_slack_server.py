"""A stand-in for Slack's Web API for benchmarks: answers every method with ok.

Usage: python bench/fake_slack_server.py PORT
"""

from __future__ import annotations

import sys

from aiohttp import web


async def handle(request: web.Request) -> web.Response:
    await request.read()
    return web.json_response(
        {
            "ok": True,
            "user_id": "UBOT",
            "bot_id": "BBOT",
            "team_id": "T1",
            "user": "bot",
            "team": "T",
            "url": "https://x.slack.com/",
        }
    )


if __name__ == "__main__":
    app = web.Application()
    app.router.add_post("/api/{method}", handle)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None)
