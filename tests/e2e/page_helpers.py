"""What the public-page tests share: the aiohttp app on a test server over a store, and a page
fetched with the checks every public page must pass (200, no e-mail address)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiohttp.test_utils import TestClient, TestServer

from bot.deps import Deps
from bot.transports.http import build_app

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@asynccontextmanager
async def served(deps: Deps) -> AsyncIterator[TestClient]:  # type: ignore[type-arg]
    """The pages of `deps` on a test server; the store is closed afterwards."""
    try:
        async with TestClient(TestServer(build_app(deps))) as client:
            yield client
    finally:
        await deps.store.close()


async def page(client: TestClient, path: str) -> str:  # type: ignore[type-arg]
    response = await client.get(path)
    assert response.status == 200, path
    body = await response.text()
    assert not EMAIL.findall(body), f"{path} shows an e-mail address"
    return body
