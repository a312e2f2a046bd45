"""Real DKIM signatures for tests: an RSA key made with openssl, messages signed with dkimpy, and a
DNS answer function (what dkimpy's `dnsfunc` takes) that publishes the public key without DNS."""

from __future__ import annotations

import base64
import shutil
import subprocess
from dataclasses import dataclass, field

import dkim
import pytest

SELECTOR = b"lists"


@dataclass
class Signer:
    """A private key, and the TXT records published for the domains it signs for."""

    private_pem: bytes
    record: bytes  # "v=DKIM1; k=rsa; p=..."
    published: set[str] = field(default_factory=set)  # domains whose DNS has the key

    def sign(self, message: bytes, domain: str) -> bytes:
        """The message with a DKIM-Signature of `domain` on top (publishing the key there)."""
        self.published.add(domain)
        headers = [b"from", b"to", b"subject", b"date", b"message-id", b"list-id"]
        signature = dkim.sign(
            message, SELECTOR, domain.encode(), self.private_pem, include_headers=headers
        )
        return bytes(signature) + message

    def lookup(self, name: bytes | str, timeout: float = 5) -> bytes | None:
        """dkimpy's `dnsfunc`: the key at `lists._domainkey.<domain>.` for a published domain."""
        text = name.decode() if isinstance(name, bytes) else name
        prefix = SELECTOR.decode() + "._domainkey."
        domain = text.rstrip(".").removeprefix(prefix)
        return self.record if text.startswith(prefix) and domain in self.published else None


def make_signer() -> Signer:
    """A fresh 1024-bit key (dkimpy's minimum), from the openssl command line."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a DKIM key")
    private = subprocess.run(
        [openssl, "genrsa", "-traditional", "1024"], capture_output=True, check=True
    ).stdout
    public_der = subprocess.run(
        [openssl, "rsa", "-pubout", "-outform", "DER"],
        input=private,
        capture_output=True,
        check=True,
    ).stdout
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public_der)
    return Signer(private, record)
