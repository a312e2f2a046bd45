"""Messages on Slack through the Web API (chat.postMessage to a user id or a channel)."""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings


def slack_sender(settings: Settings) -> Any:
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)

    async def send(recipient: str, payload: dict[str, Any]) -> None:
        # `slack_text`: Slack's own words where they differ from the mail (a meeting's passcode
        # goes to the channel, never to a list, whose archives are public).
        body = payload.get("slack_text") or payload["text"]
        text = f"*{payload['subject']}*\n\n{body}"
        response = await client.chat_postMessage(
            channel=recipient, text=text, blocks=payload.get("blocks"), unfurl_links=False
        )
        if not response.get("ok"):
            raise RuntimeError(str(response.get("error", "slack error")))

    return send
