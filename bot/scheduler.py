"""Work on a clock: deliver the outbox often, refresh statuses daily (the first a tick after start).

The clock is injectable (deps.clock) and each step is a plain coroutine, so tests run a tick at a
chosen moment instead of waiting. Between ticks the scheduler also waits on the outbox's wake-up
(`outbox.wakeup`, set when a queued message is committed) and then only delivers, so an answer to
a command leaves within seconds (issue 15); the tick remains the retry of whatever failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from bot.deps import Deps
from bot.i18n import t
from bot.services import backup as backups
from bot.services import digests, month_digest, nominations
from bot.services import outbox as outbox_service
from bot.services import status as status_service
from bot.services.reminders import run_reminders

log = logging.getLogger("lacralo_bot.scheduler")


class Scheduler:
    def __init__(
        self,
        deps: Deps,
        senders: Mapping[str, outbox_service.Sender],
        tick: float = 30.0,
        refresh_every: timedelta = timedelta(hours=24),
        first_refresh_after: timedelta = timedelta(0),
    ) -> None:
        self.deps = deps
        self.senders = senders
        self.tick_seconds = tick
        self.refresh_every = refresh_every
        self.backups = backups.DailyBackups()
        self.first_refresh_after = first_refresh_after
        self.started: datetime | None = None
        self.last_refresh: datetime | None = None

    def refresh_due(self, now: datetime) -> bool:
        """Daily; the first one only `first_refresh_after` the first tick, once the receivers have
        taken in what was waiting for them (Zoom and mail retries), so no status is judged on a
        record that is still arriving (issue 13)."""
        if self.started is None:
            self.started = now
        if self.last_refresh is None:
            return now - self.started >= self.first_refresh_after
        return now - self.last_refresh >= self.refresh_every

    async def tick(self) -> None:
        """One round: the daily status refresh when due, reminders, reports and digests, then the
        outbox."""
        now = self.deps.clock()
        # Issue 21: once a UTC day into LACRALO_BACKUP_DIR; a failure is logged, never raised.
        await self.backups.run(self.deps.settings, now)
        if self.refresh_due(now):
            report = await status_service.refresh(
                self.deps.store, self.deps.region, self.deps.settings, now, "scheduler"
            )
            self.last_refresh = now
            lang = self.deps.settings.language
            if report.behind is not None:
                log.warning(t("run.log.refresh_behind", lang, last=report.behind.isoformat()))
            else:
                text = t(
                    "run.log.refresh",
                    lang,
                    changes=len(report.changed),
                    warnings=len(report.warned),
                    queued=report.queued,
                )
                log.info(text)
        deps = self.deps
        await run_reminders(deps.store, deps.region, deps.settings, now)
        await digests.call_reports(deps.store, deps.region, deps.settings, now)
        await digests.monthly_digest(deps.store, deps.region, deps.settings, now)
        await month_digest.send_last_month(deps.store, deps.region, deps.settings, now)
        await nominations.remind_due(deps.store, deps.region, deps.settings, now)
        await nominations.close_expired(deps.store, deps.region, deps.settings, now)
        await outbox_service.deliver_due(
            self.deps.store, self.senders, now, self.deps.settings.language
        )

    async def deliver(self) -> None:
        """Only the outbox: what a wake-up between ticks asks for."""
        await outbox_service.deliver_due(
            self.deps.store, self.senders, self.deps.clock(), self.deps.settings.language
        )

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        woken = outbox_service.wakeup(self.deps.store)
        next_tick = loop.time()
        while not stop.is_set():
            woken.clear()  # what is queued from here on wakes the next wait
            whole_round = loop.time() >= next_tick
            try:
                await (self.tick() if whole_round else self.deliver())
            except Exception:  # a bad round must not stop the next ones
                log.exception(t("run.log.round_failed", self.deps.settings.language))
            if whole_round:
                next_tick = loop.time() + self.tick_seconds
            await _first_of(stop, woken, timeout=max(0.0, next_tick - loop.time()))


async def _first_of(stop: asyncio.Event, woken: asyncio.Event, timeout: float) -> None:
    """Wait until either event is set or `timeout` seconds have passed."""
    waits = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(woken.wait())]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiting in waits:
            waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*waits, return_exceptions=True)
