"""Whether a list post really came from its list: a valid DKIM signature of the list's domain.

Issue 20, point 5: anyone can connect to the SMTP port with a chosen From and List-Id. A post
delivered by a relay we do not trust counts only if the list server signed it: one of its
DKIM-Signature headers verifies and its `d=` is the list's domain or a parent of it.

Which domain is the list's: the List-Id without its first label (RFC 2919: the list name, then the
domain that hosts it), so `lac-discuss-en.atlarge-lists.icann.org` is hosted at
`atlarge-lists.icann.org`. A signature of a parent domain with at least two labels
(`icann.org`) is accepted too: the organisation that runs the list server may sign with its own
domain, and only it can publish a key there. A bare top-level domain (`org`) never is.

Verification reads DNS (the signer's public key). It runs in a small thread pool of its own, with
a deadline: a slow or hostile name server can neither hold up the event loop nor take the threads
the rest of the bot uses; a post whose check does not finish in time is held, never lost.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import dkim
import dkim.dnsplug
import dkim.util

log = logging.getLogger("lacralo_bot.dkim")

# A DNS answer function as dkimpy calls it: name -> the TXT record's bytes (None: no record).
DnsFunc = Callable[..., bytes | None]

# Seconds for the whole check (DNS lookups included), and dkimpy's own DNS timeout within it.
DEADLINE_S = 10.0
DNS_TIMEOUT_S = 5
# Signatures read per message: a message with hundreds of them must not cost hundreds of lookups.
MAX_SIGNATURES = 5

# How the signer's key is found: DNS in production; tests put a function that answers it here.
lookup: DnsFunc = dkim.dnsplug.get_txt

_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dkim")


class Verdict(enum.Enum):
    """The outcome of the check; every value but VALID is a reason to hold the post."""

    VALID = "valid"
    MISSING = "dkim_missing"  # no DKIM-Signature header at all
    INVALID = "dkim_invalid"  # signed by the list's domain, but the signature does not verify
    OTHER_DOMAIN = "dkim_other_domain"  # only signatures of domains other than the list's
    UNAVAILABLE = "dkim_unavailable"  # the check did not finish in time (DNS)


def list_domain(list_id: str) -> str:
    """The domain hosting a list, from its List-Id (RFC 2919): everything after the list name."""
    return list_id.lower().partition(".")[2]


def signs_for(signer: str, list_id: str) -> bool:
    """Whether a signature by `signer` (its `d=`) vouches for posts of `list_id`: the list's
    domain itself or a parent of it with at least two labels."""
    signer = signer.lower().strip().rstrip(".")
    domain = list_domain(list_id)
    if not signer or "." not in signer or not domain:
        return False
    return domain == signer or domain.endswith("." + signer)


def _signers(message: bytes) -> list[str | None]:
    """The `d=` of each DKIM-Signature header, in order (None where it cannot be read)."""
    found: list[str | None] = []
    for name, value in dkim.rfc822_parse(message)[0]:
        if name.lower() != b"dkim-signature":
            continue
        try:
            tags = dkim.util.parse_tag_value(value)
            found.append(tags[b"d"].decode("ascii"))
        except (dkim.util.InvalidTagValueList, KeyError, UnicodeDecodeError):
            found.append(None)
    return found


def check(message: bytes, list_id: str, dnsfunc: DnsFunc | None = None) -> Verdict:
    """Blocking: verify the message's signatures by the list's domain. For the thread pool."""
    try:
        signers = _signers(message)
    except dkim.MessageFormatError:
        return Verdict.MISSING
    if not signers:
        return Verdict.MISSING
    ours = [i for i, d in enumerate(signers) if d is not None and signs_for(d, list_id)]
    if not ours:
        return Verdict.OTHER_DOMAIN
    for idx in ours[:MAX_SIGNATURES]:
        verifier = dkim.DKIM(message, timeout=DNS_TIMEOUT_S)
        try:
            ok = verifier.verify(idx=idx, dnsfunc=dnsfunc or lookup)
        except dkim.DnsTimeoutError:
            return Verdict.UNAVAILABLE
        except dkim.DKIMException as exc:
            log.debug("DKIM signature %d of %s does not verify: %s", idx, list_id, exc)
            ok = False
        if ok:
            return Verdict.VALID
    return Verdict.INVALID


async def verify(
    message: bytes, list_id: str, dnsfunc: DnsFunc | None = None, deadline: float | None = None
) -> Verdict:
    """`check` off the event loop, given at most `deadline` seconds (DEADLINE_S; waiting for a
    thread included); UNAVAILABLE when it takes longer."""
    loop = asyncio.get_running_loop()
    work = loop.run_in_executor(_pool, check, message, list_id, dnsfunc)
    try:
        return await asyncio.wait_for(work, deadline or DEADLINE_S)
    except TimeoutError:
        return Verdict.UNAVAILABLE
