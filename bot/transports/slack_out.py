"""Messages on Slack through the Web API (chat.postMessage to a user id or a channel)."""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings


class SlackRefused(RuntimeError):
    """Slack said no; the message is Slack's error code (`not_in_channel`: invite the bot to the
    channel; `channel_not_found`), which the outbox keeps as the row's last error."""


def slack_sender(settings: Settings) -> Any:
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)

    async def send(recipient: str, payload: dict[str, Any]) -> None:
        # `slack_text`: Slack's own words where they differ from the mail (a meeting's passcode
        # goes to the channel, never to a list, whose archives are public).
        body = payload.get("slack_text") or payload["text"]
        text = f"*{payload['subject']}*\n\n{body}"
        try:
            # chat:write (manifest.yml): a user id posts in the bot's Messages tab with that
            # member; a channel takes the post only when the bot has been invited to it.
            await client.chat_postMessage(
                channel=recipient, text=text, blocks=payload.get("blocks"), unfurl_links=False
            )
        except SlackApiError as exc:
            raise SlackRefused(str(exc.response.get("error") or "slack error")) from None

    return send
