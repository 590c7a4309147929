"""Schema versions: a blank database gets exactly the expected schema, old ones move forward."""

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from storage.errors import StoreError
from storage.migrations import LATEST_VERSION, migrate, schema_version
from storage.pseudonym import pseudonym
from storage.store import Store
from storage.vault import aad, derive_kek, new_key, seal, wrap_key

KEY = bytes(range(32))

EXPECTED_SCHEMA = [
    (
        "index",
        "idx_reflections_owner_created_at",
        'CREATE INDEX "idx_reflections_owner_created_at"\n'
        '    ON "reflections" ("owner", "created_at")',
    ),
    (
        "index",
        "idx_sessions_expires_at",
        'CREATE INDEX "idx_sessions_expires_at"\n    ON "sessions" ("expires_at")',
    ),
    (
        "index",
        "idx_shares_supervisor",
        'CREATE INDEX "idx_shares_supervisor"\n    ON "shares" ("supervisor")',
    ),
    ("index", "sqlite_autoindex_meta_1", None),
    ("index", "sqlite_autoindex_practitioners_1", None),
    ("index", "sqlite_autoindex_reflections_1", None),
    ("index", "sqlite_autoindex_sessions_1", None),
    ("index", "sqlite_autoindex_shares_1", None),
    (
        "table",
        "audit",
        'CREATE TABLE "audit" (\n   "id" INTEGER PRIMARY KEY,\n   "actor" TEXT NOT NULL,\n'
        '   "action" TEXT NOT NULL,\n   "target" TEXT,\n   "counterpart" TEXT,\n'
        '   "at" TEXT NOT NULL\n) STRICT',
    ),
    (
        "table",
        "meta",
        'CREATE TABLE "meta" (\n   "name" TEXT PRIMARY KEY,\n   "value" BLOB NOT NULL\n) STRICT',
    ),
    (
        "table",
        "practitioners",
        'CREATE TABLE "practitioners" (\n   "id" TEXT PRIMARY KEY,\n'
        '   "wrapped_key" BLOB NOT NULL,\n   "created_at" TEXT NOT NULL\n, "settings" BLOB) STRICT',
    ),
    (
        "table",
        "reflections",
        'CREATE TABLE "reflections" (\n   "id" TEXT PRIMARY KEY,\n'
        '   "owner" TEXT NOT NULL REFERENCES "practitioners"("id"),\n'
        '   "flow_id" TEXT NOT NULL,\n   "flow_version" TEXT NOT NULL,\n'
        '   "created_at" TEXT NOT NULL,\n   "wrapped_key" BLOB NOT NULL,\n'
        '   "title" BLOB NOT NULL,\n   "body" BLOB NOT NULL\n) STRICT',
    ),
    (
        "table",
        "sessions",
        'CREATE TABLE "sessions" (\n   "owner" TEXT PRIMARY KEY REFERENCES "practitioners"("id"),\n'
        '   "snapshot" BLOB NOT NULL,\n   "expires_at" REAL NOT NULL,\n'
        '   "updated_at" TEXT NOT NULL\n) STRICT',
    ),
    (
        "table",
        "shares",
        'CREATE TABLE "shares" (\n   "record_id" TEXT REFERENCES "reflections"("id"),\n'
        '   "supervisor" TEXT REFERENCES "practitioners"("id"),\n   "wrapped_key" BLOB NOT NULL,\n'
        '   "created_at" TEXT NOT NULL,\n   PRIMARY KEY ("record_id", "supervisor")\n) STRICT',
    ),
    (
        "trigger",
        "audit_no_delete",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT "
        "RAISE(ABORT, 'the audit log is append-only'); END",
    ),
    (
        "trigger",
        "audit_no_update",
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT "
        "RAISE(ABORT, 'the audit log is append-only'); END",
    ),
]

# m004_supervision, exactly as it creates them.
M004_SCHEMA = [
    (
        'index',
        'idx_comments_record_id_created_at',
        'CREATE INDEX "idx_comments_record_id_created_at"\n'
        '    ON "comments" ("record_id", "created_at")',
    ),
    (
        'index',
        'idx_links_supervisor',
        'CREATE INDEX "idx_links_supervisor"\n    ON "links" ("supervisor")',
    ),
    (
        'index',
        'idx_supervision_log_owner',
        'CREATE INDEX "idx_supervision_log_owner"\n    ON "supervision_log" ("owner")',
    ),
    ('index', 'sqlite_autoindex_comments_1', None),
    ('index', 'sqlite_autoindex_invites_1', None),
    ('index', 'sqlite_autoindex_links_1', None),
    ('index', 'sqlite_autoindex_supervision_log_1', None),
    (
        'table',
        'comments',
        'CREATE TABLE "comments" (\n   "id" TEXT PRIMARY KEY,\n'
        '   "record_id" TEXT NOT NULL REFERENCES "reflections"("id"),\n'
        '   "supervisor" TEXT NOT NULL,\n   "author" TEXT NOT NULL,\n'
        '   "created_at" TEXT NOT NULL,\n   "body" BLOB NOT NULL\n) STRICT',
    ),
    (
        'table',
        'invites',
        'CREATE TABLE "invites" (\n   "code_hash" TEXT PRIMARY KEY,\n'
        '   "owner" TEXT NOT NULL REFERENCES "practitioners"("id"),\n'
        '   "created_at" TEXT NOT NULL,\n   "expires_at" TEXT NOT NULL,\n   "used_at" TEXT\n'
        ") STRICT",
    ),
    (
        'table',
        'links',
        'CREATE TABLE "links" (\n   "practitioner" TEXT REFERENCES "practitioners"("id"),\n'
        '   "supervisor" TEXT REFERENCES "practitioners"("id"),\n'
        '   "created_at" TEXT NOT NULL,\n   PRIMARY KEY ("practitioner", "supervisor")\n'
        ") STRICT",
    ),
    (
        'table',
        'supervision_log',
        'CREATE TABLE "supervision_log" (\n   "id" TEXT PRIMARY KEY,\n'
        '   "owner" TEXT NOT NULL REFERENCES "practitioners"("id"),\n'
        '   "created_at" TEXT NOT NULL,\n   "entry" BLOB NOT NULL\n) STRICT',
    ),
]
# m005_followups_reminders_cpd, exactly as it creates them.
M005_SCHEMA = [
    ('index', 'idx_cpd_owner', 'CREATE INDEX "idx_cpd_owner"\n    ON "cpd" ("owner")'),
    ('index', 'idx_followups_due_on',
     'CREATE INDEX "idx_followups_due_on"\n    ON "followups" ("due_on")'),
    ('index', 'idx_followups_owner_due_on',
     'CREATE INDEX "idx_followups_owner_due_on"\n    ON "followups" ("owner", "due_on")'),
    ('index', 'idx_reminders_due_at',
     'CREATE INDEX "idx_reminders_due_at"\n    ON "reminders" ("due_at")'),
    ('index', 'sqlite_autoindex_cpd_1', None),
    ('index', 'sqlite_autoindex_followups_1', None),
    ('index', 'sqlite_autoindex_reminders_1', None),
    ('table', 'cpd',
     'CREATE TABLE "cpd" (\n   "id" TEXT PRIMARY KEY,\n'
     '   "owner" TEXT NOT NULL REFERENCES "practitioners"("id"),\n'
     '   "created_at" TEXT NOT NULL,\n   "entry" BLOB NOT NULL\n) STRICT'),
    ('table', 'followups',
     'CREATE TABLE "followups" (\n   "id" TEXT PRIMARY KEY,\n'
     '   "owner" TEXT NOT NULL REFERENCES "practitioners"("id"),\n'
     '   "record_id" TEXT NOT NULL REFERENCES "reflections"("id"),\n'
     '   "created_at" TEXT NOT NULL,\n   "due_on" TEXT NOT NULL,\n   "notified_on" TEXT,\n'
     '   "body" BLOB NOT NULL\n) STRICT'),
    ('table', 'reminders',
     'CREATE TABLE "reminders" (\n   "owner" TEXT PRIMARY KEY REFERENCES "practitioners"("id"),\n'
     '   "due_at" INTEGER NOT NULL\n) STRICT'),
]
EXPECTED_SCHEMA = sorted(EXPECTED_SCHEMA + M004_SCHEMA + M005_SCHEMA,
                         key=lambda row: (row[0], row[1]))

# Version 1 exactly as released databases hold it; never regenerate this from the code.
SCHEMA_V1 = [
    'CREATE TABLE "meta" (\n   "name" TEXT PRIMARY KEY,\n   "value" BLOB NOT NULL\n) STRICT',
    'CREATE TABLE "practitioners" (\n   "id" TEXT PRIMARY KEY,\n   "wrapped_key" BLOB NOT NULL,\n'
    '   "created_at" TEXT NOT NULL\n) STRICT',
    'CREATE TABLE "reflections" (\n   "id" TEXT PRIMARY KEY,\n'
    '   "owner" TEXT NOT NULL REFERENCES "practitioners"("id"),\n'
    '   "flow_id" TEXT NOT NULL,\n   "flow_version" TEXT NOT NULL,\n'
    '   "created_at" TEXT NOT NULL,\n   "wrapped_key" BLOB NOT NULL,\n'
    '   "title" BLOB NOT NULL,\n   "body" BLOB NOT NULL\n) STRICT',
    'CREATE INDEX "idx_reflections_owner_created_at"\n    ON "reflections" ("owner", "created_at")',
    'CREATE TABLE "audit" (\n   "id" INTEGER PRIMARY KEY,\n   "actor" TEXT NOT NULL,\n'
    '   "action" TEXT NOT NULL,\n   "target" TEXT,\n   "counterpart" TEXT,\n'
    '   "at" TEXT NOT NULL\n) STRICT',
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT "
    "RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT "
    "RAISE(ABORT, 'the audit log is append-only'); END",
]


def schema(path: Path) -> list[tuple[str, str, str | None]]:
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    found = [tuple(row) for row in rows]
    conn.close()
    return found


def user_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    conn.close()
    return version


def build_v1_database(path: Path) -> tuple[str, str]:
    """A version-1 database made by hand, with one practitioner and one reflection."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in SCHEMA_V1:
        conn.execute(statement)
    kek, pepper_secret, data_key, record_key = derive_kek(KEY), new_key(), new_key(), new_key()
    owner = pseudonym(pepper_secret, "terminal:alice")
    rid = "a" * 32
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("key_check", seal(kek, b"schtum key check v1", aad("key-check"))),
            ("pepper", wrap_key(kek, pepper_secret, aad("pepper"))),
        ],
    )
    conn.execute(
        "INSERT INTO practitioners VALUES (?, ?, ?)",
        [owner, wrap_key(kek, data_key, aad("data-key", owner)), "2024-01-01T00:00:00+00:00"],
    )
    conn.execute(
        "INSERT INTO reflections VALUES (?, ?, 'breach-uk', '1', ?, ?, ?, ?)",
        [
            rid,
            owner,
            "2024-01-01T00:00:01+00:00",
            wrap_key(data_key, record_key, aad("record-key", rid, owner)),
            seal(record_key, b"old title", aad("reflection-title", rid, owner)),
            seal(record_key, b"old body", aad("reflection-body", rid, owner)),
        ],
    )
    conn.execute(
        "INSERT INTO audit VALUES (1, ?, 'save', ?, NULL, '2024-01-01T00:00:01+00:00')",
        [owner, rid],
    )
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    return owner, rid


def test_a_blank_database_migrates_to_exactly_the_expected_schema(tmp_path: Path) -> None:
    db = Database(tmp_path / "blank.db")
    assert migrate(db) == LATEST_VERSION
    assert schema_version(db) == LATEST_VERSION
    db.close()
    assert schema(tmp_path / "blank.db") == EXPECTED_SCHEMA


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    db = Database(tmp_path / "twice.db")
    migrate(db)
    assert migrate(db) == 0
    db.close()
    assert schema(tmp_path / "twice.db") == EXPECTED_SCHEMA


def test_a_version_1_database_migrates_forward_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    owner, rid = build_v1_database(path)
    with Store.open(path, KEY) as store:
        assert store.practitioner("terminal:alice") == owner
        assert store.read_reflection(owner, rid) == "old body"
        assert [info.title for info in store.list_reflections(owner)] == ["old title"]
        assert [e.action for e in store.audit_entries(owner)] == ["save", "read"]
        store.save_settings(owner, {"jurisdiction": "uk"})
        assert store.load_settings(owner) == {"jurisdiction": "uk"}
    assert schema(path) == EXPECTED_SCHEMA
    assert user_version(path) == LATEST_VERSION


def test_a_failing_migration_leaves_the_old_version_untouched(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    build_v1_database(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE sessions (x)")
    conn.close()
    before = schema(path)
    db = Database(path)
    with pytest.raises(sqlite3.OperationalError, match="already exists"):
        migrate(db)
    db.close()
    assert schema(path) == before
    assert user_version(path) == 1


def test_a_database_newer_than_this_code_is_refused(tmp_path: Path) -> None:
    db = Database(tmp_path / "new.db")
    db.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version"):
        migrate(db)
    db.close()
