"""The end-of-flow review: see the anonymised summary, then save, remove more, edit or discard.

Nothing is stored before Save; a failed save keeps the summary in memory to try again.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from bot import wording
from bot.conversation import Conversation
from bot.messages import Input, Reply
from bot.replacements import pick
from flows.reflection import Reflection
from storage.errors import StorageError

if TYPE_CHECKING:
    from bot.service import Service

log = logging.getLogger("schtum.review")


class Review:
    """The review stages of a conversation, driven by the service."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def enter(self, conversation: Conversation) -> list[Reply]:
        conversation.stage = "review"
        document = conversation.session.flow.style == "document"
        intro = wording.REVIEW_INTRO_DOCUMENT if document else wording.REVIEW_INTRO
        return [Reply(intro)] + self._summary(conversation)

    def show_stage(self, conversation: Conversation) -> list[Reply]:
        """Repeat what the current review stage is waiting for."""
        if conversation.stage == "remove":
            return [Reply(wording.ASK_REMOVE, expects="text", kind="question")]
        if conversation.stage == "edit_pick":
            return self._pick_answer(conversation)
        if conversation.stage == "restore":
            return self._pick_replacement(conversation)
        if conversation.stage == "edit_text" and conversation.editing:
            return self._ask_new_text(conversation)
        conversation.stage = "review"
        return self._summary(conversation)

    def handle(self, who: str, conversation: Conversation, given: Input) -> list[Reply]:
        stage = conversation.stage
        if stage == "remove":
            terms = [t.strip() for t in given.value.split(",") if t.strip()]
            conversation.extra_terms.extend(terms)
            conversation.stage = "review"
            return self._summary(conversation)
        if stage == "edit_pick":
            return self._picked(conversation, given.value)
        if stage == "restore":
            return self._put_back(conversation, given.value)
        if stage == "edit_text":
            if given.kind == "text" and given.value.strip():
                assert conversation.editing is not None
                conversation.edits[conversation.editing] = given.value.strip()
            conversation.stage, conversation.editing = "review", None
            return self._summary(conversation)
        return self._decide(who, conversation, given.value)

    def command(self, conversation: Conversation, name: str) -> list[Reply]:
        """back/skip/why during review: step out of a sub-stage, or explain the choices."""
        if name in ("back", "skip") and conversation.stage != "review":
            conversation.stage, conversation.editing = "review", None
            return self._summary(conversation)
        return [Reply("Choose Save to keep this anonymised summary, Remove words to take "
                      "more out, Put words back to undo a wrong replacement, Edit an answer "
                      "to change one, or Discard.", kind="why")] \
            + self.show_stage(conversation)

    def _decide(self, who: str, conversation: Conversation, choice: str) -> list[Reply]:
        picked = choice.strip().casefold()
        if picked == wording.SAVE.casefold():
            return self._save(who, conversation)
        if picked == wording.REMOVE.casefold():
            conversation.stage = "remove"
            return [Reply(wording.ASK_REMOVE, expects="text", kind="question")]
        if picked == wording.RESTORE.casefold():
            if not conversation.replacements():
                return [Reply(wording.NOTHING_TO_RESTORE, kind="error")] \
                    + self._summary(conversation)
            conversation.stage = "restore"
            return self._pick_replacement(conversation)
        if picked.startswith("restore "):
            return self._put_back(conversation, choice)
        if picked == wording.EDIT.casefold():
            if not conversation.free_text_states():
                return [Reply(wording.NOTHING_TO_EDIT, kind="error")] + self._summary(conversation)
            conversation.stage = "edit_pick"
            return self._pick_answer(conversation)
        if picked == wording.DISCARD.casefold():
            self.service.drop(who)
            log.info("reflection_discarded who=%s", who[:12])
            return [Reply(wording.DISCARDED, done=True)]
        return [Reply("Please choose one of: " + ", ".join(wording.REVIEW_CHOICES) + ".",
                      kind="error")] + self._summary(conversation)

    def _save(self, who: str, conversation: Conversation) -> list[Reply]:
        store = self.service.store
        if store is None:
            self.service.drop(who)
            return [Reply(wording.NO_STORE, done=True)]
        anonymised = conversation.anonymised()
        try:
            record_id = store.save_reflection(
                who, flow_id=anonymised.flow_id, flow_version=anonymised.flow_version,
                title=anonymised.title, body=self._text(anonymised))
        except StorageError as problem:
            log.error("reflection_save_failed who=%s error=%s", who[:12], type(problem).__name__)
            return [Reply(wording.SAVE_FAILED.format(reason=str(problem)), kind="error")] \
                + self._summary(conversation)
        self.service.drop(who)
        log.info("reflection_saved who=%s", who[:12])
        replies = [Reply(wording.SAVED, kind="saved"),
                   *self.service.saved(who, record_id, anonymised)]
        return [*replies[:-1], replace(replies[-1], done=True)]  # done marks the last

    def _text(self, reflection: Reflection) -> str:
        """The record as stored and shown: dated today, in the flow's own convention."""
        locale = self.service.engine(reflection.flow_id).flow.locale
        return reflection.summary(wording.record_date(self.service.clock(), locale))

    def _summary(self, conversation: Conversation) -> list[Reply]:
        return [Reply(self._text(conversation.anonymised()), wording.REVIEW_CHOICES, "choice",
                      kind="summary", private=True)]

    @staticmethod
    def _pick_replacement(conversation: Conversation) -> list[Reply]:
        labels = tuple(r.label for r in conversation.replacements())
        return [Reply(wording.ASK_RESTORE, labels + (wording.KEEP_AS_IS,), "choice",
                      kind="question", private=True)]

    def _put_back(self, conversation: Conversation, typed: str) -> list[Reply]:
        """Leave the chosen placeholder's original words in the summary."""
        chosen = pick(conversation.replacements(), typed)
        if chosen is not None:
            conversation.restored.extend(o for o in chosen.originals
                                         if o not in conversation.restored)
        conversation.stage = "review"
        return self._summary(conversation)

    def _pick_answer(self, conversation: Conversation) -> list[Reply]:
        flow = conversation.session.flow
        labels = tuple(flow.states[s].answer_label for s in conversation.free_text_states())
        return [Reply(wording.ASK_EDIT, labels + (wording.KEEP_AS_IS,), "choice",
                      kind="question")]

    def _picked(self, conversation: Conversation, label: str) -> list[Reply]:
        flow = conversation.session.flow
        by_label = {flow.states[s].answer_label.casefold(): s
                    for s in conversation.free_text_states()}
        state = by_label.get(label.strip().casefold())
        if state is None:
            conversation.stage = "review"
            return self._summary(conversation)
        conversation.stage, conversation.editing = "edit_text", state
        return self._ask_new_text(conversation)

    def _ask_new_text(self, conversation: Conversation) -> list[Reply]:
        state = conversation.editing or ""
        question = conversation.session.flow.states[state].asks[0]
        current = conversation.anonymised().fields.get(state, "")
        return [Reply(f"{question}\nNow (anonymised): {current}\nType the new answer.",
                      expects="text", kind="question", private=True)]
