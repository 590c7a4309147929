"""Review, the practitioner's last word: put back a wrong replacement."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import wording
from bot.conversation import Conversation
from bot.messages import Input
from bot.replacements import pick, replacements
from bot.service import Service
from storage.anonymiser import Anonymiser
from storage.store import Store
from tests.test_service import KEY, finish

WRONG = "Reading between the lines, Siobhan told me about it."


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "s.db", KEY)
    yield opened
    opened.close()


def test_kept_terms_stay_in_and_other_findings_still_go() -> None:
    redaction = Anonymiser().redact(WRONG, kept_terms=["reading"])
    assert redaction.text.startswith("Reading between the lines")
    assert "Siobhan" not in redaction.text


def test_replacements_are_labelled_by_the_words_after_them() -> None:
    found = replacements(["Siobhan rang. Later Siobhan said she moved to Swindon."])
    assert [r.placeholder for r in found] == ["[PERSON 1]", "[PLACE 1]"]
    assert found[0].label == "[PERSON 1] rang. Later [PERSON"
    assert found[0].originals == ("Siobhan",)
    assert found[1].label == "she moved to [PLACE 1]"


@pytest.mark.parametrize("typed", ["restore 2", "2", "[PLACE 1]", "place 1",
                                   "she moved to [PLACE 1]"])
def test_a_replacement_is_picked_by_label_number_or_placeholder(typed: str) -> None:
    found = replacements(["Siobhan rang. Later Siobhan said she moved to Swindon."])
    assert pick(found, typed) == found[1]


def test_pick_ignores_what_matches_nothing() -> None:
    assert pick(replacements(["Siobhan rang."]), "restore 9") is None


def test_put_words_back_in_review_leaves_the_original_in(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    summary = finish(service, who, WRONG)
    assert "Siobhan" not in summary.text
    listed = service.handle(who, Input.choice(wording.RESTORE))
    assert listed[-1].text == wording.ASK_RESTORE and listed[-1].private
    assert listed[-1].choices[-1] == wording.KEEP_AS_IS
    person = next(c for c in listed[-1].choices if c.startswith("[PERSON"))
    again = service.handle(who, Input.choice(person))
    assert "Siobhan" in again[-1].text and again[-1].choices == wording.REVIEW_CHOICES


def test_restore_typed_in_review_puts_words_back_directly(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    finish(service, who, WRONG)
    again = service.handle(who, Input.text("restore 1"))
    assert again[-1].kind == "summary"
    assert "Siobhan" in again[-1].text or "Reading" in again[-1].text


def test_put_words_back_with_nothing_replaced_says_so(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    finish(service, who, "the client said something hard")
    replies = service.handle(who, Input.choice(wording.RESTORE))
    assert replies[0].text == wording.NOTHING_TO_RESTORE
    assert replies[-1].kind == "summary"


def test_restored_words_survive_a_snapshot(store: Store) -> None:
    service = Service(store)
    who = service.who("terminal:t")
    finish(service, who, WRONG)
    conversation = service.conversations[who]
    conversation.restored.append("Siobhan")
    raw = conversation.to_snapshot()
    back = Conversation.from_snapshot(raw, service.engine)
    assert back.restored == ["Siobhan"]
