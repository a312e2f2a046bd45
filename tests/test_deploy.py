"""The deployment files under deploy/ (issue 21) say true things: the systemd unit is valid and
sandboxed, the settings they use exist, the reverse proxy forwards exactly the routes the bot
serves to the outside, and Postfix hands both of the bot's addresses to its LMTP port."""

from __future__ import annotations

import os
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


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for bot.example.org, as an operator makes one to try the proxy."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=bot.example.org", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


def test_nginx_accepts_the_proxy_example(tmp_path: Path) -> None:
    """`nginx -t` on the example as shipped, with a self-signed certificate in place of Let's
    Encrypt's, inside a minimal nginx.conf (pid and logs under tmp_path)."""
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None
    )
    if nginx is None or shutil.which("openssl") is None:
        pytest.skip("nginx or openssl is not installed here (apt-get install nginx-light)")
    if os.geteuid() != 0:
        pytest.skip("nginx -t binds the example's ports 80 and 443, which takes root")
    cert, key = self_signed(tmp_path)
    site = NGINX.read_text(encoding="utf-8")
    site = site.replace("/etc/letsencrypt/live/bot.example.org/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/bot.example.org/privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ access_log off; include {tmp_path}/site.conf; }}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "test is successful" in done.stderr, done.stderr
    assert "[warn]" not in done.stderr, done.stderr


def test_the_proxy_example_runs_on_debian_12_s_nginx() -> None:
    """Debian 12 ships nginx 1.22: no `http2 on;` (1.25.1 and later), so the check holds where
    nginx is not installed too."""
    directives = [line.split()[0] for line in NGINX.read_text().splitlines() if line.strip()]
    assert "http2" not in directives


def test_the_bot_believes_the_proxy_s_forwarded_address() -> None:
    """nginx connects from loopback and sets X-Forwarded-For: with it in LACRALO_TRUSTED_PROXIES
    the bot logs and limits refusals by the real client, not by the proxy."""
    import ipaddress

    env = env_settings()
    trusted = [ipaddress.ip_network(n.strip()) for n in env["LACRALO_TRUSTED_PROXIES"].split(",")]
    upstream = ipaddress.ip_address(env["LACRALO_HTTP_HOST"])
    assert any(upstream in network for network in trusted)
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in NGINX.read_text()


def postfix_tool(name: str) -> str:
    found = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}",) if Path(p).exists()), None
    )
    if found is None:
        pytest.skip(f"{name} is not installed here (apt-get install postfix)")
    return found


def test_postfix_accepts_the_examples_as_the_readme_applies_them(tmp_path: Path) -> None:
    """The README's commands, run against a copy of a Postfix configuration: postconf -e with the
    example's settings gives no warning, postmap builds the transport table, and Postfix looks
    both of the bot's addresses up to the `lacralo` LMTP service of master.cf."""
    postconf, postmap = postfix_tool("postconf"), postfix_tool("postmap")
    postfix = DEPLOY / "postfix"
    config = tmp_path / "postfix"
    config.mkdir()
    # What Debian's postinst leaves: mydestination with the host's own names.
    (config / "main.cf").write_text(
        "myhostname = mail.example.net\nmydestination = $myhostname, localhost\n"
    )
    (config / "master.cf").write_text(
        "smtp inet n - y - - smtpd\n" + (postfix / "master.cf").read_text()
    )
    transport = (postfix / "transport").read_text().replace("/etc/postfix", str(config))
    (config / "transport").write_text(transport)
    settings = [
        line.replace("/etc/postfix", str(config))
        for line in (postfix / "main.cf").read_text().splitlines()
        if line and not line.startswith("#")
    ]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(args, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
        return done

    run(postconf, "-c", str(config), "-e", *settings)
    mine = run(postconf, "-c", str(config), "-h", "mydestination").stdout.strip()
    run(postconf, "-c", str(config), "-e", f"mydestination = {mine}, bot.example.org")
    run(postmap, "-c", str(config), f"hash:{config}/transport")
    shown = run(postconf, "-c", str(config), "-n").stdout
    # The host's own names kept, the bot's domain added once.
    assert "mydestination = $myhostname, localhost, bot.example.org" in shown.splitlines()
    env = env_settings()
    for address in ("lacralo-bot@bot.example.org", env["LACRALO_COMMAND_ADDRESS"]):
        found = run(postmap, "-c", str(config), "-q", address, f"hash:{config}/transport")
        assert found.stdout.strip() == f"lacralo:inet:127.0.0.1:{env['LACRALO_LMTP_PORT']}"
    service = run(postconf, "-c", str(config), "-M", "lacralo/unix").stdout.split()
    assert service[0] == "lacralo" and service[-1] == "lmtp"


def test_a_plain_pip_install_ships_the_translations() -> None:
    """`pip install .` (not -e) puts locales/ where bot/i18n.py looks: beside the bot package, as
    the namespace package `locales` with its YAML files as package data."""
    import tomllib
    from fnmatch import fnmatch

    from bot import i18n

    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    setuptools = config["setuptools"]
    assert "locales" in setuptools["packages"]["find"]["include"]
    assert not (REPO / "locales" / "__init__.py").exists()  # found as a namespace package
    patterns = setuptools["package-data"]["locales"]
    files = [p.name for p in (REPO / "locales").iterdir() if p.is_file()]
    assert files and all(any(fnmatch(name, pat) for pat in patterns) for name in files)
    assert Path(i18n.__file__).resolve().parent.parent / "locales" == i18n.LOCALES_DIR
