"""The application service: runs flows for many practitioners, the same in every channel.

It ties the engine (flows/) to the privacy layer (storage/): live identifier warnings,
the anonymised review, encrypted saving, and encrypted snapshots for resuming. Every
method takes a pseudonym (`who`), never a clear id, and logs events, never content.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable

from bot import wording
from bot.conversation import Conversation
from bot.messages import Input, Reply
from bot.review import Review
from flows.engine import Engine
from flows.errors import FlowError, InvalidAnswer
from flows.loader import load_flow
from flows.prompt import Prompt, Step
from storage.anonymiser import KIND_NAMES, detect
from storage.errors import StorageError
from storage.store import Store
from storage.text import normalise

log = logging.getLogger("schtum.service")


class Service:
    """Conversations keyed by pseudonym, with optional encrypted persistence."""

    def __init__(self, store: Store | None, *, jurisdiction: str = "uk",
                 timeout_seconds: float = 1800, resume: bool = False,
                 clock: Callable[[], float] = time.time, defer_snapshots: bool = False) -> None:
        self.store = store
        self.jurisdiction = jurisdiction
        self.timeout = timeout_seconds
        self.resume = resume and store is not None
        self.clock = clock
        self.conversations: dict[str, Conversation] = {}
        self._engines: dict[str, Engine] = {}
        self.review = Review(self)
        self.defer_snapshots = defer_snapshots
        self._unsaved: set[str] = set()

    # -- identity and flows -------------------------------------------------------

    def who(self, subject: str) -> str:
        """The pseudonym for a subject such as 'telegram:42' (the subject itself, unstored)."""
        return self.store.practitioner(subject) if self.store else subject

    def engine(self, flow_id: str) -> Engine:
        if flow_id not in self._engines:
            self._engines[flow_id] = Engine(load_flow(flow_id))
        return self._engines[flow_id]

    def dilemma_flow(self, who: str) -> str:
        """The breach flow for this practitioner's jurisdiction (settings, else config)."""
        jurisdiction = self.jurisdiction
        if self.store:
            jurisdiction = self.store.load_settings(who).get("jurisdiction", jurisdiction)
        return f"breach-{jurisdiction}"

    # -- the conversation ---------------------------------------------------------

    def begin(self, who: str, flow_id: str) -> list[Reply]:
        """Start a flow, replacing any conversation in progress."""
        engine = self.engine(flow_id)
        conversation = Conversation(engine.start(seed=secrets.randbelow(1 << 30)),
                                    last_seen=self.clock())
        self.conversations[who] = conversation
        log.info("flow_started flow=%s who=%s", flow_id, who[:12])
        flow = engine.flow
        intro = flow.title + (f"\n\n{flow.intro}" if flow.intro else "")
        intro += f"\n\n{wording.NOT_ADVICE}\nType back, skip, why, cancel or help at any time."
        replies = [Reply(intro)] + self._question(conversation.session.prompt())
        self._persist(who)
        return replies

    def active(self, who: str) -> Conversation | None:
        """The conversation in progress, resumed from its snapshot if need be."""
        conversation = self.conversations.get(who)
        if conversation is None and self.resume and self.store:
            conversation = self._restore(who)
        return conversation

    def expired(self, who: str) -> bool:
        """Drop a conversation idle past the timeout; True if one was dropped."""
        conversation = self.active(who)
        if conversation and self.clock() - conversation.last_seen > self.timeout:
            self.drop(who)
            log.info("flow_timed_out who=%s", who[:12])
            return True
        return False

    def current(self, who: str) -> list[Reply]:
        """Show again where the practitioner is (after a restart, an error or a stray edit)."""
        conversation = self.active(who)
        if conversation is None:
            return [Reply(wording.NO_FLOW)]
        if conversation.stage != "flow":
            return self.review.show_stage(conversation)
        return self._question(conversation.session.prompt())

    def handle(self, who: str, given: Input) -> list[Reply]:
        """Apply one input to the practitioner's conversation and say what comes next."""
        given = Input(given.kind, normalise(given.value))  # one form, before anything else
        conversation = self.active(who)
        if conversation is None:
            return [Reply(wording.NO_FLOW + " Start one with /dilemma or /journal.",
                          done=True)]
        conversation.last_seen = self.clock()
        try:
            if given.kind == "command":
                replies = self._command(who, conversation, given.value)
            elif conversation.stage != "flow":
                replies = self.review.handle(who, conversation, given)
            else:
                replies = self._answer(who, conversation, given)
        except InvalidAnswer as problem:
            replies = [Reply(str(problem), kind="error")] + self.current(who)
        if who in self.conversations:
            # The summary is on screen: a Save pressed now must find it after a crash, so
            # the review's snapshot is written at once, not with the next deferred flush.
            reviewing = self.conversations[who].stage != "flow"
            self._persist(who, deferred=False if reviewing else None)
        return replies

    def drop(self, who: str) -> None:
        """Forget the conversation in memory and its snapshot."""
        self.conversations.pop(who, None)
        self._unsaved.discard(who)
        if self.store and self.resume:
            self.store.drop_session(who)

    # -- internals ----------------------------------------------------------------

    def _answer(self, who: str, conversation: Conversation, given: Input) -> list[Reply]:
        session = conversation.session
        expects = session.prompt().expects
        if given.kind == "text" and expects == "choice":
            given = Input.choice(given.value)
        step = session.answer(given.value)
        replies = []
        if given.kind == "text" and given.value.strip():
            kinds = [KIND_NAMES.get(f.kind, "an identifying detail") for f in detect(given.value)]
            if kinds:
                replies.append(Reply(wording.identifier_warning(kinds), kind="warning"))
        return replies + self._after_step(who, conversation, step)

    def _after_step(self, who: str, conversation: Conversation, step: Step) -> list[Reply]:
        replies = [Reply(step.reply)] if step.reply else []
        if not step.prompt.done:
            return replies + self._question(step.prompt)
        if step.prompt.text:
            replies.append(Reply(step.prompt.text))
        log.info("flow_finished flow=%s who=%s", conversation.session.flow.id, who[:12])
        return replies + self.review.enter(conversation)

    def _command(self, who: str, conversation: Conversation, name: str) -> list[Reply]:
        session = conversation.session
        if name == "cancel":
            self.drop(who)
            log.info("flow_cancelled who=%s", who[:12])
            return [Reply(wording.CANCELLED, done=True)]
        if name == "help":
            return [Reply(wording.HELP, kind="help")] + self.current(who)
        if conversation.stage != "flow":
            if name == "back" and conversation.stage == "review":
                conversation.stage = "flow"
                return self._question(session.back())
            return self.review.command(conversation, name)
        if name == "back":
            return self._question(session.back())
        if name == "skip":
            return self._after_step(who, conversation, session.skip())
        if name == "why":
            return [Reply(session.why(), kind="why")] + self._question(session.prompt())
        return [Reply(f"'{name}' is not a command here.", kind="error")] + self.current(who)

    @staticmethod
    def _question(prompt: Prompt) -> list[Reply]:
        text = prompt.text
        if prompt.note:
            text += f"\n({prompt.note})"
        if prompt.previous:
            text += f"\nEarlier you answered: {prompt.previous}"
        if prompt.expects == "optional_text":
            text += "\n(Optional: type skip to pass.)"
        return [Reply(text, prompt.choices, prompt.expects, prompt.progress, kind="question")]

    def touch(self, who: str) -> None:
        """Mark the conversation's snapshot for the next write (a channel changed a field
        it keeps there, such as the ids of messages to offer deleting)."""
        self._persist(who)

    def flush_snapshots(self) -> int:
        """Write the snapshots deferred by `defer_snapshots` (a channel calls this every
        second or so and at shutdown: one fsync per person per flush, not per answer)."""
        unsaved, self._unsaved = self._unsaved, set()
        for who in unsaved:
            self._persist(who, deferred=False)
        if self.store is not None:
            self.store.settle()  # older snapshot copies leave the WAL within the second
        return len(unsaved)

    def _persist(self, who: str, *, deferred: bool | None = None) -> None:
        if not (self.store and self.resume) or who not in self.conversations:
            return
        if self.defer_snapshots if deferred is None else deferred:
            self._unsaved.add(who)
            return
        try:
            self.store.save_session(who, self.conversations[who].to_snapshot(),
                                    self.clock() + self.timeout)
        except StorageError as problem:
            log.warning("snapshot_failed who=%s error=%s", who[:12], type(problem).__name__)

    def _restore(self, who: str) -> Conversation | None:
        assert self.store is not None
        try:
            raw = self.store.load_session(who, now=self.clock())
            if raw is None:
                return None
            conversation = Conversation.from_snapshot(raw, self.engine)
        except (StorageError, FlowError, KeyError, ValueError, TypeError) as problem:
            log.warning("resume_failed who=%s error=%s", who[:12], type(problem).__name__)
            self.store.drop_session(who)
            return None
        self.conversations[who] = conversation
        log.info("flow_resumed who=%s", who[:12])
        return conversation
