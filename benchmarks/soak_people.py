"""Simulated practitioners for the soak (benchmarks/soak.py): one coroutine per person.

Each one repeatedly runs a whole conversation through the fake Bot API: /start and a
jurisdiction button (the first time, and now and then again), /dilemma or /journal, then
an answer to every question (a random button, now and then the label typed instead, a
typed text holding a fresh canary, sometimes skip or back), and Save in the review. It
reads only what a person on a phone would see: the bot's messages in its chat.

Coping with a bot that is killed at any moment: every action waits for a reply; when none
comes within the reply timeout, the person first repeats what they did (tap again, type
again), then asks where they are with /start (the bot re-shows the current question if the
conversation survived, or the welcome if it did not, and then they start again). After
too many silent timeouts they give up on that conversation (/cancel) and the soak says so.
"""

from __future__ import annotations

import asyncio
import bisect
import random
import re
import string
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot import wording
from bot.telegram import texts

Event = dict[str, Any]
PROGRESS = re.compile(r"(?m)^Question (\d+) of about (\d+)$")
CANARY_PREFIX, CANARY_LETTERS = "qzv", 11
CANARY = re.compile(f"{CANARY_PREFIX}[a-z]{{{CANARY_LETTERS}}}")
FLOW_COMMANDS = ("/dilemma", "/journal")
READY = texts.READY.split("{place}")[0]
TIMED_OUT = texts.TIMED_OUT.split("{minutes}")[0]
NO_FLOW = wording.NO_FLOW
OPTIONAL = "(Optional: type skip to pass.)"
SNAPSHOT_GRACE = 1.5      # seconds: the bot flushes snapshots every second
MAX_TIMEOUTS = 8          # silent waits in a row before giving a conversation up
REONBOARD = 0.2           # chance of going through /start again before a conversation
BACK, TYPE_LABEL, SKIP = 0.03, 0.1, 0.3
CLEANUP_DELETE, CLEANUP_KEEP = 0.3, 0.2
TEXTS = (
    "I keep coming back to the {c} part of the session and I am unsure what to do.",
    "It felt heavy — the {c} moment stayed with me all evening.",
    "We agreed limits at the start; {c} was not something we had talked through.",
    "Honestly I froze a little 😶 when {c} came up, then I slowed down.",
    "I would want to talk about {c} with my supervisor before deciding anything.",
    "Risk seems moderate; {c} is the detail that worries me most, café or not.",
)


@dataclass
class Shared:
    """What every practitioner sees of the run: the clock, the kills, the tallies."""

    act: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]
    deadline: float
    reply_timeout: float
    think: tuple[float, float]
    pause: tuple[float, float]
    down: list[float] = field(default_factory=list)    # the first start, then each death
    back: list[float] = field(default_factory=list)    # the next bot's first message
    tally: Counter[str] = field(default_factory=Counter)
    first_reply: list[float] = field(default_factory=list)
    awaited_reply: list[float] = field(default_factory=list)
    save_reply: list[float] = field(default_factory=list)
    canaries: set[str] = field(default_factory=set)
    acks: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    slowest: list[tuple[float, str, str, float | None]] = field(default_factory=list)
    lost: list[dict[str, Any]] = field(default_factory=list)
    stop: bool = False

    def over(self) -> bool:
        return self.stop or time.monotonic() >= self.deadline

    def generation(self, at: float) -> int:
        """Which bot process was running at `at` (how many times it went down before)."""
        return bisect.bisect_left(self.down, at)

    def since_back(self, at: float) -> float | None:
        """Seconds since the running bot first answered after a restart (None: first bot)."""
        earlier = [back for back in self.back if back <= at]
        return round(at - earlier[-1], 3) if earlier else None

    def kill_after(self, at: float) -> float | None:
        """Seconds from `at` to the next time the bot went down (None if it did not)."""
        later = [down for down in self.down if down > at]
        return round(later[0] - at, 2) if later else None

    def spans_kill(self, start: float, end: float) -> bool:
        """Was the bot down (starting, or killed and not yet answering again) in [start, end]?"""
        for index, killed in enumerate(self.down):
            back = self.back[index] if index < len(self.back) else float("inf")
            if killed <= end and back >= start:
                return True
        return False


@dataclass
class Turn:
    """One update sent by the person, waiting for the bot's reply."""

    at: float
    what: str = ""
    first: float | None = None


@dataclass
class Conversation:
    flow_command: str
    questions: int = 0          # questions seen since the flow was (re)started
    generation: int = 0         # which bot process showed the last question
    resumed: int = 0            # times a new bot process carried on with it
    restarts: int = 0           # times it was lost and started again
    begun: float = 0.0          # when its first question came
    save_pressed: bool = False
    last_question: float = 0.0
    staging: set[str] = field(default_factory=set)
    summary: set[str] = field(default_factory=set)


def labels(event: Event, prefix: str) -> list[tuple[str, str]]:
    return [(label, data) for label, data in event["buttons"] if data.startswith(prefix + ":")]


def classify(event: Event) -> str:
    """What a bot message means to a person waiting for their next step."""
    text, fresh = event["text"], not event["edited"]
    if not fresh:  # a question re-rendered in place (e.g. a multi-select toggled) asks again
        return "question" if labels(event, "a") else "edit"
    if wording.SAVED in text:
        return "saved"
    if labels(event, "j"):
        return "welcome"
    if text.startswith(READY):
        return "ready"
    if labels(event, "a") or PROGRESS.search(text):
        return "question"
    if NO_FLOW in text or TIMED_OUT in text:
        return "no_flow"
    if wording.DISCARDED in text or wording.CANCELLED in text:
        return "ended"
    if labels(event, "d"):
        return "cleanup"
    if texts.SOMETHING_WRONG in text:
        return "wrong"
    if event["protected"]:
        return "summary_part"
    return "other"


def describe(item: dict[str, Any]) -> str:
    """What kind of step a person took, without its content."""
    if "press" in item:
        return "press"
    text = str(item.get("send", ""))
    return text if text.startswith("/") else "typed"


AWAITED = {"saved", "welcome", "ready", "question", "no_flow", "ended"}


class Practitioner:
    """One simulated therapist on a phone; ``life()`` runs until the soak is over."""

    def __init__(self, user_id: int, seed: int, shared: Shared) -> None:
        self.user_id = user_id
        self.rng = random.Random(seed)
        self.shared = shared
        self.inbox: asyncio.Queue[Event] = asyncio.Queue()
        self.turn: Turn | None = None
        self.last: dict[str, Any] | None = None
        self.onboarded = False
        shared.acks[user_id] = []

    # -- what the bot says ------------------------------------------------------------

    def deliver(self, event: Event) -> None:
        """Called by the soak's poller for every bot message in this person's chat."""
        self.inbox.put_nowait(event)

    async def next_event(self) -> Event | None:
        try:
            event = await asyncio.wait_for(self.inbox.get(), self.shared.reply_timeout)
        except TimeoutError:
            return None
        self._timing(event)
        return event

    def _timing(self, event: Event) -> None:
        turn = self.turn
        if turn is None or event["at"] < turn.at:
            return
        if turn.first is None:
            turn.first = event["at"]
        if classify(event) not in AWAITED:
            return
        self.turn = None
        if self.shared.spans_kill(turn.at, event["at"]):
            self.shared.tally["turns_across_restart"] += 1
            return
        self.shared.tally["turns"] += 1
        self.shared.first_reply.append(turn.first - turn.at)
        if classify(event) == "saved":
            self.shared.save_reply.append(event["at"] - turn.at)
        self.shared.awaited_reply.append(event["at"] - turn.at)
        self.shared.slowest.append((round(event["at"] - turn.at, 3), turn.what,
                                    classify(event), self.shared.since_back(turn.at)))
        self.shared.slowest.sort(reverse=True)
        del self.shared.slowest[5:]

    # -- what the person does ---------------------------------------------------------

    def _act(self, item: dict[str, Any], *, step: bool = True) -> bool:
        """Send one update; False if Telegram would not let the person do it.

        A `step` is what the person then waits a reply for (and may repeat); a press on
        the clean-up offer is not one.
        """
        result = self.shared.act([{"user": self.user_id, **item}])[0]
        if step:
            self.last = item
            self.turn = Turn(result["at"], describe(item))
        if "error" in result:
            self.shared.tally["presses_refused"] += 1
            return False
        return True

    def send(self, text: str) -> bool:
        return self._act({"send": text})

    def press(self, event: Event, data: str) -> bool:
        return self._act({"press": [event["id"], data]})

    def canary_text(self) -> str:
        canary = CANARY_PREFIX + "".join(self.rng.choices(string.ascii_lowercase,
                                                         k=CANARY_LETTERS))
        self.shared.canaries.add(canary)
        return self.rng.choice(TEXTS).format(c=canary)

    def think(self) -> float:
        return self.rng.uniform(*self.shared.think)

    # -- a life of conversations --------------------------------------------------------

    async def life(self) -> None:
        while not self.shared.over():
            conversation = Conversation(self.rng.choice(FLOW_COMMANDS))
            onboard = not self.onboarded or self.rng.random() < REONBOARD
            self.shared.tally["conversations_started"] += 1
            outcome = await self.converse(conversation, onboard)
            self.shared.tally[f"conversations_{outcome}"] += 1
            if conversation.resumed:
                self.shared.tally["resumed_conversations"] += 1
            if conversation.restarts:
                self.shared.tally["restarted_conversations"] += 1
            if outcome != "unfinished":
                await asyncio.sleep(self.rng.uniform(*self.shared.pause))

    async def converse(self, conversation: Conversation, onboard: bool) -> str:
        """One conversation to its end: "saved", "ended", "abandoned" or "unfinished"."""
        self.send("/start" if onboard else conversation.flow_command)
        question: Event | None = None
        timeouts = 0
        while True:
            if self.shared.over():
                return "unfinished"
            if question is not None and self.inbox.empty():
                await asyncio.sleep(self.think())
                if self.inbox.empty() and not self.shared.over():
                    self.answer(conversation, question)
                    question = None
                continue
            event = await self.next_event()
            if event is None:
                if self.shared.over():
                    return "unfinished"
                timeouts += 1
                self.shared.tally["timeouts"] += 1
                if timeouts > MAX_TIMEOUTS:
                    self.send("/cancel")
                    return "abandoned"
                self.nudge(first=timeouts == 1)
                continue
            kind = classify(event)
            if kind in AWAITED:
                timeouts = 0
            if kind == "question":
                self.seen_question(conversation, event)
                question = event
            elif kind == "summary_part":
                conversation.staging.update(CANARY.findall(event["text"]))
            elif kind == "saved":
                if self.shared.generation(event["at"]) > conversation.generation \
                        and conversation.questions:
                    conversation.resumed += 1
                    self.shared.tally["resumes"] += 1
                self.shared.acks[self.user_id].append({
                    "canaries": sorted(conversation.summary), "at": event["at"],
                    "flow": conversation.flow_command})
                return "saved"
            elif kind == "ended":
                return "ended"
            elif kind == "welcome":
                question = None
                await asyncio.sleep(self.think())
                self.press(event, self.rng.choice(labels(event, "j"))[1])
            elif kind in ("ready", "no_flow"):
                self.onboarded = self.onboarded or kind == "ready"
                question = None
                if conversation.questions:
                    conversation.restarts += 1
                    self.shared.tally["restarts"] += 1
                    self.shared.lost.append(self.describe_loss(conversation, kind))
                conversation.questions, conversation.save_pressed = 0, False
                await asyncio.sleep(self.think())
                self.send(conversation.flow_command)
            elif kind == "cleanup":
                self.cleanup(event)
            elif kind == "wrong":
                self.shared.tally["something_went_wrong_shown"] += 1

    def describe_loss(self, conversation: Conversation, reply: str) -> dict[str, Any]:
        """Why a conversation the person was in is gone (no content, only times and counts).

        Lost after Save was pressed: the save committed and the kill came before the reply
        (the soak finds it as a save not acknowledged). Lost within a second of its first
        question: the first snapshot was not written yet (snapshots are flushed every
        second). Anything else is suspect: a snapshot that existed did not bring it back.
        """
        after_first = self.shared.kill_after(conversation.begun)
        if conversation.save_pressed:
            why = "after Save was pressed"
        elif after_first is not None and after_first < SNAPSHOT_GRACE:
            why = "before its first snapshot"
        else:
            why = "SUSPECT"
            self.shared.tally["suspect_losses"] += 1
        return {"why": why, "questions_seen": conversation.questions,
                "kill_after_first_question": after_first,
                "kill_after_last_question": self.shared.kill_after(conversation.last_question),
                "reply": reply}

    def seen_question(self, conversation: Conversation, event: Event) -> None:
        generation = self.shared.generation(event["at"])
        if conversation.questions and generation > conversation.generation:
            conversation.resumed += 1
            self.shared.tally["resumes"] += 1
        conversation.generation = generation
        if not conversation.questions:
            conversation.begun = event["at"]
        conversation.questions += 1
        conversation.last_question = event["at"]
        found = set(CANARY.findall(event["text"])) if event["protected"] else set()
        if labels(event, "a") and any(label == wording.SAVE for label, _ in labels(event, "a")):
            conversation.summary = conversation.staging | found
        conversation.staging = set()

    def answer(self, conversation: Conversation, event: Event) -> None:
        buttons = labels(event, "a")
        by_label = dict(buttons)
        if wording.SAVE in by_label:
            self.shared.tally["save_pressed"] += 1
            conversation.save_pressed = True
            if not self.press(event, by_label[wording.SAVE]):
                self.send("/start")
            return
        progress = PROGRESS.search(event["text"])
        if progress and int(progress[1]) > 1 and self.rng.random() < BACK:
            self.send(self.rng.choice(("/back", "back")))
            return
        if buttons:
            label, data = self.rng.choice(buttons)
            if self.rng.random() < TYPE_LABEL:
                self.send(label)
            elif not self.press(event, data):
                self.send("/start")
            return
        if OPTIONAL in event["text"] and self.rng.random() < SKIP:
            self.send(self.rng.choice(("/skip", "skip")))
            return
        self.send(self.canary_text())

    def nudge(self, *, first: bool) -> None:
        """No reply came: repeat the last step once, then ask where we are."""
        self.shared.tally["nudges"] += 1
        if first and self.last is not None:
            if "press" in self.last:
                message_id, data = self.last["press"]
                if self._act({"press": [message_id, data]}):
                    return
            else:
                self._act(dict(self.last))
                return
        self.send("/start")

    def cleanup(self, event: Event) -> None:
        """The offer to delete the chat's messages: sometimes yes, sometimes no, often ignored."""
        choice = self.rng.random()
        offered = labels(event, "d")
        if choice < CLEANUP_DELETE + CLEANUP_KEEP:
            data = offered[0][1] if choice < CLEANUP_DELETE else offered[-1][1]
            self._act({"press": [event["id"], data]}, step=False)
