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
from datetime import UTC, datetime

from bot import wording
from bot.conversation import Conversation
from bot.messages import Input, Reply
from bot.review import Review
from flows.engine import MAX_ANSWER_CHARS, PICKED, Engine
from flows.errors import FlowError, InvalidAnswer
from flows.loader import load_flow
from flows.prompt import Prompt, Step
from flows.reflection import Reflection
from storage.anonymiser import KIND_NAMES, detect
from storage.errors import StorageError
from storage.store import Store
from storage.text import normalise

log = logging.getLogger("schtum.service")
SavedHook = Callable[[str, str, Reflection], list[Reply]]


class Service:
    """Conversations keyed by pseudonym, with optional encrypted persistence."""

    def __init__(self, store: Store | None, *, jurisdiction: str = "uk",
                 timeout_seconds: float = 1800, resume: bool = False,
                 clock: Callable[[], float] = time.time, defer_snapshots: bool = False,
                 confirm_stop: bool = False) -> None:
        self.store = store
        self.jurisdiction = jurisdiction
        self.timeout = timeout_seconds
        self.resume = resume and store is not None
        self.clock = clock
        self.conversations: dict[str, Conversation] = {}
        self._engines: dict[str, Engine] = {}
        self.review = Review(self)
        self.defer_snapshots = defer_snapshots
        self.confirm_stop = confirm_stop  # people (not scripts) are asked before losing work
        self._unsaved: set[str] = set()
        # Called after a successful Save with (who, record id, the anonymised reflection);
        # each may add replies. Follow-ups are one; a channel may add its own (CPD).
        self.after_save: list[SavedHook] = [self._followup] if store is not None else []

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
        intro += f"\n\n{wording.NOT_ADVICE}"
        replies = [Reply(intro, kind="intro")] + self._question(conversation.session.prompt())
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
            return [Reply(wording.NO_FLOW, kind="no_flow")]
        if conversation.stage == "stopping":
            return self._ask_stop(conversation)
        if conversation.stage != "flow":
            return self.review.show_stage(conversation)
        return self._question(conversation.session.prompt(), conversation.held)

    def handle(self, who: str, given: Input) -> list[Reply]:
        """Apply one input to the practitioner's conversation and say what comes next."""
        given = Input(given.kind, normalise(given.value))  # one form, before anything else
        conversation = self.active(who)
        if conversation is None:
            return [Reply(wording.NO_FLOW, kind="no_flow", done=True)]
        conversation.last_seen = self.clock()
        try:
            if conversation.stage == "stopping" and given.kind != "command":
                replies = self._stop_answered(who, conversation, given.value)
            elif given.kind == "command":
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

    def saved(self, who: str, record_id: str, reflection: Reflection) -> list[Reply]:
        """Run the after-save hooks; a failing one never undoes or hides the save."""
        replies: list[Reply] = []
        for hook in self.after_save:
            try:
                replies += hook(who, record_id, reflection)
            except StorageError as problem:
                log.warning("after_save_failed who=%s error=%s", who[:12],
                            type(problem).__name__)
        return replies

    def today(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def _followup(self, who: str, record_id: str, reflection: Reflection) -> list[Reply]:
        from bot import followups

        assert self.store is not None
        made = followups.create(self.store, who, record_id, reflection, self.today().date())
        return [Reply(followups.set_text(made), kind="followup")] if made else []

    # -- internals ----------------------------------------------------------------

    def _answer(self, who: str, conversation: Conversation, given: Input) -> list[Reply]:
        session = conversation.session
        prompt = session.prompt()
        if given.kind == "text" and prompt.expects == "choice":
            matched = self._as_choice(conversation, prompt, given.value)
            if matched is None:
                return [Reply(wording.HELD, kind="error")] + self.current(who)
            given = matched
        replies: list[Reply] = []
        value = given.value
        if given.kind == "text" and prompt.expects != "choice":
            if not value.strip() and conversation.held and not prompt.previous:
                value = conversation.held  # the words typed earlier, accepted now
            if len(value) > MAX_ANSWER_CHARS:
                return [Reply(wording.TOO_LONG.format(length=len(value),
                                                      limit=MAX_ANSWER_CHARS), kind="error"),
                        Reply(value.strip(), kind="held", private=True)] + self.current(who)
        step = session.answer(value)
        if given.kind == "text" and prompt.expects != "choice":
            conversation.held = None
        if given.kind == "text" and value.strip():
            kinds = [KIND_NAMES.get(f.kind, "an identifying detail") for f in detect(value)]
            if kinds:
                replies.append(Reply(wording.identifier_warning(kinds), kind="warning"))
        return replies + self._after_step(who, conversation, step)

    @staticmethod
    def _as_choice(conversation: Conversation, prompt: Prompt, typed: str) -> Input | None:
        """Typed text where an option is expected: the option it names, or None after
        keeping the words (a sentence meant for a question that did not come) for later."""
        wanted = typed.strip().casefold()
        bare = [c.removeprefix(PICKED) for c in prompt.choices]
        if wanted in {c.casefold() for c in (*prompt.choices, *bare)}:
            return Input.choice(typed)
        if len(typed.split()) >= 3:
            conversation.held = typed.strip()
            return None
        return Input.choice(typed)  # a short slip: the engine lists the options

    def _after_step(self, who: str, conversation: Conversation, step: Step) -> list[Reply]:
        replies = [Reply(step.reply)] if step.reply else []
        if not step.prompt.done:
            return replies + self._question(step.prompt, conversation.held)
        if step.prompt.text:
            replies.append(Reply(step.prompt.text))
        log.info("flow_finished flow=%s who=%s", conversation.session.flow.id, who[:12])
        return replies + self.review.enter(conversation)

    def _command(self, who: str, conversation: Conversation, name: str) -> list[Reply]:
        session = conversation.session
        if name == "cancel":
            if self.confirm_stop and conversation.stage != "stopping" and (
                    conversation.answered > 2):
                conversation.paused, conversation.stage = conversation.stage, "stopping"
                return self._ask_stop(conversation)
            return self._stop(who)
        if conversation.stage == "stopping":
            return self._stop_answered(who, conversation, wording.STOP_NO)
        if name == "help":
            return [Reply(wording.HELP, kind="help")] + self.current(who)
        if conversation.stage != "flow":
            if name == "back" and conversation.stage == "review":
                conversation.stage = "flow"
                return self._question(session.back(), conversation.held)
            return self.review.command(conversation, name)
        if name == "back":
            return self._question(session.back(), conversation.held)
        if name == "skip":
            return self._after_step(who, conversation, session.skip())
        if name == "why":
            return [Reply(session.why(), kind="why")] + self.current(who)
        return [Reply(f"'{name}' is not a command here.", kind="error")] + self.current(who)

    def _stop(self, who: str) -> list[Reply]:
        self.drop(who)
        log.info("flow_cancelled who=%s", who[:12])
        return [Reply(wording.CANCELLED, done=True)]

    @staticmethod
    def _ask_stop(conversation: Conversation) -> list[Reply]:
        return [Reply(wording.STOP_ASK.format(count=conversation.answered),
                      wording.STOP_CHOICES, "choice", kind="question")]

    def _stop_answered(self, who: str, conversation: Conversation, value: str) -> list[Reply]:
        """The answer to "stop now?": only an explicit yes discards the work."""
        if value.strip().casefold() in (wording.STOP_YES.casefold(), "yes", "y"):
            return self._stop(who)
        conversation.stage, conversation.paused = conversation.paused or "flow", None
        return [Reply(wording.CARRY_ON)] + self.current(who)

    @staticmethod
    def _question(prompt: Prompt, held: str | None = None) -> list[Reply]:
        text = prompt.text
        if prompt.note:
            text += f"\n({prompt.note})"
        typed = prompt.expects in ("text", "optional_text")
        offered = held if typed and held and not prompt.previous else None
        if prompt.previous:
            text += f"\nEarlier you answered: {prompt.previous}"
        elif offered:
            text += "\n" + wording.HELD_OFFER.format(text=offered)
        return [Reply(text, prompt.choices, prompt.expects, prompt.progress, kind="question",
                      optional=prompt.expects == "optional_text",
                      keep=typed and bool(prompt.previous or offered))]

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
