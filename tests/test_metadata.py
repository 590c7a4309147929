"""Clear metadata is authenticated, lengths are bucketed, dates are minutes (finding 16)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from storage.errors import TamperedError
from storage.records import legacy_field_aad, record_key_for
from storage.store import Store
from storage.vault import PAD_BUCKET, seal

KEY = bytes(range(32))


def sql(db_path: Path, statement: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(statement, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def saved(db_path: Path, bodies: list[str]) -> tuple[str, list[str]]:
    with Store.open(db_path, KEY) as store:
        owner = store.practitioner("telegram:77")
        ids = [store.save_reflection(owner, flow_id="breach-uk", flow_version="2",
                                     title="A title", body=body) for body in bodies]
    return owner, ids


@pytest.mark.parametrize("column, value", [("created_at", "2020-01-01T09:00+00:00"),
                                           ("flow_id", "journal"), ("flow_version", "9")])
def test_an_edited_clear_field_makes_the_record_fail_its_check(tmp_path: Path, column: str,
                                                               value: str) -> None:
    db_path = tmp_path / "s.db"
    owner, (rid,) = saved(db_path, ["The body."])
    sql(db_path, f"UPDATE reflections SET {column} = ? WHERE id = ?", (value, rid))  # noqa: S608
    with Store.open(db_path, KEY) as store:
        with pytest.raises(TamperedError):
            store.list_reflections(owner)
        with pytest.raises(TamperedError):
            store.read_reflection(owner, rid)


def test_ciphertext_lengths_reveal_only_a_256_byte_bucket(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    _, ids = saved(db_path, ["x", "y" * 100, "z" * 240, "w" * 300])
    sizes = dict(sql(db_path, "SELECT id, length(body) FROM reflections"))
    assert sizes[ids[0]] == sizes[ids[1]] == sizes[ids[2]]
    assert sizes[ids[3]] == sizes[ids[0]] + PAD_BUCKET
    titles = {n for (n,) in sql(db_path, "SELECT length(title) FROM reflections")}
    assert len(titles) == 1


def test_settings_and_snapshots_are_padded_too(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    with Store.open(db_path, KEY) as store:
        a, b = store.practitioner("telegram:1"), store.practitioner("telegram:2")
        store.save_settings(a, {"jurisdiction": "uk"})
        store.save_settings(b, {"jurisdiction": "scotland", "name": "A longer name here"})
        store.save_session(a, b"x" * 10, 9e12)
        store.save_session(b, b"y" * 200, 9e12)
    assert len({n for (n,) in sql(db_path, "SELECT length(settings) FROM practitioners")}) == 1
    assert len({n for (n,) in sql(db_path, "SELECT length(snapshot) FROM sessions")}) == 1


def test_record_dates_are_kept_to_the_minute(tmp_path: Path) -> None:
    db_path = tmp_path / "s.db"
    saved(db_path, ["b"])
    (created,) = sql(db_path, "SELECT created_at FROM reflections")[0]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d\+00:00", created)


def test_records_from_before_are_resealed_once_and_their_old_form_is_refused(
        tmp_path: Path) -> None:
    """A v1 record (unpadded, metadata not bound) is upgraded at open; putting its old
    ciphertext back afterwards (a replay from a backup) is then refused."""
    db_path = tmp_path / "s.db"
    owner, (rid,) = saved(db_path, ["placeholder"])
    with Store.open(db_path, KEY) as store:
        data_key = store._data_key(owner)  # noqa: SLF001 - building a pre-0.2 record
    sql(db_path, "DELETE FROM meta WHERE name = 'record_format'")  # as a 0.1 database
    (wrapped,) = sql(db_path, "SELECT wrapped_key FROM reflections WHERE id = ?", (rid,))[0]
    record_key = record_key_for(data_key, wrapped, rid, owner)
    old = {name: seal(record_key, text.encode(), legacy_field_aad(name, rid, owner))
           for name, text in (("title", "Old title"), ("body", "Old body"))}
    sql(db_path, "UPDATE reflections SET title = ?, body = ? WHERE id = ?",
        (old["title"], old["body"], rid))
    with Store.open(db_path, KEY) as store:
        assert store.list_reflections(owner)[0].title == "Old title"
        assert store.read_reflection(owner, rid) == "Old body"
    (body,) = sql(db_path, "SELECT body FROM reflections WHERE id = ?", (rid,))[0]
    assert body[0] == 2 and len(body) % 16 == 13  # v2: header, padded blocks, tag
    sql(db_path, "UPDATE reflections SET created_at = ?, body = ? WHERE id = ?",
        ("2001-01-01T00:00+00:00", old["body"], rid))  # a replay with an edited date
    with Store.open(db_path, KEY) as store, pytest.raises(TamperedError):
        store.read_reflection(owner, rid)
