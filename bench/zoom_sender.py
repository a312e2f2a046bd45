"""Load generator: N signed Zoom join events sent open-loop over S seconds; prints JSON latencies.

Usage: python bench/zoom_sender.py URL SECRET COUNT SECONDS
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sys
import time

import aiohttp


def event(n: int) -> bytes:
    return json.dumps(
        {
            "event": "meeting.participant_joined",
            "event_ts": 1700000000000 + n,
            "payload": {
                "account_id": "a",
                "object": {
                    "id": 85218486288,
                    "uuid": "assembly==",
                    "topic": "LACRALO General Assembly",
                    "participant": {
                        "user_name": f"Participant {n}",
                        "email": f"p{n}@bench.example.org",
                        "join_time": f"2026-11-17T15:{n // 60 % 60:02d}:{n % 60:02d}Z",
                    },
                },
            },
        }
    ).encode()


async def send(session: aiohttp.ClientSession, url: str, secret: str, n: int) -> tuple[float, int]:
    body = event(n)
    ts = str(int(time.time()))
    sig = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    headers = {
        "x-zm-request-timestamp": ts,
        "x-zm-signature": f"v0={sig}",
        "content-type": "application/json",
    }
    start = time.perf_counter()
    async with session.post(url, data=body, headers=headers) as resp:
        await resp.read()
        return time.perf_counter() - start, resp.status


async def main() -> None:
    url, secret, count, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    connector = aiohttp.TCPConnector(limit=200)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        tasks = []
        for n in range(count):
            delay = start + n * seconds / count - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(send(session, url, secret, n)))
        results = await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    latencies = sorted(r[0] for r in results)
    print(
        json.dumps(
            {
                "elapsed": elapsed,
                "ok": sum(1 for r in results if r[1] == 200),
                "p50_ms": latencies[len(latencies) // 2] * 1000,
                "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
