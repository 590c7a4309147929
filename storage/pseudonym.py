"""Pseudonyms: HMAC-SHA256(pepper, subject), so no clear Telegram or terminal id is stored.

Why the pepper comes from a *pepper secret* and not straight from the master key: deriving
it from the master key would change every pseudonym at key rotation and orphan every
practitioner's data. Instead the store generates a random 32-byte pepper secret when the
database is created, keeps it only wrapped under the master key (AAD ``pepper``), and
re-wraps it at rotation; the pepper is HKDF(pepper secret). Pseudonyms are therefore stable
across rotations, and still useless without the master key, which unwraps the secret.

Use :meth:`storage.store.Store.practitioner` (or ``Store.pseudonym_of``) rather than calling
:func:`pseudonym` with the master key, which would give different, unstable values.
"""

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_PEPPER_INFO = b"schtum/v1/pseudonym-pepper"


def derive_pepper(secret: bytes) -> bytes:
    """The HMAC key for pseudonyms, derived (HKDF-SHA256) from the store's pepper secret."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PEPPER_INFO).derive(secret)


def pseudonym(secret: bytes, subject: str) -> str:
    """Hex HMAC-SHA256 of `subject` (e.g. "telegram:12345") under a pepper derived from the
    given secret; the store passes its rotation-stable pepper secret, see the module doc."""
    if not subject:
        raise ValueError("a pseudonym needs a non-empty subject")
    return hmac.new(derive_pepper(secret), subject.encode("utf-8"), hashlib.sha256).hexdigest()
