"""`lacralo-bot backup` and `restore` (issue 21): checked copies, atomic writes, refusals that change
nothing. The bot running while they work is in tests/e2e/test_backup.py."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.deps import Deps
from bot.region import load_region
from bot.scheduler import Scheduler
from bot.services import backup as backups
from bot.services import roster as roster_service
from bot.settings import Settings
from bot.store import latest_version, open_store, run_lock
from bot.store.migrate import APPLICATION_ID
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


async def make_db(path: Path) -> None:
    """A database with the example roster: people, ALSs and audit entries to carry over."""
    conn = await open_store(path)
    try:
        await roster_service.import_roster(
            conn, load_region(), EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "test"
        )
    finally:
        await conn.close()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return list(conn.execute(sql))


def write(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        for sql in statements:
            conn.execute(sql)
        conn.commit()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(directory: Path) -> list[str]:
    """Temporary files a failed copy must not leave behind."""
    return sorted(p.name for p in directory.iterdir() if ".partial" in p.name)


def break_audit_chain(path: Path) -> None:
    write(
        path,
        "DROP TRIGGER audit_log_no_update",
        "UPDATE audit_log SET data = replace(data, 'a', 'b') WHERE seq = 2",
    )


# --- backup -------------------------------------------------------------------------------------


async def test_backup_is_a_checked_private_copy(tmp_path: Path) -> None:
    await make_db(tmp_path / "lacralo.db")
    done = run_cli(tmp_path, "backup", "copy.db")
    assert done.returncode == 0, done.stderr
    assert "Backup written to copy.db" in done.stderr and "audit log intact" in done.stderr
    copy = tmp_path / "copy.db"
    assert (copy.stat().st_mode & 0o777) == 0o600  # it holds people's addresses
    assert query(copy, "PRAGMA integrity_check") == [("ok",)]
    assert query(copy, "PRAGMA user_version") == [(latest_version(),)]
    assert query(copy, "PRAGMA application_id") == [(APPLICATION_ID,)]
    assert query(copy, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert query(copy, "SELECT count(*) FROM person") == query(
        tmp_path / "lacralo.db", "SELECT count(*) FROM person"
    )
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("missing-dir/copy.db", "No such file or directory"),
        ("a-file/copy.db", "Not a directory"),
    ],
)
async def test_backup_to_an_unwritable_path_exits_1_and_leaves_nothing(
    tmp_path: Path, target: str, why: str
) -> None:
    await make_db(tmp_path / "lacralo.db")
    (tmp_path / "a-file").write_text("not a directory")
    before = sorted(p.name for p in tmp_path.iterdir())
    done = run_cli(tmp_path, "backup", target)
    assert done.returncode == 1
    assert f"Cannot write {target}: {why}" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before


async def test_a_copy_that_fails_its_check_is_not_kept(tmp_path: Path) -> None:
    """The database's audit chain was edited by hand: the copy fails the audit check, nothing is
    written, and an earlier backup under that name stays as it was."""
    await make_db(tmp_path / "lacralo.db")
    assert run_cli(tmp_path, "backup", "copy.db").returncode == 0
    earlier = digest(tmp_path / "copy.db")
    break_audit_chain(tmp_path / "lacralo.db")
    done = run_cli(tmp_path, "backup", "copy.db", LACRALO_LANGUAGE="es")
    assert done.returncode == 1
    assert "no pasa la verificación del registro de auditoría en la entrada 2" in done.stderr
    assert digest(tmp_path / "copy.db") == earlier
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["lacralo.db"], "is the database itself"),
        (["."], "is a directory"),
    ],
)
async def test_backup_refuses_a_target_that_is_not_a_new_file(
    tmp_path: Path, args: list[str], said: str
) -> None:
    await make_db(tmp_path / "lacralo.db")
    before = digest(tmp_path / "lacralo.db")
    done = run_cli(tmp_path, "backup", *args)
    assert done.returncode == 1 and said in done.stderr
    assert digest(tmp_path / "lacralo.db") == before


async def test_backup_to_a_path_that_cannot_be_looked_up_says_why(tmp_path: Path) -> None:
    """A directory on the way that the service's user may not enter (EACCES), or a name too long
    (ENAMETOOLONG, which fails the same way as root): the reason in one line, never a traceback.
    Here the second, since tests may run as root, for whom every directory opens."""
    await make_db(tmp_path / "lacralo.db")
    target = f"{'x' * 300}/copy.db"
    before = sorted(p.name for p in tmp_path.iterdir())
    done = run_cli(tmp_path, "backup", target)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"Cannot write {target}: File name too long" in done.stderr.replace("\n", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_backup_without_a_database_says_so_and_creates_none(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "backup", "copy.db")
    assert done.returncode == 1 and "There is no database at lacralo.db" in done.stderr
    assert list(tmp_path.iterdir()) == []


# --- restore ------------------------------------------------------------------------------------


async def test_restore_puts_the_backup_back_and_keeps_the_replaced_database(
    tmp_path: Path,
) -> None:
    db = tmp_path / "lacralo.db"
    await make_db(db)
    assert run_cli(tmp_path, "backup", "copy.db").returncode == 0
    write(db, "DELETE FROM person_alias")  # a change after the backup, to be rolled back
    done = run_cli(tmp_path, "restore", "copy.db")
    assert done.returncode == 0, done.stderr
    assert "Restored copy.db as lacralo.db" in done.stderr
    replaced = [p for p in tmp_path.iterdir() if p.name.startswith("lacralo.db.replaced-")]
    assert len(replaced) == 1 and replaced[0].name in done.stderr.replace("\n", "")
    assert query(replaced[0], "SELECT count(*) FROM person_alias") == [(0,)]
    assert query(db, "SELECT count(*) FROM person_alias") != [(0,)]
    assert run_cli(tmp_path, "audit", "verify").returncode == 0
    assert leftovers(tmp_path) == []


async def test_restore_moves_the_wal_with_the_database_it_replaces(tmp_path: Path) -> None:
    """A bot killed mid-work leaves `-wal` and `-shm` beside the file: they go aside with it, so
    the replaced database keeps its last writes and no stray WAL is replayed into the backup."""
    db = tmp_path / "lacralo.db"
    await make_db(db)
    assert run_cli(tmp_path, "backup", "copy.db").returncode == 0
    killed = (
        "import os, sqlite3, sys\n"
        "c = sqlite3.connect(sys.argv[1])\n"
        "c.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "c.execute('DELETE FROM person_alias')\n"
        "c.commit()\n"
        "os._exit(0)  # no close, no checkpoint: the write is only in the WAL\n"
    )
    subprocess.run([sys.executable, "-c", killed, str(db)], check=True)
    assert (tmp_path / "lacralo.db-wal").stat().st_size > 0
    restored = await backups.restore(db, tmp_path / "copy.db", NOW)
    aside = restored.replaced
    assert aside is not None and aside.with_name(aside.name + "-wal").exists()
    assert not (tmp_path / "lacralo.db-wal").exists()
    assert query(aside, "SELECT count(*) FROM person_alias") == [(0,)]
    assert query(db, "SELECT count(*) FROM person_alias") != [(0,)]


async def test_restore_into_a_directory_without_a_database(tmp_path: Path) -> None:
    await make_db(tmp_path / "lacralo.db")
    assert run_cli(tmp_path, "backup", "copy.db").returncode == 0
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    done = run_cli(fresh, "restore", str(tmp_path / "copy.db"))
    assert done.returncode == 0, done.stderr
    assert "kept as" not in done.stderr
    assert query(fresh / "lacralo.db", "SELECT count(*) FROM person") == query(
        tmp_path / "lacralo.db", "SELECT count(*) FROM person"
    )


def _truncated(tmp_path: Path, backup: Path) -> Path:
    cut = tmp_path / "truncated.db"
    cut.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    return cut


def _foreign(tmp_path: Path, backup: Path) -> Path:
    other = tmp_path / "other.db"
    write(other, "CREATE TABLE notes (body TEXT)", "PRAGMA user_version = 3")
    return other


def _not_sqlite(tmp_path: Path, backup: Path) -> Path:
    text = tmp_path / "notes.txt"
    text.write_text("this is not a database\n" * 200)
    return text


def _broken_chain(tmp_path: Path, backup: Path) -> Path:
    broken = tmp_path / "broken.db"
    broken.write_bytes(backup.read_bytes())
    break_audit_chain(broken)
    return broken


def _empty(tmp_path: Path, backup: Path) -> Path:
    """What a copy to a full disk can leave: a file of no bytes."""
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    return empty


def _from_a_newer_version(tmp_path: Path, backup: Path) -> Path:
    newer = tmp_path / "newer.db"
    newer.write_bytes(backup.read_bytes())
    write(newer, f"PRAGMA user_version = {latest_version() + 1}")
    return newer


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_truncated, "cannot be read as a database"),
        (_not_sqlite, "cannot be read as a database (file is not a database)"),
        (_foreign, "is not a lacralo-bot database"),
        (_broken_chain, "fails the audit log check at entry 2"),
        (_from_a_newer_version, "was written by a newer lacralo-bot"),
        (lambda tmp_path, _b: tmp_path / "nowhere.db", "There is no backup file at"),
        (lambda tmp_path, _b: tmp_path, "is a directory; give the backup file to restore"),
        # Looking the file up fails (as for root's file when restore runs as the service's user).
        (lambda tmp_path, _b: tmp_path / ("x" * 300) / "a.db", "File name too long. Nothing"),
        (_empty, "is not a lacralo-bot database"),
    ],
    ids=[
        "truncated",
        "not-sqlite",
        "foreign",
        "broken-chain",
        "newer",
        "missing",
        "directory",
        "cannot-look-up",
        "empty",
    ],
)
async def test_restore_refuses_a_bad_file_and_changes_nothing(
    tmp_path: Path, make: object, said: str
) -> None:
    db = tmp_path / "lacralo.db"
    await make_db(db)
    assert run_cli(tmp_path, "backup", "copy.db").returncode == 0
    bad = make(tmp_path, tmp_path / "copy.db")  # type: ignore[operator]
    before = digest(db)
    names = sorted(p.name for p in tmp_path.iterdir()) + ["lacralo.db.lock"]  # the lock stays
    done = run_cli(tmp_path, "restore", str(bad))
    assert done.returncode == 1, done.stderr
    assert said in done.stderr.replace("\n", "") and "Traceback" not in done.stderr
    assert "Cannot write" not in done.stderr  # a source that cannot be read never blames the db
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)  # nothing aside or partial


async def test_restore_is_refused_while_the_run_lock_is_held(tmp_path: Path) -> None:
    db = tmp_path / "lacralo.db"
    await make_db(db)
    assert run_cli(tmp_path, "backup", "copy.db").returncode == 0
    lock = run_lock.acquire(db)
    assert lock is not None
    try:
        done = run_cli(tmp_path, "restore", "copy.db", LACRALO_LANGUAGE="fr")
        assert done.returncode == 1
        assert "Un bot tourne sur lacralo.db" in done.stderr and "Arrêtez-le" in done.stderr
    finally:
        lock.release()
    assert run_cli(tmp_path, "restore", "copy.db").returncode == 0


def test_the_run_lock_admits_one_holder_at_a_time(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    first = run_lock.acquire(db)
    assert first is not None and run_lock.acquire(db) is None
    assert run_lock.holder(db).isdigit()
    first.release()
    again = run_lock.acquire(db)
    assert again is not None
    again.release()


# --- daily backups ------------------------------------------------------------------------------


def settings_for(tmp_path: Path, **more: object) -> Settings:
    backups_dir = tmp_path / "backups"
    backups_dir.mkdir(exist_ok=True)
    return Settings(db_path=tmp_path / "lacralo.db", backup_dir=backups_dir, **more)  # type: ignore[arg-type]


async def test_one_backup_a_day_the_last_n_kept(tmp_path: Path) -> None:
    await make_db(tmp_path / "lacralo.db")
    settings = settings_for(tmp_path, backup_keep=3)
    (settings.backup_dir / "notes.txt").write_text("not a backup")  # type: ignore[operator]
    daily = backups.DailyBackups()
    for day in range(5):
        now = NOW + timedelta(days=day)
        assert await daily.run(settings, now) is not None
        assert await daily.run(settings, now + timedelta(hours=1)) is None  # same day
    names = sorted(p.name for p in settings.backup_dir.iterdir())  # type: ignore[union-attr]
    assert names == [
        "lacralo-2026-12-02.db",
        "lacralo-2026-12-03.db",
        "lacralo-2026-12-04.db",
        "notes.txt",
    ]


async def test_a_failed_daily_backup_is_logged_and_retried_later_not_at_every_tick(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A failure is one ERROR line naming the next try; the ticks before it neither copy nor log
    (2,880 lines a day, otherwise); the waits double from 15 minutes up to 6 hours; the first
    success says how many attempts failed."""
    settings = settings_for(tmp_path)  # no database yet: the backup fails
    daily = backups.DailyBackups()
    tick = timedelta(seconds=30)
    with caplog.at_level(logging.INFO, logger="lacralo_bot.backup"):
        assert await daily.run(settings, NOW) is None
        for n in range(1, 20):  # ten minutes of ticks: nothing tried, nothing logged
            assert await daily.run(settings, NOW + n * tick) is None
        first = [r.getMessage() for r in caplog.records]
        assert len(first) == 1 and "There is no database" in first[0]
        assert "(next try: 2026-11-30 12:15 UTC; the bot goes on meanwhile): " in first[0]
        assert ".." not in first[0], first[0]  # the reason's own full stop ends the line
        waits = []
        for _ in range(11):
            tried = daily.next_try
            assert tried is not None and await daily.run(settings, tried) is None
            waits.append(int((daily.next_try - tried).total_seconds() // 60))  # type: ignore[operator]
        assert waits == [30, 60, 120, 240, 360, 360, 360, 360, 360, 360, 360]
        assert daily.failures == 12 and len(caplog.records) == 12
        waited = daily.next_try
        assert waited is not None
        await make_db(tmp_path / "lacralo.db")
        assert await daily.run(settings, waited - tick) is None  # still waiting
        written = await daily.run(settings, waited)
    assert written == settings.backup_dir / f"lacralo-{waited:%Y-%m-%d}.db"  # type: ignore[operator]
    assert "(after 12 failed attempts)" in caplog.records[-1].getMessage()
    assert daily.failures == 0 and daily.next_try is None


async def test_the_scheduler_makes_the_daily_backup(tmp_path: Path) -> None:
    await make_db(tmp_path / "lacralo.db")
    settings = settings_for(tmp_path)
    conn = await open_store(settings.db_path)
    try:
        deps = Deps(store=conn, settings=settings, region=load_region(), clock=lambda: NOW)
        await Scheduler(deps, {}).tick()
    finally:
        await conn.close()
    assert (settings.backup_dir / "lacralo-2026-11-30.db").exists()  # type: ignore[operator]


async def test_a_scheduler_round_goes_on_when_the_backup_fails(tmp_path: Path) -> None:
    """The backup directory vanished: the round logs it and still does the rest (the status
    refresh records its run)."""
    await make_db(tmp_path / "lacralo.db")
    settings = settings_for(tmp_path)
    settings.backup_dir.rmdir()  # type: ignore[union-attr]
    conn = await open_store(settings.db_path)
    try:
        deps = Deps(store=conn, settings=settings, region=load_region(), clock=lambda: NOW)
        scheduler = Scheduler(deps, {})
        await scheduler.tick()
        assert scheduler.last_refresh == NOW
    finally:
        await conn.close()


async def test_the_copy_reports_its_progress_to_the_end(tmp_path: Path) -> None:
    await make_db(tmp_path / "lacralo.db")
    seen: list[tuple[int, int]] = []
    await backups.make_backup(
        tmp_path / "lacralo.db", tmp_path / "copy.db", progress=lambda *p: seen.append(p)
    )
    assert seen and seen[-1][0] == seen[-1][1] > 0
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
