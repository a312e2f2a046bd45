"""How addresses and display names are compared, so the roster and every source agree.

E-mail addresses are compared case-insensitively as a whole (PRODUCT.md: "by address,
case-insensitive"); names without accents, case or extra spaces (issue 4's Zoom display names).
"""

from __future__ import annotations

import re
import unicodedata

# Permissive on purpose: internationalised addresses (RFC 6531) are valid members' addresses.
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]\\]+@[^@\s<>(),;:\"\[\]\\.]+(\.[^@\s<>(),;:\"\[\]\\.]+)+$")


def normalise_email(address: str) -> str:
    return address.strip().lower()


def is_valid_email(address: str) -> bool:
    address = address.strip()
    return len(address) <= 254 and bool(_EMAIL.match(address))


def normalise_name(name: str) -> str:
    """'  María  PÉREZ ' -> 'maria perez'."""
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())
