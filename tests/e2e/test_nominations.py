"""Nomination rounds in the open, end to end (issues 9 and 16): the Secretariat opens a round by
chat, members nominate by chat and by e-mail (confirmed by the reply token), candidates accept with
the declaration of none of the five conflicts, the Secretariat closes; the announcements leave
through a real outbound SMTP sink and a local Slack Web API, in every language of the region, and
the public candidates page shows the round (2021 elections rules, seed 002)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

from bot.services import outbox as outbox_service
from bot.store import nominations as store
from bot.transports import smtp
from bot.transports.mail_out import email_sender
from bot.transports.slack_out import slack_sender
from tests.conftest import free_port
from tests.e2e.slack_helpers import SlackBot, running_slack_bot
from tests.e2e.smtp_bot import _send
from tests.fakes import SmtpSink, smtp_sink

MARIA, JOAO, JB, KEISHA, LUPE, ANDRES, SECRETARY = (
    "U0000001",
    "U0000003",
    "U0000004",
    "U0000005",
    "U0000006",
    "U0000007",
    "U0000009",
)
LIST, CHANNEL = "lacralo-announce@example.org", "C0ANNOUNCE"
COMMANDS = "lacralo-bot-commands@example.org"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@dataclass
class Round:
    bot: SlackBot
    sink: SmtpSink
    smtp_port: int
    moment: dict[str, datetime]

    async def deliver(self) -> None:
        senders = {
            "email": email_sender(self.bot.deps.settings, self.bot.deps.clock),
            "slack": slack_sender(self.bot.deps.settings),
        }
        await outbox_service.deliver_due(self.bot.deps.store, senders, self.moment["now"])

    async def mail_command(self, sender: str, text: str) -> None:
        """A command by e-mail, then the reply to its confirmation, as a mail client sends it."""
        before = len(self.sink.messages)
        await asyncio.to_thread(_send, self.smtp_port, _mail(sender, text), COMMANDS, False, sender)
        await self.deliver()
        [confirm] = [m for m in self.sink.messages[before:] if m["To"] == sender]
        token = re.search(r"\b([0-9a-f]{32})\b", confirm.get_content())
        assert token, confirm.get_content()
        reply = _mail(sender, f"CONFIRM {token.group(1)}", "Re: " + confirm["Subject"])
        await asyncio.to_thread(_send, self.smtp_port, reply, COMMANDS, False, sender)
        await self.deliver()

    def mails_to(self, address: str) -> list[str]:
        return [_text(m) for m in self.sink.messages if address in (m["To"] or "")]

    def posts(self) -> list[str]:
        return [
            str(body.get("text", ""))
            for body in self.bot.slack.methods("chat.postMessage")
            if body.get("channel") == CHANNEL
        ]


def _text(message: Message) -> str:
    part = message.get_body(("plain",)) if message.is_multipart() else message  # type: ignore[attr-defined]
    assert part is not None
    return str(part.get_content())


def _mail(sender: str, body: str, subject: str = "command") -> bytes:
    return (
        f"From: {sender}\r\nTo: {COMMANDS}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{abs(hash(sender + body + subject))}@client.example>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


@asynccontextmanager
async def a_round(tmp_path: Path, **extra: Any) -> AsyncIterator[Round]:
    moment = {"now": NOW}
    settings: dict[str, Any] = {
        "outbound_smtp_host": "127.0.0.1",
        "announce_address": LIST,
        "announce_channel": CHANNEL,
        "command_address": COMMANDS,
        "from_address": COMMANDS,
        "public_url": "https://lacralo-bot.example.org",
    } | extra
    async with (
        smtp_sink() as sink,
        running_slack_bot(
            tmp_path, clock=lambda: moment["now"], outbound_smtp_port=sink.port, **settings
        ) as bot,
    ):
        port = free_port()
        server = await smtp.start_server(bot.deps, "127.0.0.1", port)
        try:
            yield Round(bot, sink, port, moment)
        finally:
            server.close()
            await server.wait_closed()


async def test_a_round_in_the_open_from_the_call_to_the_close(tmp_path: Path) -> None:
    async with a_round(tmp_path) as r:
        bot = r.bot
        # Only the Secretariat opens; the example rotation gives the NomCom delegate to A in 2026.
        _, text = await bot.command(MARIA, "abrir delegado nomcom 2026-12-15")
        assert "Secretar" in text
        _, text = await bot.command(SECRETARY, "abrir delegado nomcom 2026-12-15")
        assert "Delegado del ALAC al NomCom" in text and "15 dic 2026 23:59 UTC" in text
        assert "subregión A (Centroamérica y México)" in text
        # "membre de l'ALAC" fits both ALAC seats and neither is open: the bot asks which.
        _, text = await bot.command(SECRETARY, "ouvrir membre de l'ALAC 2026-12-15")
        assert "Membre de l'ALAC (années paires)" in text and "années impaires" in text
        _, text = await bot.command(SECRETARY, "ouvrir membre de l'ALAC années paires 2026-12-15")
        assert "sous-région C (Caraïbes" in text or "sous-région C" in text
        await r.deliver()

        calls = r.mails_to(LIST)
        assert len(calls) == 2
        call = calls[0]
        for phrase in (
            "the call for nominations is open",
            "se abre el llamado a nominaciones",
            "está aberta a chamada de indicações",
            "l'appel à candidatures est ouvert",
            # the five conflicts, in each language (Operating Principles 7.1.a)
            "being under a financial contract with ICANN",
            "estar bajo contrato financiero con la ICANN",
            "ter contrato financeiro com a ICANN",
            "être sous contrat financier avec l'ICANN",
            # the exception (process 2), the deadline in local time, and how to nominate
            "nomination process 2",
            "Central America and Mexico: 15:59 Mexico (Tijuana)",
            "Islas del Caribe: 18:59 Bahamas, Cuba, Haití, Jamaica;",
            "/lacralo nominar @persona delegado nomcom",
            "/lacralo proposer @personne délégué nomcom",
            f"send an e-mail to {COMMANDS}",
            "https://lacralo-bot.example.org/candidates?lang=pt",
        ):
            assert phrase in call, phrase
        assert "Membro do ALAC (anos pares): candidatos da sub-região C" in calls[1]
        assert len([p for p in r.posts() if "call for nominations is open" in p]) == 2

        # By chat: María (AR, sub-region D) nominates Lupe (MX, A); Andrés (CO, B) is refused.
        _, text = await bot.command(MARIA, f"nominar <@{LUPE}|lupe> vicepresidente")
        assert "no está abierto" in text or "no están abiertas" in text or "Cargos" in text
        _, text = await bot.command(MARIA, f"nominar <@{LUPE}|lupe> delegado nomcom")
        assert "Nominación registrada: Guadalupe Hernández para Delegado del ALAC al NomCom" in text
        _, text = await bot.command(MARIA, f"nominate <@{ANDRES}> nomcom delegate")
        assert "Refused" in text and "sub-region A" in text
        # Lupe's ALS is of sub-region A: she may nominate from any ALS, provisionally (process 2).
        _, text = await bot.command(LUPE, f"nominar <@{ANDRES}> delegado nomcom")
        assert "provisoria" in text and "proceso de nominación 2" in text

        # By e-mail: Jean-Baptiste (HT) nominates Keisha (JM) for "miembro del ALAC": the only
        # ALAC seat open is the even-year one. The command waits for the reply token.
        await r.mail_command(
            "jb.etienne@example.org", "proposer keisha.brown@example.org miembro del ALAC"
        )
        assert any(
            "Candidature enregistrée" in m or "Keisha Brown" in m
            for m in r.mails_to("jb.etienne@example.org")
        )
        rows = {
            (row["position"], row["candidate"]): row for row in await store.listing(bot.deps.store)
        }
        assert rows[("alac-member-even", "Keisha Brown")]["state"] == "proposed"

        # The candidates are told in their own language, with the five conflicts.
        await r.deliver()
        [to_lupe] = r.mails_to("lupe.hernandez@example.org")
        assert "Hola, Guadalupe Hernández:" in to_lupe and "María Pérez la/lo nominó" in to_lupe
        assert "estar bajo contrato financiero con la ICANN" in to_lupe
        assert (
            "/lacralo aceptar delegado nomcom https://ejemplo.org/mi-declaracion ninguno" in to_lupe
        )
        [to_keisha] = r.mails_to("keisha.brown@example.org")
        assert (
            "Hello Keisha Brown," in to_keisha
            and "Jean-Baptiste Étienne nominated you" in to_keisha
        )

        # Acceptance without the declaration stays pending and lists the five conflicts.
        _, text = await bot.command(LUPE, "aceptar delegado nomcom https://example.org/soi/lupe")
        assert "Antes de que la candidatura sea válida" in text
        assert "estar bajo contrato financiero con la ICANN" in text
        rows = {
            (row["position"], row["candidate"]): row for row in await store.listing(bot.deps.store)
        }
        assert rows[("nomcom-delegate", "Guadalupe Hernández")]["state"] == "accepted"
        _, text = await bot.command(
            LUPE, "aceptar delegado nomcom https://example.org/soi/lupe ninguno"
        )
        assert text == "Su candidatura para Delegado del ALAC al NomCom es válida."
        _, text = await bot.command(
            KEISHA, "accept ALAC member https://example.org/soi/keisha none"
        )
        assert text == "Your candidacy for ALAC Member (even years) is valid."

        # Nobody speaks for another; a conflict declared is explained.
        _, text = await bot.command(MARIA, "declarar delegado nomcom 3 sí")
        assert "No tiene una nominación" in text

        # The Secretariat closes: Lupe is valid, so Andrés's provisional nomination falls, and
        # Lupe is elected by acclamation (process 3); Keisha too (acclamation is the default).
        _, text = await bot.command(SECRETARY, "cerrar delegado nomcom")
        assert "Guadalupe Hernández, electa/o por aclamación" in text
        _, text = await bot.command(SECRETARY, "fermer membre de l'ALAC")
        assert "Keisha Brown" in text and "acclamation" in text
        rows = {
            (row["position"], row["candidate"]): row for row in await store.listing(bot.deps.store)
        }
        lupe = rows[("nomcom-delegate", "Guadalupe Hernández")]
        andres = rows[("nomcom-delegate", "Andrés Gómez")]
        assert (lupe["state"], lupe["outcome"]) == ("valid", "acclamation")
        assert andres["state"] == "refused" and andres["provisional"]
        assert andres["refused_reason"]["key"] == "nominations.refused.exception_not_needed"
        assert rows[("alac-member-even", "Keisha Brown")]["outcome"] == "acclamation"

        await r.deliver()
        closes = [m for m in r.mails_to(LIST) if "Guadalupe Hernández, electa/o" in m]
        assert len(closes) == 1
        assert "Guadalupe Hernández (Colectivo Ejemplo por el Acceso, México) — válida" in closes[0]
        assert "elected by acclamation" in closes[0] and "élu(e) par acclamation" in closes[0]
        posts = "\n".join(r.posts())
        for phrase in (
            "Nomination: Guadalupe Hernández (Colectivo Ejemplo por el Acceso, Mexico)",
            "Nominación: Keisha Brown (Example Internet Users Society, Jamaica)",
            "Keisha Brown (Example Internet Users Society, Jamaica) is a valid candidate",
            "aceitou a indicação",
        ):
            assert phrase in posts, phrase

        # The public page shows the round, names on purpose, never an address.
        async with bot.session.get(bot.url + "/candidates?lang=es") as resp:
            page = await resp.text()
        assert resp.status == 200
        assert "Guadalupe Hernández" in page and "Delegado del ALAC al NomCom" in page
        assert "Andrés Gómez" in page and "excepción" in page
        assert not EMAIL.search(page.replace("https://example.org", ""))


async def test_a_year_without_a_rotation_row_needs_the_subregion_confirmed(tmp_path: Path) -> None:
    """The example table has no chair-elect row for 2026: the bot proposes the sub-region that
    continues the cycle (2021 B, 2023 D, 2025 C: next A) and opens only once it is confirmed."""
    async with a_round(tmp_path) as r:
        _, text = await r.bot.command(SECRETARY, "open vice-chair 2026-12-20")
        assert "no row for Chair-Elect in 2026" in text and "--subregion A" in text
        assert not await store.open_periods(r.bot.deps.store, "2026-12-01T00:00:00+00:00")
        _, text = await r.bot.command(SECRETARY, "open vice-chair 2026-12-20 --subregion B")
        assert "Refused" not in text  # B is the Secretariat's choice to make, and audited
        async with r.bot.deps.store.execute(
            "SELECT data FROM audit_log WHERE action = 'nominations.open'"
        ) as cur:
            [detail] = [row[0] for row in await cur.fetchall()]
        assert '"subregion":"B"' in detail.replace(" ", "") and "confirmed" in detail
        await r.deliver()
        [call] = r.mails_to(LIST)
        assert "the Secretariat confirmed this sub-region" in call


async def test_bad_rounds_and_nominations_are_refused_with_the_rule(tmp_path: Path) -> None:
    async with a_round(tmp_path) as r:
        bot = r.bot
        _, text = await bot.command(MARIA, f"nominate <@{LUPE}> nomcom delegate")
        assert "not a position I know" not in text and "are not open" in text
        _, text = await bot.command(SECRETARY, "open president 2026-12-15")
        assert "president is not a position I know" in text and "Chair-Elect" in text
        _, text = await bot.command(SECRETARY, "abrir delegado nomcom 2026-11-01")
        assert "no está en el futuro" in text
        _, text = await bot.command(SECRETARY, "abrir delegado nomcom el-martes")
        assert "No puedo leer el-martes como cierre" in text
        await bot.command(SECRETARY, "open nomcom delegate 3")
        _, text = await bot.command(MARIA, "nominate keisha nomcom delegate")
        assert "I do not know keisha" in text
        # An observer can neither nominate nor be nominated (process 1).
        async with bot.deps.store.execute(
            "UPDATE person SET slack_id = 'U0000099' WHERE email = 'rosa.quispe@example.org'"
        ):
            pass
        await bot.deps.store.commit()
        _, text = await bot.command("U0000099", f"nominar <@{LUPE}> delegado nomcom")
        assert "observadores no pueden nominar" in text
        _, text = await bot.command(MARIA, "nominate")
        assert text.startswith("Write: nominate @person position")
        # After the close, nothing more is taken.
        r.moment["now"] += timedelta(days=5)
        from bot.scheduler import Scheduler

        await Scheduler(bot.deps, {}).tick()
        _, text = await bot.command(MARIA, f"nominate <@{LUPE}> nomcom delegate")
        assert "are not open" in text


async def test_a_declared_conflict_refuses_the_candidacy_and_says_what_it_means(
    tmp_path: Path,
) -> None:
    async with a_round(tmp_path) as r:
        await r.bot.command(SECRETARY, "open nomcom-delegate 10")
        await r.bot.command(MARIA, f"nominate <@{LUPE}> nomcom-delegate")
        await r.bot.command(LUPE, "accept nomcom-delegate https://example.org/soi")
        _, text = await r.bot.command(LUPE, "declare nomcom-delegate 3 yes")
        assert "Conflict of interest declared (number 3)" in text
        assert "you cannot be a candidate for a LACRALO leadership position" in text
        [row] = await store.listing(r.bot.deps.store)
        assert row["state"] == "refused"
        assert row["refused_reason"]["key"] == "nominations.refused.conflict"
        _, closed = await r.bot.command(SECRETARY, "close nomcom-delegate")
        assert "no valid candidate" in closed


async def test_a_vacancy_is_filled_from_the_same_subregion(tmp_path: Path) -> None:
    # The example rotation has no secretary-elect election in 2026; in 2025 it went to sub-region B.
    async with a_round(tmp_path) as r:
        _, text = await r.bot.command(SECRETARY, "vacante vicesecretario 7")
        assert "Las nominaciones para Vicesecretario están abiertas hasta" in text
        assert "subregión B" in text
        _, text = await r.bot.command(MARIA, f"nominate <@{LUPE}> secretary-elect")  # MX: A
        assert "sub-region B" in text
        _, text = await r.bot.command(MARIA, f"nominate <@{ANDRES}> vice-secretary")  # CO: B
        assert "Nomination recorded: Andrés Gómez for Secretary-Elect" in text
        await r.deliver()
        [call] = r.mails_to(LIST)
        assert "to fill the vacant seat for the rest of its term" in call


def test_alac_seat_is_checked_against_the_sitting_member() -> None:
    from dataclasses import replace

    from bot.region import load_region
    from bot.services.nominations import seat_of

    region = load_region()
    positions = dict(region.positions)
    positions["alac-member-odd"] = replace(
        positions["alac-member-odd"], sitting_als="ALS-JM-01", sitting_nationality="JM"
    )
    seat = seat_of(replace(region, positions=positions), "alac-member-even", 2026)
    assert (
        seat.alac,
        seat.rotation_subregion,
        seat.sitting_alac_als,
        seat.sitting_alac_nationality,
    ) == (True, "C", "ALS-JM-01", "JM")
    assert seat_of(region, "nomcom-delegate", 2026).sitting_alac_als is None


async def test_a_round_is_reminded_once_and_closes_by_itself(tmp_path: Path) -> None:
    from bot.scheduler import Scheduler

    async with a_round(tmp_path) as r:
        await r.bot.command(SECRETARY, "open nomcom-delegate 2026-12-10")
        await r.bot.command(MARIA, f"nominate <@{LUPE}> nomcom-delegate")
        await r.bot.command(LUPE, "accept nomcom-delegate https://example.org/soi none")
        r.moment["now"] = datetime(2026, 12, 9, 1, 0, tzinfo=UTC)  # inside the 2 days
        await Scheduler(r.bot.deps, {}).tick()
        await Scheduler(r.bot.deps, {}).tick()  # once only
        await r.deliver()
        reminders = [m for m in r.mails_to(LIST) if "nominations close soon" in m]
        assert len(reminders) == 1
        assert (
            "Guadalupe Hernández (Colectivo Ejemplo por el Acceso, Mexico) — valid" in reminders[0]
        )
        assert "10 dic 2026 23:59 UTC" not in reminders[0]  # dates in each language's words
        assert "10 Dec 2026 at 23:59 UTC" in reminders[0]
        r.moment["now"] = datetime(2026, 12, 11, 0, 1, tzinfo=UTC)
        await Scheduler(r.bot.deps, {}).tick()
        await Scheduler(r.bot.deps, {}).tick()  # once only
        await r.deliver()
        closed = [m for m in r.mails_to(LIST) if "elected by acclamation" in m]
        assert len(closed) == 1 and "electa/o por aclamación" in closed[0]


async def test_a_round_and_a_candidacy_keep_their_course(tmp_path: Path) -> None:
    """Found reading it as members (issue 16 review): a second `open` does not move a running
    deadline; a declined, withdrawn or refused nomination is not revived by its candidate; decline
    is before accepting and withdraw after; a command cut at 500 characters is not carried out."""
    async with a_round(tmp_path) as r:
        bot = r.bot
        _, text = await bot.command(SECRETARY, "abrir delegado nomcom 2026-11-30T12:30-12:00")
        assert "1 dic 2026 00:30 UTC" in text  # a local time is said in UTC
        _, text = await bot.command(SECRETARY, "abrir delegado nomcom 2026-12-20")
        assert "ya están abiertas" in text
        _, text = await bot.command(SECRETARY, "open nomcom delegate 2030-01-01")
        assert "within 366 days" in text
        await bot.command(MARIA, f"nominar <@{LUPE}> delegado nomcom")
        _, text = await bot.command(LUPE, "withdraw nomcom delegate")
        assert "You have not accepted" in text and "decline" in text
        await bot.command(LUPE, "aceptar delegado nomcom https://example.org/soi ninguno")
        _, text = await bot.command(LUPE, "declinar delegado nomcom")
        assert "Ya aceptó la nominación" in text and "retirar" in text
        _, text = await bot.command(LUPE, "retirar delegado nomcom")
        assert "Retiró" in text or "retiró" in text or "Se retiró" in text
        _, text = await bot.command(LUPE, "aceptar delegado nomcom https://example.org/soi ninguno")
        assert "no puede retomarse" in text
        [row] = await store.listing(bot.deps.store)
        assert row["state"] == "withdrawn"
        await bot.command(MARIA, f"nominate <@{ANDRES}> nomcom delegate")  # refused: B
        long_link = "https://example.org/" + "x" * 600
        await bot.command(LUPE, f"nominar <@{LUPE}> delegado nomcom")
        _, text = await bot.command(LUPE, f"aceptar delegado nomcom {long_link} ninguno")
        assert "más de 500 caracteres" in text
