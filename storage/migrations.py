"""Ordered forward migrations, tracked with ``PRAGMA user_version``.

Each ``mNNN_*`` function takes a sqlite-utils Database and moves the schema from version
NNN-1 to NNN. :func:`migrate` applies the missing ones in a single transaction, so a crash
leaves the database at its old version, never half-migrated. Never edit a released
migration: add a new one (databases in the field were built by the old text).
"""

from collections.abc import Callable

from sqlite_utils import Database

from storage.errors import StoreError

_APPEND_ONLY = "the audit log is append-only"


def m001_initial(db: Database) -> None:
    """Meta (key check, wrapped pepper), practitioners, reflections, append-only audit."""
    db["meta"].create({"name": str, "value": bytes}, pk="name", not_null={"value"}, strict=True)
    db["practitioners"].create(
        {"id": str, "wrapped_key": bytes, "created_at": str},
        pk="id",
        not_null={"wrapped_key", "created_at"},
        strict=True,
    )
    db["reflections"].create(
        {
            "id": str,
            "owner": str,
            "flow_id": str,
            "flow_version": str,
            "created_at": str,
            "wrapped_key": bytes,
            "title": bytes,
            "body": bytes,
        },
        pk="id",
        not_null={"owner", "flow_id", "flow_version", "created_at", "wrapped_key", "title", "body"},
        foreign_keys=[("owner", "practitioners", "id")],
        strict=True,
    )
    db["reflections"].create_index(["owner", "created_at"])
    db["audit"].create(
        {"id": int, "actor": str, "action": str, "target": str, "counterpart": str, "at": str},
        pk="id",
        not_null={"actor", "action", "at"},
        strict=True,
    )
    for event in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER audit_no_{event.lower()} BEFORE {event} ON audit "
            f"BEGIN SELECT RAISE(ABORT, '{_APPEND_ONLY}'); END"
        )


def m002_sessions_and_settings(db: Database) -> None:
    """Encrypted in-flight session snapshots and per-practitioner encrypted settings."""
    db["practitioners"].add_column("settings", bytes)
    db["sessions"].create(
        {"owner": str, "snapshot": bytes, "expires_at": float, "updated_at": str},
        pk="owner",
        not_null={"snapshot", "expires_at", "updated_at"},
        foreign_keys=[("owner", "practitioners", "id")],
        strict=True,
    )
    db["sessions"].create_index(["expires_at"])


def m003_shares(db: Database) -> None:
    """Record keys wrapped for supervisors; deleting a row is what unsharing means."""
    db["shares"].create(
        {"record_id": str, "supervisor": str, "wrapped_key": bytes, "created_at": str},
        pk=("record_id", "supervisor"),
        not_null={"wrapped_key", "created_at"},
        foreign_keys=[
            ("record_id", "reflections", "id"),
            ("supervisor", "practitioners", "id"),
        ],
        strict=True,
    )
    db["shares"].create_index(["supervisor"])


def m004_supervision(db: Database) -> None:
    """Supervision: invitations (hashes only), links, comment threads, the supervision log.

    Comments are sealed under their reflection's record key, so owner and supervisor can
    both read them and nobody else can; log entries are sealed under the owner's data key.
    """
    db["invites"].create(
        {"code_hash": str, "owner": str, "created_at": str, "expires_at": str, "used_at": str},
        pk="code_hash",
        not_null={"owner", "created_at", "expires_at"},
        foreign_keys=[("owner", "practitioners", "id")],
        strict=True,
    )
    db["links"].create(
        {"practitioner": str, "supervisor": str, "created_at": str},
        pk=("practitioner", "supervisor"),
        not_null={"created_at"},
        foreign_keys=[("practitioner", "practitioners", "id"),
                      ("supervisor", "practitioners", "id")],
        strict=True,
    )
    db["links"].create_index(["supervisor"])
    db["comments"].create(
        {"id": str, "record_id": str, "supervisor": str, "author": str, "created_at": str,
         "body": bytes},
        pk="id",
        not_null={"record_id", "supervisor", "author", "created_at", "body"},
        foreign_keys=[("record_id", "reflections", "id")],
        strict=True,
    )
    db["comments"].create_index(["record_id", "created_at"])
    db["supervision_log"].create(
        {"id": str, "owner": str, "created_at": str, "entry": bytes},
        pk="id",
        not_null={"owner", "created_at", "entry"},
        foreign_keys=[("owner", "practitioners", "id")],
        strict=True,
    )
    db["supervision_log"].create_index(["owner"])


def m005_followups_reminders_cpd(db: Database) -> None:
    """Follow-ups, the reminder index and the CPD log.

    A follow-up's next step is sealed under its owner's data key; its due day stays in
    clear (bound into the AAD) so due ones are found without decrypting. The reminder
    index holds only a pseudonym and the next due UTC minute, so a restart rebuilds the
    schedule without decrypting anyone's settings (where the schedule and chat id live).
    CPD entries are sealed under the owner's data key.
    """
    db["followups"].create(
        {"id": str, "owner": str, "record_id": str, "created_at": str, "due_on": str,
         "notified_on": str, "body": bytes},
        pk="id",
        not_null={"owner", "record_id", "created_at", "due_on", "body"},
        foreign_keys=[("owner", "practitioners", "id"), ("record_id", "reflections", "id")],
        strict=True,
    )
    db["followups"].create_index(["owner", "due_on"])
    db["followups"].create_index(["due_on"])
    db["reminders"].create(
        {"owner": str, "due_at": int},
        pk="owner",
        not_null={"due_at"},
        foreign_keys=[("owner", "practitioners", "id")],
        strict=True,
    )
    db["reminders"].create_index(["due_at"])
    db["cpd"].create(
        {"id": str, "owner": str, "created_at": str, "entry": bytes},
        pk="id",
        not_null={"owner", "created_at", "entry"},
        foreign_keys=[("owner", "practitioners", "id")],
        strict=True,
    )
    db["cpd"].create_index(["owner"])


MIGRATIONS: tuple[Callable[[Database], None], ...] = (
    m001_initial,
    m002_sessions_and_settings,
    m003_shares,
    m004_supervision,
    m005_followups_reminders_cpd,
)
LATEST_VERSION = len(MIGRATIONS)


def schema_version(db: Database) -> int:
    """The schema version recorded in the database header."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: Database) -> int:
    """Apply every missing migration in one transaction; return the number applied.

    The version is read inside the write transaction (begun IMMEDIATE when none is open),
    so two processes upgrading the same database at once never both apply a step.
    """
    own = not db.conn.in_transaction
    if own:
        db.execute("BEGIN IMMEDIATE")
    try:
        current = schema_version(db)
        if current > LATEST_VERSION:
            raise StoreError(
                "This database was written by a newer version of Schtum: upgrade Schtum "
                "before opening it."
            )
        pending = MIGRATIONS[current:]
        with db.atomic():
            for version, step in enumerate(pending, start=current + 1):
                step(db)
                db.execute(f"PRAGMA user_version = {version}")
        if own:
            db.execute("COMMIT")
    except BaseException:
        if own:
            db.conn.rollback()
        raise
    return len(pending)
