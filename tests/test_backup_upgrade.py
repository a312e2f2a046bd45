"""Safe upgrades (issue 21): a backup before migrations change the file, a file from a newer
version refused with both versions named, and the schema version shown. The latest version is
computed, never written here: migrations are added all the time."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.domain.errors import StartupError
from bot.i18n import render
from bot.services import backup as backups
from bot.settings import Settings
from bot.store import latest_version, migrate, open_store, run_lock
from bot.store.migrate import APPLICATION_ID, SchemaTooNew
from tests.cli_helpers import run_cli

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def pragma(path: Path, name: str) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return int(conn.execute(f"PRAGMA {name}").fetchone()[0])


def set_version(path: Path, version: int) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()


async def at_version(path: Path, version: int) -> None:
    """A database as an older lacralo-bot left it."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        assert await migrate(conn, target=version) == version
    finally:
        await conn.close()


async def test_open_store_marks_the_file_as_lacralo_bot_s(tmp_path: Path) -> None:
    conn = await open_store(tmp_path / "x.db")
    await conn.close()
    assert pragma(tmp_path / "x.db", "application_id") == APPLICATION_ID


async def test_a_file_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    conn = await open_store(path)
    await conn.close()
    newer = latest_version() + 2
    set_version(path, newer)
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew) as caught:
        await open_store(path)
    said = render(caught.value.reason, "en")
    assert f"its schema version is {newer}" in said
    assert f"schema versions up to {latest_version()}" in said
    assert pragma(path, "user_version") == newer and path.read_bytes() == before


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "was written by a newer lacralo-bot"),
        ("es", "fue escrita por un lacralo-bot más nuevo"),
        ("pt", "foi gravado por um lacralo-bot mais novo"),
        ("fr", "a été écrite par un lacralo-bot plus récent"),
    ],
)
async def test_run_on_a_newer_file_stops_with_one_clear_sentence(
    tmp_path: Path, lang: str, words: str
) -> None:
    conn = await open_store(tmp_path / "lacralo.db")
    await conn.close()
    set_version(tmp_path / "lacralo.db", latest_version() + 1)
    done = run_cli(tmp_path, "run", LACRALO_LANGUAGE=lang)
    assert done.returncode == 2
    text = " ".join(done.stderr.split())
    assert words in text and str(latest_version() + 1) in text and str(latest_version()) in text
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("old", sorted({1, latest_version() - 1}))
async def test_pending_migrations_are_preceded_by_a_checked_backup(
    tmp_path: Path, old: int
) -> None:
    db = tmp_path / "lacralo.db"
    await at_version(db, old)
    (tmp_path / "backups").mkdir()
    settings = Settings(db_path=db, backup_dir=tmp_path / "backups")  # type: ignore[call-arg]
    made = await backups.before_upgrade(settings, NOW)
    assert made is not None
    assert made.name == f"lacralo-pre-upgrade-v{old}-to-v{latest_version()}-20261130T120000Z.db"
    assert pragma(made, "user_version") == old  # the file as it was, before the migrations
    conn = await open_store(db)
    await conn.close()
    assert await backups.before_upgrade(settings, NOW) is None  # current now: nothing to do
    # The daily rotation never deletes it.
    assert backups.prune(tmp_path / "backups", db, 1) == []


async def test_no_backup_before_a_first_start_or_without_a_backup_directory(
    tmp_path: Path,
) -> None:
    (tmp_path / "backups").mkdir()
    fresh = Settings(db_path=tmp_path / "new.db", backup_dir=tmp_path / "backups")  # type: ignore[call-arg]
    assert await backups.before_upgrade(fresh, NOW) is None
    await at_version(tmp_path / "old.db", 1)
    without = Settings(db_path=tmp_path / "old.db")  # type: ignore[call-arg]
    assert await backups.before_upgrade(without, NOW) is None
    assert list((tmp_path / "backups").iterdir()) == []


async def test_the_upgrade_waits_when_its_backup_cannot_be_made(tmp_path: Path) -> None:
    db = tmp_path / "lacralo.db"
    await at_version(db, latest_version() - 1)
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute(
            "INSERT INTO audit_log VALUES (1, 't', 'a', 'x', 's', '{}', 'not-genesis', 'h')"
        )
        conn.commit()
    (tmp_path / "backups").mkdir()
    settings = Settings(db_path=db, backup_dir=tmp_path / "backups")  # type: ignore[call-arg]
    with pytest.raises(StartupError) as caught:
        await backups.claim(settings, NOW)
    assert "was not upgraded" in render(caught.value.reason, "en")
    assert pragma(db, "user_version") == latest_version() - 1
    assert list((tmp_path / "backups").iterdir()) == []
    lock = run_lock.acquire(db)  # released again for the next try
    assert lock is not None
    lock.release()


async def test_a_missing_backup_directory_stops_start_up(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "x.db", backup_dir=tmp_path / "nope")  # type: ignore[call-arg]
    with pytest.raises(StartupError) as caught:
        await backups.claim(settings, NOW)
    assert "LACRALO_BACKUP_DIR" in render(caught.value.reason, "en")


def test_version_names_the_schema_version(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(f"(database schema version {latest_version()})")


def test_bad_backup_settings_are_refused(tmp_path: Path) -> None:
    done = run_cli(tmp_path, "status", LACRALO_BACKUP_KEEP="0")
    assert done.returncode == 2 and "LACRALO_BACKUP_KEEP" in done.stderr


async def test_a_command_after_an_upgrade_backs_up_before_it_migrates(tmp_path: Path) -> None:
    """Not only `run`: the first `status` after installing a newer version migrates the file too."""
    await at_version(tmp_path / "lacralo.db", latest_version() - 1)
    (tmp_path / "backups").mkdir()
    done = run_cli(tmp_path, "status", "--format", "json", LACRALO_BACKUP_DIR="backups")
    assert done.returncode == 0, done.stderr
    made = list((tmp_path / "backups").glob("lacralo-pre-upgrade-*.db"))
    assert len(made) == 1
    assert pragma(made[0], "user_version") == latest_version() - 1
    assert pragma(tmp_path / "lacralo.db", "user_version") == latest_version()


@pytest.mark.parametrize("with_backups", [True, False], ids=["backup-dir", "no-backup-dir"])
async def test_a_command_never_migrates_under_a_bot_still_running_the_older_version(
    tmp_path: Path, with_backups: bool
) -> None:
    """`git pull && pip install` done, the bot not restarted yet: the older bot holds the run
    lock, and a command of the new version must not upgrade the file under it, backup directory
    or not. Once the bot is gone the same command upgrades it."""
    db = tmp_path / "lacralo.db"
    await at_version(db, latest_version() - 1)
    (tmp_path / "backups").mkdir()
    env = {"LACRALO_BACKUP_DIR": "backups"} if with_backups else {}
    running = run_lock.acquire(db)
    assert running is not None
    try:
        done = run_cli(tmp_path, "status", "--format", "json", **env)
    finally:
        running.release()
    assert done.returncode == 2, done.stderr
    said = done.stderr.replace("\n", "")
    assert "is still running the older lacralo-bot on lacralo.db" in said
    assert f"(database schema version {latest_version() - 1})" in said
    assert "systemctl restart lacralo-bot" in said
    assert pragma(db, "user_version") == latest_version() - 1
    assert list((tmp_path / "backups").iterdir()) == []
    assert run_cli(tmp_path, "status", "--format", "json", **env).returncode == 0
    assert pragma(db, "user_version") == latest_version()


async def test_a_command_with_nothing_to_migrate_needs_no_backup_directory(
    tmp_path: Path,
) -> None:
    """An unmounted backup disk stops `run` (the daily backups would fail), but an operator can
    still look at the record with commands that change no schema."""
    conn = await open_store(tmp_path / "lacralo.db")
    await conn.close()
    done = run_cli(tmp_path, "status", "--format", "json", LACRALO_BACKUP_DIR="unmounted")
    assert done.returncode == 0, done.stderr
    settings = Settings(db_path=tmp_path / "lacralo.db", backup_dir=tmp_path / "unmounted")  # type: ignore[call-arg]
    with pytest.raises(StartupError) as caught:
        await backups.claim(settings, NOW)
    assert "unmounted does not exist" in render(caught.value.reason, "en")


async def test_a_backup_directory_that_is_a_file_stops_start_up(tmp_path: Path) -> None:
    (tmp_path / "backups").write_text("not a directory")
    settings = Settings(db_path=tmp_path / "x.db", backup_dir=tmp_path / "backups")  # type: ignore[call-arg]
    with pytest.raises(StartupError) as caught:
        await backups.claim(settings, NOW)
    said = render(caught.value.reason, "es")
    assert "es un archivo, no un directorio" in said and "LACRALO_BACKUP_DIR" in said
    assert run_lock.acquire(tmp_path / "x.db") is not None  # no lock left taken


async def test_a_backup_directory_the_bot_cannot_write_stops_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the unit's ProtectSystem=strict a directory missing from ReadWritePaths= is
    read-only to the bot (access(2) says EROFS). Tests may run as root, whom file modes do not
    stop, so access(2) is made to answer as it does there."""
    (tmp_path / "backups").mkdir()
    real_access = os.access
    monkeypatch.setattr(
        backups.os,
        "access",
        lambda path, mode: False if Path(path).name == "backups" else real_access(path, mode),
    )
    settings = Settings(db_path=tmp_path / "x.db", backup_dir=tmp_path / "backups")  # type: ignore[call-arg]
    with pytest.raises(StartupError) as caught:
        await backups.claim(settings, NOW)
    said = render(caught.value.reason, "en")
    assert "cannot be written by this user" in said and "ReadWritePaths=" in said
