"""How a comment is sealed: under its reflection's record key, with AAD naming it fully.

Sealing under the record key (not a person's data key) is what lets both readers of a
reflection, its owner and the supervisor it is shared with, read the thread, and nobody
else: unsharing destroys the supervisor's wrapped record key, and with it their access to
the comments too. The associated data names the record, the comment, its author, the
thread (the supervisor) and the time, so a comment moved to another reflection or thread,
or re-attributed, fails its integrity check. Changing these strings makes stored comments
unreadable: tests pin them.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.vault import aad, open_sealed, seal_padded


@dataclass(frozen=True)
class Comment:
    """One decrypted comment: who wrote it (pseudonym), in whose thread, when, what."""

    id: str
    record_id: str
    supervisor: str
    author: str
    created_at: str
    text: str


def comment_aad(record_id: str, comment_id: str, author: str, supervisor: str,
                created_at: str) -> bytes:
    return aad("comment-v1", record_id, comment_id, author, supervisor, created_at)


def seal_comment(record_key: bytes, record_id: str, comment_id: str, author: str,
                 supervisor: str, created_at: str, text: str) -> bytes:
    return seal_padded(record_key, text.encode("utf-8"),
                       comment_aad(record_id, comment_id, author, supervisor, created_at))


def open_comment(record_key: bytes, row: tuple) -> Comment:
    """Decrypt a row (id, record_id, supervisor, author, created_at, body)."""
    cid, rid, supervisor, author, created_at, body = row
    text = open_sealed(record_key, body, comment_aad(rid, cid, author, supervisor, created_at))
    return Comment(cid, rid, supervisor, author, created_at, text.decode("utf-8"))
