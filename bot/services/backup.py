"""Backups, restores and the backup before an upgrade (issue 21): the record that decides who votes
in LACRALO must survive a broken disk, a bad upgrade and a mistaken command.

Every copy is checked before it counts: SQLite's integrity check, that the file is a lacralo-bot
database, and the audit log's hash chain (PRODUCT.md, "Transparent"). A copy is written under a
temporary name beside its target and renamed only once checked, so a failure leaves no partial
file and an existing backup is only ever replaced by a good one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.errors import BotError, StartupError
from bot.domain.reasons import Reason
from bot.i18n import render, t
from bot.services import audit as audit_service
from bot.settings import Settings
from bot.store import backup as files
from bot.store import run_lock
from bot.store.migrate import APPLICATION_ID, SchemaTooNew, latest_version

log = logging.getLogger("lacralo_bot.backup")

# Tables every lacralo-bot database has had since version 1; with a schema version, how a file
# from before the header's application_id was set is still recognised.
CORE_TABLES = frozenset({"als", "person", "audit_log"})


class BackupRefused(BotError):
    """A backup or restore that was not done; the Reason says why. Nothing was changed."""


@dataclass(frozen=True)
class Checked:
    """A copy that passed every check."""

    path: Path
    version: int
    audit_entries: int
    size: int


@dataclass(frozen=True)
class Restored:
    checked: Checked
    replaced: Path | None  # where the database that was there before is kept, if there was one


def recognised(found: files.Inspection) -> bool:
    """A lacralo-bot database: our application_id in the header, or (a file written before the
    id was set) none at all with a schema version and the core tables."""
    if found.application_id == APPLICATION_ID:
        return True
    return found.application_id == 0 and found.version >= 1 and found.tables >= CORE_TABLES


async def check(path: Path, shown: Path) -> Checked:
    """Read the file at `path` (named `shown` in messages) as it is, and refuse it unless it is a
    sound lacralo-bot database whose audit chain holds."""
    try:
        async with files.opened(path) as conn:
            found = await files.inspect(conn)
            if found.integrity != "ok":
                raise BackupRefused(
                    Reason(
                        "backup.check.integrity", {"path": str(shown), "problem": found.integrity}
                    )
                )
            if not recognised(found):
                raise BackupRefused(Reason("backup.check.not_ours", {"path": str(shown)}))
            count, broken = await audit_service.verify(conn)
    except sqlite3.Error as exc:
        raise BackupRefused(
            Reason("backup.check.unreadable", {"path": str(shown), "error": str(exc)})
        ) from None
    if broken is not None:
        why = Reason(f"audit.break.{broken.why}")
        raise BackupRefused(
            Reason("backup.check.audit", {"path": str(shown), "seq": broken.seq, "why": why})
        )
    return Checked(shown, found.version, count, path.stat().st_size)


async def make_backup(
    db_path: Path,
    target: Path,
    busy_timeout_ms: int = 5000,
    progress: Callable[[int, int], None] | None = None,
) -> Checked:
    """An online, consistent, checked copy of the database at `target`; BackupRefused otherwise,
    with no file left behind. `progress(done, total)` in bytes as the copy goes."""
    try:
        if not db_path.is_file():
            raise BackupRefused(Reason("backup.error.no_database", {"path": str(db_path)}))
    except OSError as exc:  # a directory on the way this user may not enter
        raise _cannot_read(db_path, exc) from None
    try:
        if target.is_dir():
            raise BackupRefused(Reason("backup.error.is_directory", {"path": str(target)}))
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    if _same_file(db_path, target):
        raise BackupRefused(Reason("backup.error.same_file", {"path": str(target)}))
    with _temporary_for(target) as temporary:
        try:
            await asyncio.to_thread(
                files.copy_online, db_path, temporary, busy_timeout_ms, progress
            )
        except sqlite3.Error as exc:
            reason = {"db": str(db_path), "path": str(target), "error": str(exc)}
            raise BackupRefused(Reason("backup.error.copy", reason)) from None
        checked = await check(temporary, shown=target)
        await asyncio.to_thread(files.replace, temporary, target)
    return checked


@contextmanager
def _temporary_for(target: Path) -> Iterator[Path]:
    """A temporary file beside `target`, to be checked and renamed into place within the block;
    removed with its side files when the block fails, and a failure to write said of `target`."""
    try:
        temporary = files.temporary_beside(target)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    try:
        yield temporary
    except OSError as exc:
        files.remove_with_side_files(temporary)
        raise _cannot_write(target, exc) from None
    except BaseException:
        files.remove_with_side_files(temporary)
        raise


async def restore(db_path: Path, source: Path, now: datetime) -> Restored:
    """Put the backup `source` in place of the database, keeping the one it replaces beside it.

    Refused while a bot runs on the database (it holds the run lock, bot/store/run_lock.py); the
    lock is held here until the new file is in place, so no bot starts on a half-restored one."""
    lock = run_lock.acquire(db_path)
    if lock is None:
        pid = run_lock.holder(db_path)
        raise BackupRefused(Reason("backup.restore.running", {"path": str(db_path), "pid": pid}))
    try:
        return await _restore_locked(db_path, source, now)
    finally:
        lock.release()


async def _restore_locked(db_path: Path, source: Path, now: datetime) -> Restored:
    _readable_source(source)
    if _same_file(db_path, source):
        raise BackupRefused(Reason("backup.error.same_file", {"path": str(source)}))
    with _temporary_for(db_path) as temporary:
        # The bytes checked are the bytes put in place: the check reads the copy, not the source.
        await asyncio.to_thread(files.copy_file, source, temporary)
        checked = await check(temporary, shown=source)
        if checked.version > latest_version():
            raise BackupRefused(SchemaTooNew(str(source), checked.version).reason)
        aside = files.aside_name(db_path, now.strftime("%Y%m%dT%H%M%SZ"))
        moved = await asyncio.to_thread(files.move_aside, db_path, aside)
        await asyncio.to_thread(files.replace, temporary, db_path)
    placed = Checked(db_path, checked.version, checked.audit_entries, checked.size)
    return Restored(placed, aside if moved else None)


def _readable_source(source: Path) -> None:
    """A backup file this user can read, or BackupRefused saying which it is not: missing, a
    directory, or unreadable (`restore` runs as the service's user, who may not read root's
    files). Read and write failures are told apart, so a message never blames the database."""
    try:
        if source.is_dir():
            raise BackupRefused(Reason("backup.error.source_is_directory", {"path": str(source)}))
        if not source.is_file():
            raise BackupRefused(Reason("backup.error.no_source", {"path": str(source)}))
        with source.open("rb"):
            pass
    except OSError as exc:
        raise _cannot_read(source, exc) from None


def daily_name(db_path: Path, now: datetime) -> str:
    return f"{db_path.stem}-{now:%Y-%m-%d}.db"


def prune(directory: Path, db_path: Path, keep: int) -> list[Path]:
    """Delete the daily backups beyond the newest `keep` (by the date in their names); the
    backups made before upgrades and any other file are left alone. Returns what was deleted."""
    pattern = re.compile(rf"^{re.escape(db_path.stem)}-\d{{4}}-\d{{2}}-\d{{2}}\.db$")
    daily = sorted(p for p in directory.iterdir() if pattern.match(p.name))
    old = daily[:-keep] if keep > 0 else daily
    for path in old:
        path.unlink(missing_ok=True)
    return old


# After a failed daily backup (a full disk, a directory gone), the next try waits, doubling from
# FIRST_RETRY up to LAST_RETRY: a failure every 30 s tick would copy the database and write an
# ERROR line 2,880 times a day.
FIRST_RETRY = timedelta(minutes=15)
LAST_RETRY = timedelta(hours=6)


@dataclass
class DailyBackups:
    """The scheduler's daily backup into LACRALO_BACKUP_DIR, once per UTC day, the last
    LACRALO_BACKUP_KEEP kept. A failure is logged at ERROR with the time of the next try and never
    raised, and the bot's other work goes on; the first success after failures says how many."""

    failures: int = 0
    next_try: datetime | None = None

    async def run(self, settings: Settings, now: datetime) -> Path | None:
        """The backup written now, or None (not due, not configured, or failed)."""
        directory = settings.backup_dir
        if directory is None or (self.next_try is not None and now < self.next_try):
            return None
        target = directory / daily_name(settings.db_path, now)
        if target.exists():
            return None
        lang = settings.language
        try:
            checked = await make_backup(settings.db_path, target, settings.db_busy_timeout_ms)
            removed = prune(directory, settings.db_path, settings.backup_keep)
        except (BotError, OSError) as exc:
            self._failed(exc, now, lang)
            return None
        done = t(
            "backup.log.done",
            lang,
            path=str(target),
            entries=checked.audit_entries,
            count=len(removed),
        )
        if self.failures:
            done += " " + t("backup.log.after_failures", lang, count=self.failures)
        log.info(done)
        self.failures, self.next_try = 0, None
        return target

    def _failed(self, exc: BotError | OSError, now: datetime, lang: str) -> None:
        self.failures += 1
        self.next_try = now + min(FIRST_RETRY * 2 ** (self.failures - 1), LAST_RETRY)
        why = render(exc.reason, lang) if isinstance(exc, BotError) else exc.strerror or str(exc)
        at = self.next_try.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        log.error(t("backup.log.failed", lang, why=why, at=at))


async def before_upgrade(
    settings: Settings, now: datetime, *, lock_held: bool = False
) -> Path | None:
    """Before migrations change the file (at start-up, or the first command after installing a
    newer version): a checked backup in LACRALO_BACKUP_DIR when migrations are pending. If it
    cannot be made nothing starts (StartupError), so an upgrade never runs without its way back.
    Nothing to do for a new or current file; a file from a newer version is refused by
    open_store itself.

    A command (`lock_held` false) never migrates the file under a bot still running the older
    version (it holds the run lock): that bot would go on writing a schema it does not know. The
    bot is restarted instead, and upgrades the file itself."""
    db_path = settings.db_path
    version = await _version_of(db_path)
    latest = latest_version()
    if version is None or version == 0 or version >= latest:
        return None
    lock = None if lock_held else run_lock.acquire(db_path)
    if not lock_held and lock is None:
        facts = {"path": str(db_path), "pid": run_lock.holder(db_path), "found": version}
        raise StartupError(Reason("backup.upgrade.running", {**facts, "latest": latest}))
    try:
        return await _backup_before_upgrade(settings, version, latest, now)
    finally:
        if lock is not None:
            lock.release()


async def _backup_before_upgrade(
    settings: Settings, version: int, latest: int, now: datetime
) -> Path | None:
    directory = settings.backup_dir
    if directory is None:
        return None
    check_directory(directory)
    db_path = settings.db_path
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    target = directory / f"{db_path.stem}-pre-upgrade-v{version}-to-v{latest}-{stamp}.db"
    try:
        await make_backup(db_path, target, settings.db_busy_timeout_ms)
    except BackupRefused as exc:
        raise StartupError(Reason("backup.upgrade.failed", {"why": exc.reason})) from None
    log.info(
        t(
            "backup.log.pre_upgrade",
            settings.language,
            path=str(target),
            found=version,
            latest=latest,
        )
    )
    return target


async def _version_of(db_path: Path) -> int | None:
    """The file's schema version, without migrating it; None when there is no readable file
    (open_store then says what is wrong with it)."""
    if not db_path.is_file():
        return None
    try:
        async with files.opened(db_path) as conn, conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else 0


def check_directory(directory: Path) -> None:
    """LACRALO_BACKUP_DIR is a directory this user can write in, or StartupError naming what is
    wrong: checked when the bot starts, so a wrong setting (or a directory left out of the
    unit's ReadWritePaths=, which makes it read-only to the bot) is found then, not at the first
    daily backup."""
    try:
        if not directory.is_dir():
            key = "not_a_directory" if directory.exists() else "no_directory"
            raise StartupError(Reason(f"backup.error.{key}", {"path": str(directory)}))
    except OSError as exc:
        raise StartupError(_cannot_write(directory, exc).reason) from None
    if not os.access(directory, os.W_OK | os.X_OK):
        raise StartupError(Reason("backup.error.not_writable", {"path": str(directory)}))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.exists() and a.samefile(b))
    except OSError:
        return False


def _cannot_write(path: Path, exc: OSError) -> BackupRefused:
    return BackupRefused(
        Reason("backup.error.write", {"path": str(path), "error": exc.strerror or str(exc)})
    )


def _cannot_read(path: Path, exc: OSError) -> BackupRefused:
    return BackupRefused(
        Reason("backup.error.read", {"path": str(path), "error": exc.strerror or str(exc)})
    )


async def claim(settings: Settings, now: datetime) -> run_lock.RunLock:
    """What `run` does before it opens the database: check LACRALO_BACKUP_DIR, take the run lock
    (one bot per database; `restore` checks it), refusing to start when another bot holds it,
    then the backup before an upgrade. The lock is released again if that backup fails."""
    if settings.backup_dir is not None:
        check_directory(settings.backup_dir)
    lock = run_lock.acquire(settings.db_path)
    if lock is None:
        pid = run_lock.holder(settings.db_path)
        raise StartupError(
            Reason("backup.error.running", {"path": str(settings.db_path), "pid": pid})
        )
    try:
        await before_upgrade(settings, now, lock_held=True)
    except BaseException:
        lock.release()
        raise
    return lock
