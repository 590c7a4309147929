"""Domain errors for storage: each carries one sentence a user can act on (str(exc)).

Messages never contain user content, keys or clear ids, so callers may show or log them.
"""


class StorageError(Exception):
    """Base class; `message` is the default sentence when none is given."""

    message = "Schtum could not use its data store: check the data folder and try again."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class KeyFileError(StorageError):
    """The master key is missing, malformed or unreadable, or keygen would overwrite one."""

    message = (
        "The master key is missing or malformed: run `schtum keygen` to create a key file, "
        "or set SCHTUM_MASTER_KEY to the base64 of 32 random bytes."
    )


class WrongKeyError(StorageError):
    """The key is valid but not the one this database was created (or last rotated) with."""

    message = (
        "This master key is not the one the database was created with: use the original key "
        "file or SCHTUM_MASTER_KEY (nothing was changed)."
    )


class TamperedError(StorageError):
    """A ciphertext or wrapped key failed authentication: altered, truncated or moved."""

    message = (
        "A stored record failed its integrity check (it was altered, truncated or moved), "
        "so it was not read: restore the database from a backup."
    )


class StoreError(StorageError):
    """Saving or reading failed (busy after retries, disk full, not a Schtum database)."""

    message = "The database is busy and nothing was saved: please try again in a moment."


class NotAuthorised(StorageError):
    """The record does not exist or the caller may not see it (deliberately indistinguishable)."""

    message = "That record does not exist or is not yours to open."


class UnknownPractitioner(StorageError):
    """A pseudonym has no data key here (never used Schtum, or was forgotten)."""

    message = (
        "That person has no Schtum account on this server yet: ask them to open Schtum once, "
        "then try again."
    )


class StoreBusyError(StorageError):
    """The store is held by another process in a way that forbids this operation."""

    message = "Another Schtum process has the store open: stop it, then try again."


class KeyChangedError(StorageError):
    """The master key was rotated after this process opened the store: it must not write."""

    message = (
        "The master key was changed while Schtum was running, so nothing was written under "
        "the old one: Schtum must be restarted before it can save (nothing was lost)."
    )
