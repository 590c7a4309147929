"""Master-key rotation: re-wrap data keys (and the pepper and key check) under a new key.

Record ciphertexts and record keys are untouched: they sit under the practitioners' data
keys, which do not change. The whole re-wrap is one SQLite transaction, so an interruption
(exception, crash, power loss) leaves every data key wrapped under the old key and the key
check still naming the old key; running the rotation again finishes the job.

Rotation is also what completes crypto-shredding against backups: a copy of the database
taken before ``forget`` still holds that practitioner's data key wrapped under the master
key of the day. Once the master key is rotated and the old one destroyed (after the backup
retention window), that copy can no longer be opened.
"""

from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from storage.connection import RetryPolicy, checkpoint, with_retries
from storage.database import data_key_aad, open_database, write_key_check
from storage.errors import KeyFileError, StoreError, WrongKeyError
from storage.files import sync_dir
from storage.keys import ensure_key_file, load_master_key
from storage.lock import StoreLock
from storage.vault import derive_kek, unwrap_key, wrap_key

RewrapHook = Callable[[int], None]


def rotate_master_key(
    db_path: Path,
    old_key: bytes,
    new_key: bytes,
    *,
    on_rewrap: RewrapHook | None = None,
    retry: RetryPolicy | None = None,
) -> int:
    """Re-wrap under `new_key`; return the number of practitioner data keys re-wrapped.

    WrongKeyError (nothing written) if `old_key` does not open the database. `on_rewrap`
    is called with a running count after each key, for progress or to simulate a crash.
    StoreBusyError (nothing written), naming them, while any other process has the store
    open: it would go on wrapping new data keys under the key this destroys.
    """
    if old_key == new_key:
        raise KeyFileError("The new master key is the same as the old one: generate a new key.")
    _require_database(db_path)
    with StoreLock.exclusive(Path(db_path)):
        return _rotate(db_path, old_key, new_key, on_rewrap, retry)


def _require_database(db_path: Path) -> None:
    if not Path(db_path).is_file():
        raise StoreError(f"No database at {db_path}: check the configured data folder.")


def _rotate(db_path: Path, old_key: bytes, new_key: bytes, on_rewrap: RewrapHook | None,
            retry: RetryPolicy | None) -> int:
    if old_key == new_key:
        raise KeyFileError("The new master key is the same as the old one: generate a new key.")
    _require_database(db_path)
    policy = retry or RetryPolicy()
    opened = open_database(Path(db_path), old_key, policy)
    new_kek = derive_kek(new_key)
    try:
        count = with_retries(
            policy,
            lambda: _rewrap(opened.db, opened.kek, new_kek, opened.pepper_secret, on_rewrap),
        )
        checkpoint(opened.db)
    finally:
        opened.db.close()
    return count


def rotate_key_file(db_path: Path, key_path: Path, *, retry: RetryPolicy | None = None) -> int:
    """Rotate a key-file deployment safely; resumable after a crash at any point.

    The new key is written to ``<key>.new`` (0600) before the database changes, and moved
    over the old key file only after the database commits, so at every moment the key that
    opens the database exists on disk. A leftover ``.new`` from an interrupted run is reused.
    """
    _require_database(db_path)
    with StoreLock.exclusive(Path(db_path)):
        old_key = load_master_key(key_path, environ={})
        pending = key_path.with_name(key_path.name + ".new")
        ensure_key_file(pending)
        new_key = load_master_key(pending, environ={})
        try:
            count = _rotate(db_path, old_key, new_key, None, retry)
        except WrongKeyError:
            opened = open_database(Path(db_path), new_key, retry or RetryPolicy())
            opened.db.close()
            count = 0
        pending.replace(key_path)
        sync_dir(key_path.parent)
        return count


def _rewrap(
    db: Database, old_kek: bytes, new_kek: bytes, pepper_secret: bytes, hook: RewrapHook | None
) -> int:
    with db.atomic():
        rows = db.execute("SELECT id, wrapped_key FROM practitioners").fetchall()
        for done, (owner, wrapped) in enumerate(rows, start=1):
            data_key = unwrap_key(old_kek, wrapped, data_key_aad(owner))
            db.execute(
                "UPDATE practitioners SET wrapped_key = ? WHERE id = ?",
                [wrap_key(new_kek, data_key, data_key_aad(owner)), owner],
            )
            if hook is not None:
                hook(done)
        write_key_check(db, new_kek, pepper_secret)
    return len(rows)
