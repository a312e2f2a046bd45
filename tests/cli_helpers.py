"""Running the real command line in a subprocess, in a clean directory with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SETTING_PREFIXES = ("LACRALO_", "SLACK_", "ZOOM_")


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SETTING_PREFIXES)}
    env.update(extra)
    return env


def run_cli(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
