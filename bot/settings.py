"""Every setting of the bot, its default and what it is for.

Settings come from the environment or a `.env` file in the working directory. The names are part of
the product's interface (PRODUCT.md, "Settings"), so each field names its variable explicitly rather
than deriving it from a prefix: Slack and Zoom variables keep the names their consoles use.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Port = Annotated[int, Field(ge=1, le=65535)]
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
LANGUAGES = ("en", "es", "pt", "fr")


def _env(name: str) -> AliasChoices:
    return AliasChoices(name)


class Settings(BaseSettings):
    """The configuration. A missing credential disables the part that needs it, nothing more."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
        env_ignore_empty=True,
    )

    db_path: Path = Field(Path("lacralo.db"), validation_alias=_env("LACRALO_DB_PATH"))
    db_busy_timeout_ms: int = Field(
        5000, ge=0, le=600_000, validation_alias=_env("LACRALO_DB_BUSY_TIMEOUT_MS")
    )
    # Issue 21: the scheduler's daily checked backup goes here (none when empty), the newest
    # LACRALO_BACKUP_KEEP kept; a backup is also made here before migrations change the file.
    backup_dir: Path | None = Field(None, validation_alias=_env("LACRALO_BACKUP_DIR"))
    backup_keep: int = Field(14, ge=1, le=3650, validation_alias=_env("LACRALO_BACKUP_KEEP"))
    region_file: Path | None = Field(None, validation_alias=_env("LACRALO_REGION_FILE"))
    language: str = Field(
        "en", pattern="^(en|es|pt|fr)$", validation_alias=_env("LACRALO_LANGUAGE")
    )
    log_level: str = Field("INFO", validation_alias=_env("LACRALO_LOG_LEVEL"))
    log_format: str = Field(
        "text", pattern="^(text|json)$", validation_alias=_env("LACRALO_LOG_FORMAT")
    )
    # Who may read GET /metrics besides loopback (issue 21): comma-separated networks.
    metrics_networks: str = Field("", validation_alias=_env("LACRALO_METRICS_NETWORKS"))
    # Reverse proxies whose X-Forwarded-For is believed (issue 20): comma-separated networks.
    trusted_proxies: str = Field("", validation_alias=_env("LACRALO_TRUSTED_PROXIES"))

    smtp_host: str = Field("127.0.0.1", validation_alias=_env("LACRALO_SMTP_HOST"))
    smtp_port: Port = Field(8025, validation_alias=_env("LACRALO_SMTP_PORT"))
    lmtp_port: Port | None = Field(None, validation_alias=_env("LACRALO_LMTP_PORT"))
    max_message_bytes: int = Field(
        10 * 1024 * 1024, ge=1024, validation_alias=_env("LACRALO_MAX_MESSAGE_BYTES")
    )
    # Bounded cost (issue 15): of a mail to the command address, only this much plain text is read;
    # attachments never are.
    command_max_text_bytes: int = Field(
        256 * 1024, ge=1024, validation_alias=_env("LACRALO_COMMAND_MAX_TEXT_BYTES")
    )
    # Issue 20, part 1: what one connection may cost (SMTP, LMTP and HTTP alike). A connection
    # that completes no command line or request head within the idle timeout is closed; one that
    # delivers no message within the transaction timeout too (RFC 5321 section 4.5.3.2.6 gives a
    # client 10 minutes for a message's DATA). Past the per-address or the global cap a new
    # connection is closed at once; trusted relays are exempt from the first and keep reserved
    # slots under the second (bot/transports/peers.py).
    idle_timeout_s: float = Field(
        30.0, gt=0, le=3600, validation_alias=_env("LACRALO_IDLE_TIMEOUT_S")
    )
    transaction_timeout_s: float = Field(
        600.0, gt=0, le=86_400, validation_alias=_env("LACRALO_TRANSACTION_TIMEOUT_S")
    )
    max_connections_per_address: int = Field(
        20, ge=1, le=100_000, validation_alias=_env("LACRALO_MAX_CONNECTIONS_PER_ADDRESS")
    )
    max_connections: int = Field(
        400, ge=2, le=1_000_000, validation_alias=_env("LACRALO_MAX_CONNECTIONS")
    )
    # The relays trusted to deliver list mail (PRODUCT.md), comma-separated networks or addresses.
    smtp_trusted_networks: Annotated[tuple[IPNetwork, ...], NoDecode] = Field(
        (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128")),
        validation_alias=_env("LACRALO_SMTP_TRUSTED_NETWORKS"),
    )

    http_host: str = Field("127.0.0.1", validation_alias=_env("LACRALO_HTTP_HOST"))
    http_port: Port = Field(8080, validation_alias=_env("LACRALO_HTTP_PORT"))

    slack_bot_token: str | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_signing_secret: str | None = Field(None, validation_alias=_env("SLACK_SIGNING_SECRET"))
    slack_app_token: str | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))

    zoom_webhook_secret_token: str | None = Field(
        None, validation_alias=_env("ZOOM_WEBHOOK_SECRET_TOKEN")
    )

    outbound_smtp_host: str | None = Field(
        None, validation_alias=_env("LACRALO_OUTBOUND_SMTP_HOST")
    )
    outbound_smtp_port: Port = Field(25, validation_alias=_env("LACRALO_OUTBOUND_SMTP_PORT"))
    from_address: str = Field(
        "lacralo-bot@localhost", validation_alias=_env("LACRALO_FROM_ADDRESS")
    )
    command_address: str = Field(
        "lacralo-bot-commands@localhost", validation_alias=_env("LACRALO_COMMAND_ADDRESS")
    )
    scheduler_tick_s: float = Field(
        30.0, gt=0, le=3600, validation_alias=_env("LACRALO_SCHEDULER_TICK_S")
    )
    notice_window_days: int = Field(
        7, ge=0, le=366, validation_alias=_env("LACRALO_NOTICE_WINDOW_DAYS")
    )
    # As list managers do (GNU Mailman keeps a pending confirmation three days).
    confirm_hours: int = Field(72, ge=1, le=720, validation_alias=_env("LACRALO_CONFIRM_HOURS"))
    # Not an amplifier (issue 15): answers to e-mail commands per sender address and in all, per
    # hour; past them an answer is kept in the outbox as suppressed and not sent.
    # Addresses not on the roster share at most half of the total (issue 20).
    command_replies_per_sender_hour: int = Field(
        10, ge=0, le=10_000, validation_alias=_env("LACRALO_COMMAND_REPLIES_PER_SENDER_HOUR")
    )
    command_replies_per_hour: int = Field(
        200, ge=0, le=100_000, validation_alias=_env("LACRALO_COMMAND_REPLIES_PER_HOUR")
    )
    reminder_offsets: str = Field("7d,1d,1h", validation_alias=_env("LACRALO_REMINDER_OFFSETS"))
    reminder_languages: str = Field("en,es", validation_alias=_env("LACRALO_REMINDER_LANGUAGES"))
    announce_address: str | None = Field(None, validation_alias=_env("LACRALO_ANNOUNCE_ADDRESS"))
    announce_channel: str | None = Field(None, validation_alias=_env("LACRALO_ANNOUNCE_CHANNEL"))
    # Issue 16: a nomination round's reminder goes out this many days before it closes.
    nomination_reminder_days: int = Field(
        2, ge=0, le=60, validation_alias=_env("LACRALO_NOMINATION_REMINDER_DAYS")
    )
    # Where members reach the public pages (links in announcements); empty: the local HTTP port.
    public_url: str | None = Field(None, validation_alias=_env("LACRALO_PUBLIC_URL"))
    # How members reach the Secretariat (an address or a page), named in messages that need it.
    secretariat_contact: str | None = Field(
        None, validation_alias=_env("LACRALO_SECRETARIAT_CONTACT")
    )
    # Issue 20: when set, each audit entry also carries an HMAC-SHA256 tag under this key, which
    # whoever holds the database file cannot recompute; keep it off the machine's backups.
    audit_key: str | None = Field(None, validation_alias=_env("LACRALO_AUDIT_KEY"))

    @field_validator("smtp_trusted_networks", mode="before")
    @classmethod
    def _network_list(cls, value: object) -> object:
        """`"127.0.0.0/8, ::1"` as networks; a bare address is a /32 (or /128)."""
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            return tuple(ipaddress.ip_network(part, strict=False) for part in parts)
        return value

    @field_validator("metrics_networks", "trusted_proxies")
    @classmethod
    def _networks(cls, value: str) -> str:
        """Each comma-separated part an address or network ('10.0.0.0/24'), checked at start-up."""
        for part in value.split(","):
            if part.strip():
                ipaddress.ip_network(part.strip(), strict=False)
        return value

    def page_link(self, path: str, lang: str) -> str:
        """An absolute link to a public page in a language, for messages."""
        base = (self.public_url or f"http://{self.http_host}:{self.http_port}").rstrip("/")
        return f"{base}{path}?lang={lang}"


class SettingsError(Exception):
    """A setting that cannot be used; `variable` and `value` say which, `problem` says why."""

    def __init__(self, variable: str, value: object, problem: str, kind: str = "") -> None:
        super().__init__(f"{variable}={value!r}: {problem}")
        self.variable = variable
        self.value = value
        self.problem = problem
        self.kind = kind  # pydantic's error type, e.g. "int_parsing", to pick a translated sentence


def load_settings(**overrides: object) -> Settings:
    """Read the settings; pydantic's report becomes one SettingsError about the first bad one."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"][0] if first["loc"] else ""
        raise SettingsError(str(loc), first.get("input"), first["msg"], first["type"]) from None
