"""Proxies: Rules of Procedure 1.5 and 1.6 (seed 003).

1.5 "an accredited ALS subject to rule 1.1 may vote by proxy through another accredited ALS provided
that the Secretariat is notified prior to the vote." 1.6 "One ALS may receive at the most one proxy
vote."
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.reasons import Reason


@dataclass(frozen=True)
class Proxy:
    giver: str
    holder: str
    given_at: datetime
    revoked_at: datetime | None = None

    def in_force(self, moment: datetime) -> bool:
        """Notified before `moment` and not revoked by then."""
        return self.given_at < moment and (self.revoked_at is None or self.revoked_at > moment)


def check_new_proxy(
    giver: str,
    holder: str,
    accredited: set[str],
    existing: Iterable[Proxy],
    now: datetime,
    vote_at: datetime | None,
) -> list[Reason]:
    """Why a new proxy notice is refused (empty: it may be recorded)."""
    reasons: list[Reason] = []
    if giver == holder:
        reasons.append(Reason("proxies.refused.self"))
    for als in (giver, holder):
        if als not in accredited:
            reasons.append(Reason("proxies.refused.not_accredited", {"als": als}))
    if vote_at is not None and now >= vote_at:
        reasons.append(Reason("proxies.refused.late", {"vote_at": vote_at}))
    current = [p for p in existing if p.in_force(now)]
    if any(p.holder == holder for p in current):
        reasons.append(Reason("proxies.refused.second_received", {"holder": holder}))
    if any(p.giver == giver for p in current):
        reasons.append(Reason("proxies.refused.already_given", {"giver": giver}))
    return reasons


def proxy_for(giver: str, holder: str, proxies: Iterable[Proxy], vote_at: datetime) -> Proxy | None:
    """The proxy in force at the vote by which `holder` may cast `giver`'s vote (Rule 1.5)."""
    return next(
        (p for p in proxies if p.giver == giver and p.holder == holder and p.in_force(vote_at)),
        None,
    )
