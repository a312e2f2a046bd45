"""Wiring: settings -> store, region, deps -> transports on one event loop -> wait for a signal.

Each part without its credentials is skipped with one log line, so a bare `lacralo-bot run` works
on a fresh machine with nothing configured.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Awaitable
from contextlib import AsyncExitStack
from datetime import timedelta
from typing import TypeVar

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot.deps import Deps, utc_now
from bot.domain.errors import StartupError
from bot.domain.reasons import Reason
from bot.i18n import t
from bot.region import load_region
from bot.scheduler import Scheduler
from bot.services import backup as backups
from bot.services import participation as participation_service
from bot.services.outbox import Sender
from bot.settings import Settings
from bot.store import audit_log, open_store
from bot.transports import (
    http,
    http_server,
    mail_out,
    metrics_http,
    peers,
    slack,
    slack_out,
    smtp,
    smtp_session,
    zoom,
)

log = logging.getLogger("lacralo_bot")
T = TypeVar("T")
# Where each part that needs credentials runs, for its log line and /healthz.
# Issue 21: SIGTERM to exit within 10 s, each part stopping in turn (scheduler, mail, HTTP).
SCHEDULER_STOP_S = 2.0
MAIL_DRAIN_S = 5.0
HTTP_STOP_S = 2.0
WHERE = {"zoom": "/zoom/events", "outbound_mail": "outbox", "slack": "/slack/events"}


def credential_parts(settings: Settings) -> dict[str, str | None]:
    """Parts that need credentials: the missing setting's name, or None when configured."""
    slack_missing = next(
        (
            name
            for name, value in (
                ("SLACK_BOT_TOKEN", settings.slack_bot_token),
                ("SLACK_SIGNING_SECRET", settings.slack_signing_secret),
            )
            if not value
        ),
        None,
    )
    return {
        "slack": slack_missing,
        "zoom": None if settings.zoom_webhook_secret_token else "ZOOM_WEBHOOK_SECRET_TOKEN",
        "outbound_mail": None if settings.outbound_smtp_host else "LACRALO_OUTBOUND_SMTP_HOST",
    }


def build_web_app(deps: Deps, slack_app: AsyncApp | None = None) -> web.Application:
    """One aiohttp application for every HTTP part: health, pages, Zoom and Slack."""
    web_app = http.build_app(deps)
    web_app.router.add_post("/zoom/events", zoom.make_endpoint(deps))
    web_app.router.add_post("/slack/events", slack.make_endpoint(slack_app))
    web_app.router.add_get("/metrics", metrics_http.make_endpoint(deps))
    return web_app


async def serve(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Run until `stop` is set or SIGINT/SIGTERM arrives; close everything on the way out."""
    stop = stop or asyncio.Event()
    lang = settings.language
    async with AsyncExitStack() as stack:
        # Issue 21: the lock `restore` checks (one bot per database), then a backup if migrations
        # are pending and LACRALO_BACKUP_DIR is set.
        stack.callback((await backups.claim(settings, utc_now())).release)
        conn = await open_store(settings.db_path, settings.db_busy_timeout_ms)
        stack.push_async_callback(conn.close)
        audit_log.sign_with(conn, settings.audit_key)  # issue 20: tag entries when a key is set
        log.info(t("run.log.database", lang, path=str(settings.db_path.resolve())))
        deps = Deps(store=conn, settings=settings, region=load_region(settings.region_file))
        # Issue 20.5: a list counts once the region file names it; the stored flags follow the
        # file as it is now, so posts recorded while their list was unknown count from here.
        await participation_service.sync_lists(conn, deps.region, utc_now())

        slack_ready = credential_parts(settings)["slack"] is None
        slack_app = slack.build_slack_app(deps) if slack_ready else None
        runner = web.AppRunner(
            build_web_app(deps, slack_app), access_log=None, shutdown_timeout=HTTP_STOP_S
        )
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        # Issue 20: one count of connections for every receiver, against one budget of sockets.
        caps = peers.connection_caps(settings)
        stack.callback(caps.flush)  # the last minute's count of refusals, if any
        listener = await _listen(
            "http",
            settings.http_host,
            settings.http_port,
            http_server.listen(
                runner, settings.http_host, settings.http_port, caps, settings.idle_timeout_s
            ),
        )
        stack.callback(listener.close)  # before runner.cleanup closes the connections
        _running(deps, "http", f"http://{settings.http_host}:{settings.http_port}/")

        server = await _listen(
            "smtp",
            settings.smtp_host,
            settings.smtp_port,
            smtp.start_server(deps, settings.smtp_host, settings.smtp_port, caps=caps),
        )
        mail_servers = [server]
        # Issue 21: on the way out, stop accepting, let every message fully received be
        # committed and answered, 421 to the rest.
        stack.push_async_callback(_stop_mail, mail_servers, caps, lang)
        _running(deps, "smtp", f"{settings.smtp_host}:{settings.smtp_port}")
        if settings.lmtp_port:
            lmtp = await _listen(
                "lmtp",
                settings.smtp_host,
                settings.lmtp_port,
                smtp.start_server(
                    deps, settings.smtp_host, settings.lmtp_port, lmtp=True, caps=caps
                ),
            )
            mail_servers.append(lmtp)
            _running(deps, "lmtp", f"{settings.smtp_host}:{settings.lmtp_port}")

        for part, missing in credential_parts(settings).items():
            if missing:
                deps.parts[part] = f"skipped: {missing} not set"
                log.info(t(f"run.log.skipped.{part}", lang, setting=missing))
            else:
                _running(deps, part, WHERE[part])

        if slack_app is not None and settings.slack_app_token:
            socket = await slack.start_socket_mode(slack_app, settings.slack_app_token)
            stack.push_async_callback(socket.close_async)
            _running(deps, "slack_socket_mode", "wss")

        senders = _senders(deps)
        # Receivers are up: the first status refresh waits one tick more for what they take in.
        tick = settings.scheduler_tick_s
        scheduler = Scheduler(deps, senders, tick=tick, first_refresh_after=timedelta(seconds=tick))
        task = asyncio.create_task(scheduler.run(stop))
        stack.push_async_callback(_finish, task, lang)
        _running(deps, "scheduler", ", ".join(sorted(senders)) or "-")

        _install_signal_handlers(stop)
        log.info(t("run.log.ready", lang))
        await stop.wait()
        log.info(t("run.log.stopping", lang))


async def _listen(part: str, host: str, port: int, starting: Awaitable[T]) -> T:
    """Bind a listener, turning 'address in use' into a sentence that names the setting."""
    try:
        return await starting
    except OSError as exc:
        raise StartupError(
            Reason(
                "run.error.listen",
                {"part": part, "host": host, "port": port, "error": exc.strerror or str(exc)},
            )
        ) from None


def _senders(deps: Deps) -> dict[str, Sender]:
    """The outbox's channels that are configured: e-mail through the relay, Slack DMs."""
    found: dict[str, Sender] = {}
    if deps.settings.outbound_smtp_host:
        found["email"] = mail_out.email_sender(deps.settings, deps.clock)
    if deps.settings.slack_bot_token:
        found["slack"] = slack_out.slack_sender(deps.settings)
    return found


async def _finish(task: asyncio.Task[None], lang: str) -> None:
    """The scheduler ends its round after `stop`; a round stuck on a slow relay is cut short
    (its outbox rows stay pending and go out after the restart)."""
    try:
        await asyncio.wait_for(task, SCHEDULER_STOP_S)
    except TimeoutError:
        log.warning(t("run.log.scheduler_cut", lang))


def _running(deps: Deps, part: str, where: str) -> None:
    deps.parts[part] = "running"
    log.info(t(f"run.log.running.{part}", deps.settings.language, where=where))


async def _stop_mail(
    servers: list[asyncio.base_events.Server], caps: peers.ConnectionCaps, lang: str
) -> None:
    for server in servers:
        server.close()
    left = await smtp_session.drain(caps, MAIL_DRAIN_S)
    if left:
        log.warning(t("run.log.mail_left", lang, count=left))
    for server in servers:
        await server.wait_closed()


def _install_signal_handlers(stop: asyncio.Event) -> None:
    """Ctrl-C and SIGTERM stop the bot cleanly. Outside the main thread (tests drive `serve`
    themselves) signals cannot be caught, and the caller's `stop` event does the job."""
    if threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
