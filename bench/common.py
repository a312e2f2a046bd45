"""What the benchmarks share: free ports, starting and stopping `lacralo-bot run`."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {port}")


def bot_env(workdir: Path) -> tuple[dict[str, str], int, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LACRALO_", "SLACK_", "ZOOM_"))}
    http_port, smtp_port = free_port(), free_port()
    env.update(
        LACRALO_HTTP_PORT=str(http_port),
        LACRALO_SMTP_PORT=str(smtp_port),
        LACRALO_LOG_LEVEL="WARNING",
        PYTHONPATH=str(REPO),
    )
    return env, http_port, smtp_port


def start_bot(workdir: Path, env: dict[str, str], http_port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.05)
    stop(proc)
    raise TimeoutError("the bot did not answer /healthz")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory from /proc (VmRSS now, VmHWM its peak), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


@dataclass
class RunningBot:
    proc: subprocess.Popen[bytes]
    workdir: Path
    http_port: int
    smtp_port: int

    def stored(self) -> int:
        """Participation events durably in the database (read after the bot stopped)."""
        with sqlite3.connect(self.workdir / "lacralo.db") as db:
            return int(db.execute("SELECT count(*) FROM participation").fetchone()[0])


@contextmanager
def running_bot(
    extra_env: dict[str, str] | None = None, roster: bool = False
) -> Iterator[RunningBot]:
    """`lacralo-bot run` in a fresh directory (with the example roster when asked), stopped on exit;
    the directory lives until the block ends, so the database can be read after the stop."""
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env, http_port, smtp_port = bot_env(workdir)
        env.update(extra_env or {})
        if roster:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bot",
                    "roster",
                    "import",
                    str(REPO / "examples" / "roster.csv"),
                ],
                cwd=workdir,
                env=env,
                capture_output=True,
                check=True,
            )
        bot = RunningBot(start_bot(workdir, env, http_port), workdir, http_port, smtp_port)
        try:
            yield bot
        finally:
            stop(bot.proc)
