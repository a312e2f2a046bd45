"""The lock `lacralo-bot run` holds on its database, so `restore` knows a bot is using the file.

An advisory `flock` on `<db>.lock` beside the database: the kernel releases it when the holder's
process ends in any way, SIGKILL and power cuts included, so a lock is never left stale. The file
itself stays (it only carries the holder's process id, for the message that names it); what counts
is whether the lock on it is held.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

from bot.store.connection import StoreError


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@dataclass
class RunLock:
    """A held lock; `release` (or the process ending) lets the next holder in."""

    path: Path
    fd: int

    def release(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = -1


def acquire(db_path: Path) -> RunLock | None:
    """Take the database's lock without waiting; None when another process holds it.

    StoreError when the lock file cannot be created (no directory, no permission), as opening the
    database itself would."""
    path = lock_path(db_path)
    if not path.parent.exists():
        raise StoreError(db_path, "no_directory")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise StoreError(path, exc.strerror or str(exc)) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    except OSError as exc:
        os.close(fd)
        raise StoreError(path, exc.strerror or str(exc)) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    return RunLock(path, fd)


def holder(db_path: Path) -> str:
    """The process id the last holder wrote, for a message ('?' when unreadable)."""
    try:
        return lock_path(db_path).read_text(encoding="ascii").strip() or "?"
    except OSError:
        return "?"
