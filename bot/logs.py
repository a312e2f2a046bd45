"""The bot's log: one event per line, as text or JSON, never forged and never flooded.

Issue 20 (log hygiene): what a sender wrote (a Zoom display name, a mail header) must not be able
to forge a log line, aiosmtpd's per-command lines stay out of INFO, and refusals from one source are
summarised instead of written once per request. Issue 21: `LACRALO_LOG_FORMAT=json` gives one JSON
object per line for a log collector.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

# Every control character (line breaks included) and the Unicode line separators.
LINE_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")

# aiosmtpd logs every SMTP command and reply at INFO on this logger; a flood of connections would
# be a flood of lines. Its warnings (bad input) still pass.
CHATTY_LOGGERS = ("mail.log", "aiohttp.access")

SUMMARY_WINDOW_S = 60.0


def escaped(text: str) -> str:
    """Control characters written as their escapes: 'a\\nb' stays on one line as 'a\\\\nb'."""
    return LINE_BREAKS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class OneLineFormatter(logging.Formatter):
    """One event, one line: line breaks and other control characters in what a sender wrote are
    escaped, so nobody can forge a line of the log (PRODUCT.md, "Clear errors"). A traceback, added
    after the message, keeps its lines."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return escaped(super().formatMessage(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line (control characters and the Unicode line separators escaped, so a
    value can never break out of its line). Keys: time (UTC, ISO 8601), level, logger, message,
    and exception when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        # json.dumps escapes control characters but keeps U+2028/U+2029, which some readers take
        # for line breaks.
        text = json.dumps(entry, ensure_ascii=False)
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter()
    return OneLineFormatter("%(asctime)s %(levelname)s %(message)s")


def start_logging(level: str, log_format: str) -> None:
    """The root handler on stderr in the chosen format; chatty libraries kept to warnings."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(log_format))
    level = level.upper()
    logging.basicConfig(
        level=level if level in logging.getLevelNamesMapping() else "INFO",
        handlers=[handler],
    )
    if logging.getLogger().level <= logging.INFO:
        for name in CHATTY_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)


class Summary:
    """Refusals from one source written at most once a window: the first at once, later ones
    counted and reported with the next line that is let through (issue 20: an attacker's flood must
    not become a flood of log). Keys are (source, kind); the table forgets quiet sources."""

    def __init__(
        self, window_s: float = SUMMARY_WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.window_s = window_s
        self.clock = clock
        self._seen: dict[tuple[str, str], tuple[float, int]] = {}

    def admit(self, source: str, kind: str) -> int | None:
        """None: stay quiet. Otherwise how many refusals of this kind from this source were kept
        quiet since the last line (0 for the first); the caller writes one line saying so."""
        now = self.clock()
        key = (source, kind)
        last = self._seen.get(key)
        if last is not None and now - last[0] < self.window_s:
            self._seen[key] = (last[0], last[1] + 1)
            return None
        self._forget_quiet(now)
        self._seen[key] = (now, 0)
        return last[1] if last is not None else 0

    def _forget_quiet(self, now: float) -> None:
        if len(self._seen) < 4096:
            return
        for key, (at, _quiet) in list(self._seen.items()):
            if now - at >= self.window_s:
                del self._seen[key]
        if len(self._seen) >= 4096:  # that many sources inside one window: start afresh
            self._seen.clear()
