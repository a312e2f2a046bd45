"""`lacralo-bot run` as a real subprocess on free loopback ports, for end-to-end tests."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.cli_helpers import clean_env
from tests.conftest import free_port, wait_until


class BotProcess:
    def __init__(self, workdir: Path, **env: str) -> None:
        self.workdir = workdir
        self.http_port = free_port()
        self.smtp_port = free_port()
        self.log_path = workdir / "bot.log"
        self.env = clean_env(
            LACRALO_HTTP_PORT=str(self.http_port), LACRALO_SMTP_PORT=str(self.smtp_port), **env
        )
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self, timeout: float = 20.0) -> BotProcess:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=self.workdir,
            env=self.env,
            stdout=log,
            stderr=log,
        )
        try:
            wait_until(
                lambda: self.healthy() or self.proc is None or self.proc.poll() is not None,
                timeout,
                "the bot to answer /healthz",
            )
            assert self.proc.poll() is None, f"bot exited early:\n{self.log()}"
        except AssertionError:
            self.proc.kill()  # a bot that never came up must not outlive the test
            self.proc.wait(10)
            raise
        return self

    def healthy(self) -> bool:
        try:
            return self.get_json("/healthz")["status"] == "ok"
        except (OSError, ValueError):
            return False

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        request = urllib.request.Request(self.base_url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status, response.read().decode("utf-8"), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)

    def get_json(self, path: str) -> Any:
        status, body, _ = self.get(path)
        if status != 200:
            raise ValueError(status)
        return json.loads(body)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15.0) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")
