"""`lacralo-bot audit verify | list | export`: the append-only, hash-chained audit log
(bot/audit.py), checked against a head published earlier, its tags under LACRALO_AUDIT_KEY, and
an export re-checked without the database (issue 20, point 7)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import aiosqlite

from bot import audit
from bot.cli.common import (
    OK,
    REJECTED,
    USAGE,
    Subparsers,
    file_error,
    in_store,
    listing,
    listing_parser,
    why,
)
from bot.cli.output import message
from bot.cli.times import as_of_or_usage
from bot.i18n import t
from bot.region import Region
from bot.services import audit as audit_service
from bot.settings import Settings

COLUMNS = ["seq", "at", "actor", "action", "subject", "data"]
STDIO = "-"


def register(sub: Subparsers, lang: str) -> None:
    group = sub.add_parser("audit", help=t("cli.help.audit", lang))
    actions = group.add_subparsers(required=True, metavar="ACTION")
    verify = actions.add_parser("verify", help=t("cli.help.audit_verify", lang))
    verify.add_argument("--head", metavar="SEQ:HASH", help=t("audit.help.head", lang))
    verify.add_argument("--file", metavar="FILE", help=t("audit.help.file", lang))
    verify.set_defaults(command=cmd_audit_verify)
    entries = listing_parser(actions, "list", "audit_list", cmd_audit_list, lang)
    entries.add_argument("--kind", metavar="K", help=t("audit.help.kind", lang))
    entries.add_argument("--since", metavar="DATE", help=t("audit.help.since", lang))
    export = actions.add_parser("export", help=t("audit.help.export", lang))
    export.add_argument(
        "file", nargs="?", default=STDIO, metavar="FILE|-", help=t("audit.help.export_file", lang)
    )
    export.set_defaults(command=cmd_audit_export)


def cmd_audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    """Walk the hash chain (of the database, or of an export with `--file`, without the
    database), then the published head it must still reach, then the tags when a key is set.
    The first broken entry is named, with why (exit 1); the head goes to stdout when intact."""
    lang = settings.language
    published = None
    if args.head is not None:
        published = audit.parse_head(args.head)
        if published is None:
            message(t("audit.bad_head", lang, value=args.head), style="red")
            return USAGE
    key = settings.audit_key or None
    if args.file is not None:
        read = _read_export(args.file, lang)
        if isinstance(read, int):
            return read
        found = audit.check(read, published, key)
    else:
        found = in_store(settings, lambda conn, _region: audit_service.check(conn, published, key))
    return _say_check(found, published, lang)


def _say_check(found: audit.Check, published: audit.Head | None, lang: str) -> int:
    broken = found.broken
    if broken is not None:
        reason = t(f"audit.break.{broken.why}", lang)
        message(t("audit.broken", lang, seq=broken.seq, why=reason), style="red")
        return REJECTED
    message(t("audit.intact", lang, count=found.count), style="green")
    if published is not None:
        message(t("audit.head_reached", lang, head=str(published)), style="green")
    if not found.tags_checked:
        message(t("audit.tags_unchecked", lang, tagged=found.tagged, count=found.count))
    else:
        message(t("audit.tags_ok", lang, count=found.tagged), style="green")
        if found.untagged:
            message(t("audit.tags_before_key", lang, count=found.untagged), style="yellow")
    message(t("audit.head", lang, head=str(found.head)))
    sys.stdout.write(f"{found.head}\n")
    return OK


def _read_export(name: str, lang: str) -> list[audit.AuditEntry] | int:
    """The entries of an export (`-`: stdin); USAGE when the file cannot be read, REJECTED when
    a line is not an entry (said with its number: a cut or edited export)."""
    try:
        text = sys.stdin.read() if name == STDIO else Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        file_error(Path(name), why(exc), lang)
        return USAGE
    except UnicodeDecodeError:
        message(t("audit.export_line", lang, path=name, line=1), style="red")
        return REJECTED
    read = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            read.append(audit.from_record(line))
        except ValueError:
            message(t("audit.export_line", lang, path=name, line=number), style="red")
            return REJECTED
    return read


def cmd_audit_list(args: argparse.Namespace, settings: Settings) -> int:
    """The entries, of one kind or since a day when asked; `--since DATE` means from its start."""
    since = None
    if args.since:
        since = as_of_or_usage(args.since, settings.language)
        if since is None:
            return USAGE
        if len(args.since) == 10:
            since = since.replace(hour=0, minute=0, second=0)
    rows = in_store(settings, lambda conn, _region: audit_service.listing(conn, args.kind, since))
    if args.format != "json":
        rows = [r | {"data": json.dumps(r["data"], ensure_ascii=False)} for r in rows]
    return listing(args, settings, rows, COLUMNS, "audit.listing")


def cmd_audit_export(args: argparse.Namespace, settings: Settings) -> int:
    """JSON lines, one entry each (seq, prev, hash, kind, at, actor, subject, details, and tag
    when keyed), to FILE or stdout; a file is written whole or not at all."""
    lang = settings.language

    async def records(conn: aiosqlite.Connection, _region: Region) -> list[dict[str, Any]]:
        return [r async for r in audit_service.export(conn)]

    found = in_store(settings, records)
    body = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in found)
    head = audit.Head(found[-1]["seq"], found[-1]["hash"]) if found else audit.EMPTY_HEAD
    if args.file == STDIO:
        sys.stdout.write(body)
    else:
        try:
            _write_whole(Path(args.file), body)
        except OSError as exc:
            file_error(Path(args.file), why(exc), lang)
            return USAGE
    message(t("audit.exported", lang, count=len(found), path=args.file, head=str(head)))
    return OK


def _write_whole(path: Path, body: str) -> None:
    """Write beside the target, then rename: a reader never sees half an export."""
    fd, temp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
