"""Whether a mail to the command address may be answered at all: RFC 3834's manners.

An automatic responder answers a person, never a machine: not a message that says it was sent
automatically (`Auto-Submitted` other than `no`, RFC 3834 section 5), nor bulk, list or junk mail
(`Precedence`, as GNU Mailman's command runner and replybot discard it), nor a list's copy
(`List-Id`, RFC 2919), nor a bounce (a null return path, or MAILER-DAEMON / postmaster, RFC 3834
section 2), nor mail from the bot's own addresses, in any `+detail` form (no loops). Mail that gets
no answer takes no action either: a vacation responder that answers a forged command's
confirmation request to its Reply-To must not confirm it (issue 15).

Like Mailman's rules, this returns a reason (a message key with its facts), not text.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.identity import normalise_email, sub_address
from bot.domain.reasons import Reason
from bot.mail.command_mail import CommandMail

NOT_A_PERSON = ("mailer-daemon", "postmaster")
AUTOMATIC_PRECEDENCE = ("bulk", "list", "junk", "auto_reply")  # auto_reply: cPanel, Exim


def why_not_answer(mail: CommandMail, own_addresses: Iterable[str]) -> Reason | None:
    """None when the mail may be answered (and acted on); else why not."""
    auto = (mail.auto_submitted or "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return Reason("commands.mail.silent.auto_submitted", {"value": auto[:40]})
    precedence = (mail.precedence or "").strip().lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return Reason("commands.mail.silent.precedence", {"value": precedence})
    if mail.list_id:
        return Reason("commands.mail.silent.list")
    if mail.envelope_from == "":
        return Reason("commands.mail.silent.bounce")
    senders = [a for a in (mail.envelope_from, mail.sender) if a]
    if any(_local(a) in NOT_A_PERSON for a in senders):
        return Reason("commands.mail.silent.bounce")
    own = {_without_detail(a) for a in own_addresses}
    if any(_without_detail(a) in own for a in senders):
        return Reason("commands.mail.silent.own_address")
    return None


def _local(address: str) -> str:
    return normalise_email(address).rpartition("@")[0] or normalise_email(address)


def _without_detail(address: str) -> str:
    """bot+anything@example.org is bot@example.org (RFC 5233 sub-addressing)."""
    return sub_address(address)[0]
