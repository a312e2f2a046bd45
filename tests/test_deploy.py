"""The deployment files under deploy/ (issue 21) say true things: the systemd unit is valid and
sandboxed, the settings they use exist, the reverse proxy forwards exactly the routes the bot
serves to the outside, and Postfix hands both of the bot's addresses to its LMTP port."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import aiosqlite
import pytest

from bot.app import build_web_app
from bot.deps import Deps
from bot.region import Region
from bot.settings import Settings
from bot.transports.smtp import is_command_address

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
UNIT = DEPLOY / "lacralo-bot.service"
ENV = DEPLOY / "lacralo-bot.env"
NGINX = DEPLOY / "nginx" / "lacralo-bot.conf"
# Routes the bot serves that stay on the server: checked with curl on the host, never forwarded.
LOCAL_ONLY = {"/healthz", "/metrics"}


def unit_options() -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            options.setdefault(key.strip(), []).append(value.strip())
    return options


def env_settings() -> dict[str, str]:
    found = {}
    for line in ENV.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, value = line.split("=", 1)
            found[name] = value
    return found


def setting_names() -> set[str]:
    names: set[str] = set()
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        names.update(getattr(alias, "choices", []))
    return names


def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed here; the unit's contents are checked below")
    # verify insists that ExecStart's program exists: point it at this checkout's own entry point.
    installed = "/opt/lacralo-bot/.venv/bin/lacralo-bot"
    here = Path(sys.executable).with_name("lacralo-bot")
    text = UNIT.read_text(encoding="utf-8")
    assert f"ExecStart={installed} run" in text
    unit = tmp_path / UNIT.name
    unit.write_text(text.replace(installed, str(here)), encoding="utf-8")
    done = subprocess.run(
        [tool, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60
    )
    # verify only warns (exit 0) about unknown keys or bad values: any word from it is a fault.
    complaints = [line for line in done.stderr.splitlines() if unit.name in line]
    assert done.returncode == 0 and complaints == [], done.stderr


def test_the_unit_runs_unprivileged_and_sandboxed() -> None:
    options = unit_options()
    single = {key: values[-1] for key, values in options.items()}
    assert single["User"] == "lacralo" and single["Restart"] == "on-failure"
    expected = {
        "ProtectSystem": "strict",
        "NoNewPrivileges": "yes",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "CapabilityBoundingSet": "",
        "RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
    }
    assert {key: single.get(key) for key in expected} == expected
    assert "@system-service" in options["SystemCallFilter"]
    assert single["EnvironmentFile"] == "/etc/lacralo-bot/lacralo-bot.env"


def test_the_unit_lets_the_bot_write_its_database_and_backups_and_nothing_else() -> None:
    writable = set(unit_options()["ReadWritePaths"][0].split())
    env = env_settings()
    assert Path(env["LACRALO_DB_PATH"]).parent.as_posix() in writable
    assert env["LACRALO_BACKUP_DIR"] in writable
    assert len(writable) == 2


def test_the_environment_file_uses_only_real_settings() -> None:
    unknown = set(env_settings()) - setting_names()
    assert unknown == set()
    Settings(**{name: value for name, value in env_settings().items() if value})  # type: ignore[arg-type]


async def test_the_proxy_forwards_exactly_the_bot_s_outside_routes(
    store: aiosqlite.Connection, region: Region
) -> None:
    app = build_web_app(Deps(store=store, settings=Settings(), region=region))
    served = {route.resource.canonical for route in app.router.routes() if route.resource}
    text = NGINX.read_text(encoding="utf-8")
    forwarded = set(re.findall(r"location = (\S+)\s+\{ proxy_pass http://lacralo_bot; \}", text))
    assert forwarded == served - LOCAL_ONLY
    assert {"/zoom/events", "/slack/events", "/"} <= forwarded
    assert re.search(r"location / \{ return 404; \}", text)  # everything else stays out
    assert "listen 443 ssl" in text and "ssl_certificate " in text
    env = env_settings()
    upstream = f"server {env['LACRALO_HTTP_HOST']}:{env['LACRALO_HTTP_PORT']};"
    assert upstream in text


def test_postfix_routes_both_addresses_with_their_plus_forms_to_the_lmtp_port() -> None:
    env = env_settings()
    postfix = DEPLOY / "postfix"
    main_cf = postfix / "main.cf"
    assert re.search(r"^recipient_delimiter = \+$", main_cf.read_text(), re.M)
    assert re.search(r"^transport_maps = hash:/etc/postfix/transport$", main_cf.read_text(), re.M)
    routes = dict(
        line.split()
        for line in (postfix / "transport").read_text().splitlines()
        if line and not line.startswith("#")
    )
    lmtp = f"lacralo:inet:{env['LACRALO_SMTP_HOST']}:{env['LACRALO_LMTP_PORT']}"
    assert set(routes.values()) == {lmtp}
    command = env["LACRALO_COMMAND_ADDRESS"]
    assert command in routes
    local, domain = command.split("@")
    # What Postfix delivers for user+TOKEN@domain (routed by the user@domain entry) is what the
    # bot takes for its command address.
    assert is_command_address(f"{local}+a1b2c3@{domain}", command)
    assert any(not is_command_address(address, command) for address in routes)  # the lists' one
    master = (postfix / "master.cf").read_text()
    assert re.search(r"^lacralo\s+unix\s+-\s+-\s+n\s+-\s+\d+\s+lmtp$", master, re.M)


def test_the_deploying_section_names_real_settings_and_files() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deploying", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"\b((?:LACRALO|SLACK|ZOOM)_[A-Z_]+)\b", section))
    assert named and named - setting_names() == set()
    files = set(re.findall(r"\bdeploy/[\w./-]+[\w]", section))
    assert files and {f for f in files if not (REPO / f).exists()} == set()
