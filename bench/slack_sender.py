"""Load generator: signed `/lacralo status` commands from concurrent clients; prints JSON latencies.

Usage: python bench/slack_sender.py URL SECRET COUNT CLIENTS USER_ID
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sys
import time
from urllib.parse import urlencode

import aiohttp


async def client(
    session: aiohttp.ClientSession,
    url: str,
    secret: str,
    todo: asyncio.Queue[int],
    user: str,
    out: list[tuple[float, int]],
) -> None:
    while True:
        try:
            todo.get_nowait()
        except asyncio.QueueEmpty:
            return
        body = urlencode(
            {
                "team_id": "T1",
                "channel_id": "C1",
                "user_id": user,
                "command": "/lacralo",
                "text": "status",
                "response_url": "http://127.0.0.1:9/r",
            }
        ).encode()
        ts = str(int(time.time()))
        sig = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
        headers = {
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={sig}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        started = time.perf_counter()
        async with session.post(url, data=body, headers=headers) as resp:
            await resp.read()
            out.append((time.perf_counter() - started, resp.status))


async def main() -> None:
    url, secret, count, clients, user = (
        sys.argv[1],
        sys.argv[2],
        int(sys.argv[3]),
        int(sys.argv[4]),
        sys.argv[5],
    )
    todo: asyncio.Queue[int] = asyncio.Queue()
    for n in range(count):
        todo.put_nowait(n)
    out: list[tuple[float, int]] = []
    async with aiohttp.ClientSession() as session:
        # One request first, not measured: slack-bolt checks the token (auth.test) on the first
        # request it serves; the figure is the steady state.
        warm: asyncio.Queue[int] = asyncio.Queue()
        warm.put_nowait(0)
        await client(session, url, secret, warm, user, [])
        await asyncio.gather(
            *(client(session, url, secret, todo, user, out) for _ in range(clients))
        )
    latencies = sorted(o[0] for o in out)
    print(
        json.dumps(
            {
                "ok": sum(1 for o in out if o[1] == 200),
                "p50_ms": latencies[len(latencies) // 2] * 1000,
                "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
