"""The conversation engine: a flow compiled once into a `transitions` machine.

One machine per flow is shared by every conversation; a conversation is a small
`Session` object that the machine moves between states without registering it
(`Event.trigger(model)`), so an open conversation costs a few hundred bytes and no
model needs removing afterwards. The engine is pure: no I/O, clock or randomness of
its own (the caller passes a seed for the choice of question wording).
"""

from __future__ import annotations

from typing import Any

from transitions import EventData, Machine

from flows.errors import FlowError, InvalidAnswer
from flows.graph import Remaining
from flows.prompt import Prompt, Step
from flows.reflection import Answer, Reflection
from flows.schema import MULTI_SEPARATOR, Flow, State

MAX_ANSWER_CHARS = 3000
ANSWER = "answer"
DONE = "Done"
PICKED = "✓ "


def _leads_to(target: str) -> Any:
    """A transition guard: fire only the edge towards the chosen target."""

    def check(event: EventData) -> bool:
        return event.kwargs.get("target") == target

    return check


class Engine:
    """A compiled flow: its machine, its progress table and its sessions' rules."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.remaining = Remaining(flow)
        transitions = [
            {"trigger": ANSWER, "source": state.id, "dest": target,
             "conditions": [_leads_to(target)]}
            for state in flow.states.values() for target in state.targets
        ]
        self.machine = Machine(model=None, states=list(flow.states), transitions=transitions,
                               initial=flow.start, auto_transitions=False, send_event=True)
        self._answer_event = self.machine.events[ANSWER]

    def start(self, seed: int = 0) -> Session:
        """A fresh conversation at the flow's first question (past any that do not apply)."""
        session = Session(self, self.flow.start, [], {}, seed)
        session.settle()
        return session

    def restore(self, snapshot: dict[str, Any]) -> Session:
        """Rebuild a conversation from `Session.snapshot()`; FlowError if it no longer fits."""
        try:
            if snapshot["flow"] != self.flow.id or snapshot["version"] != self.flow.version:
                raise FlowError("That conversation was started on another version of the flow.")
            state, history = snapshot["state"], list(snapshot["history"])
            answers, seed = dict(snapshot["answers"]), int(snapshot["seed"])
            picked = [str(p) for p in snapshot.get("picked", [])]
        except (KeyError, TypeError, ValueError):
            raise FlowError("That saved conversation is not in a form Schtum can resume.") from None
        if any(s not in self.flow.states for s in [state, *history, *answers]):
            raise FlowError("That conversation refers to questions this flow no longer has.")
        return Session(self, state, history, answers, seed, picked)

    def move(self, session: Session, target: str) -> None:
        """Fire the machine's edge to `target`; the machine refuses edges the flow lacks."""
        if not self._answer_event.trigger(session, target=target):
            raise FlowError(f"The flow has no way from '{session.state}' to '{target}'.")


class Session:
    """One conversation's position, history and answers: plain data, cheap to keep."""

    __slots__ = ("engine", "state", "history", "answers", "seed", "picked")

    def __init__(self, engine: Engine, state: str, history: list[str],
                 answers: dict[str, str], seed: int, picked: list[str] | None = None) -> None:
        self.engine = engine
        self.state = state
        self.history = history
        self.answers = answers
        self.seed = seed
        self.picked = picked or []  # a multi-select's options chosen so far

    @property
    def flow(self) -> Flow:
        return self.engine.flow

    @property
    def current(self) -> State:
        return self.engine.flow.states[self.state]

    @property
    def finished(self) -> bool:
        return self.current.is_end

    def prompt(self) -> Prompt:
        """The question to show now (or the end, with its closing words)."""
        state = self.current
        if state.is_end:
            return Prompt(state.id, state.say or "", "none")
        asked = len(self.history) + 1
        remaining = self.engine.remaining
        expects = "choice" if state.choices else state.kind
        text = next((v.text for v in state.ask_when if v.when.holds(self.answers)),
                    state.asks[self.seed % len(state.asks)])
        choices = tuple(c.label for c in state.choices)
        if state.kind == "multi":
            choices = tuple(PICKED + c if c in self.picked else c for c in choices) + (DONE,)
            if self.picked:
                text += "\nChosen so far: " + MULTI_SEPARATOR.join(self.picked) + "."
        return Prompt(
            state=state.id, text=text, expects=expects, choices=choices,
            progress=(asked, asked - 1 + remaining.left(state.id, remaining.known(self.answers))),
            note=state.note,
            previous=self.answers.get(state.id), has_why=bool(state.why or state.guidance),
            multi=state.kind == "multi",
        )

    def answer(self, value: str) -> Step:
        """Record an answer to the current question and move on.

        An empty answer to a typed question answered before (the practitioner went back)
        keeps the earlier answer; a multi-select toggles options until Done.
        """
        state = self.current
        if state.is_end:
            raise InvalidAnswer("This conversation has finished.")
        value = value.strip()
        reply = None
        if state.kind == "multi":
            if not self._pick(state, value):
                return Step(self.prompt())
            value, target = MULTI_SEPARATOR.join(self.picked), state.next or ""
            self.picked = []
        elif state.choices:
            choice = next((c for c in state.choices if c.label.casefold() == value.casefold()),
                          None)
            if choice is None:
                raise InvalidAnswer("Please pick one of the options: "
                                    + ", ".join(c.label for c in state.choices) + ".")
            value, target, reply = choice.label, choice.next, choice.say
        else:
            if not value and self.answers.get(state.id):
                value = self.answers[state.id]
            if not value and state.kind == "text":
                raise InvalidAnswer("Please type a few words in answer"
                                    " (no names or identifying details).")
            if len(value) > MAX_ANSWER_CHARS:
                raise InvalidAnswer(f"That answer is {len(value):,} characters; please keep it "
                                    f"within {MAX_ANSWER_CHARS:,}.")
            target = state.next or ""
        self._advance(value, target)
        extra = next((v.text for v in state.say_when if v.when.holds(self.answers)), None)
        reply = "\n\n".join(r for r in (reply, extra) if r) or None
        self.settle()
        return Step(self.prompt(), reply)

    def _pick(self, state: State, value: str) -> bool:
        """Toggle one option of a multi-select; True when the practitioner is done."""
        if value.casefold() == DONE.casefold():
            if not self.picked:
                raise InvalidAnswer("Please choose at least one option, then Done.")
            return True
        bare = value.removeprefix(PICKED).strip().casefold()
        choice = next((c for c in state.choices if c.label.casefold() == bare), None)
        if choice is None:
            raise InvalidAnswer("Please pick one of the options: "
                                + ", ".join(c.label for c in state.choices) + f", then {DONE}.")
        if choice.label in self.picked:
            self.picked.remove(choice.label)
        else:
            order = [c.label for c in state.choices]
            self.picked = sorted([*self.picked, choice.label], key=order.index)
        return False

    def skip(self) -> Step:
        """Pass over an optional question, leaving it unanswered."""
        if self.current.kind != "optional_text":
            raise InvalidAnswer("This question can't be skipped; please answer it, or go back.")
        self._advance("", self.current.next or "")
        self.settle()
        return Step(self.prompt())

    def back(self) -> Prompt:
        """Return to the previous question; its earlier answer is kept and shown."""
        if not self.history:
            raise InvalidAnswer("This is the first question; there is nothing to go back to.")
        self.picked = []
        self.engine.machine.set_state(self.history.pop(), model=self)
        return self.prompt()

    def settle(self) -> None:
        """Move past questions that earlier answers make unnecessary (their skip_when
        holds); they are neither asked nor recorded, and `back` passes over them too."""
        while True:
            state = self.current
            if state.is_end or state.skip_when is None or not state.skip_when.holds(
                    self.answers):
                return
            self.answers.pop(state.id, None)
            self.engine.move(self, state.next or "")

    def why(self) -> str:
        """Why we ask the current question, and what the frameworks say."""
        state = self.current
        parts = [p for p in (state.why, state.guidance) if p]
        return "\n\n".join(parts) or "There is no further note for this question."

    def _advance(self, value: str, target: str) -> None:
        here = self.state
        self.engine.move(self, target)
        self.answers[here] = value
        self.history.append(here)

    def reflection(self) -> Reflection:
        """The answers on the path actually taken, in order; only once finished."""
        if not self.finished:
            raise InvalidAnswer("The conversation has not finished yet.")
        flow = self.flow
        answers = tuple(self._recorded(s) for s in self.history)
        return Reflection(flow.id, flow.version, self._title(), answers,
                          tuple(self.history) + (self.state,), self.state, flow.sections,
                          self._sources(), flow.closing, flow.style)

    def _recorded(self, state_id: str) -> Answer:
        """One answer as the record gives it: its own words, or the sentence the flow
        writes for the option chosen (never a sentence for an option not chosen)."""
        state = self.flow.states[state_id]
        text = self.answers.get(state_id, "")
        sentence = None
        if state.choices and state.kind != "multi":
            choice = state.choice(text)
            sentence = choice.record if choice else None
        elif state.record and text:
            sentence = state.record.replace("{answer}", text)
        return Answer(state_id, state.section or "", state.answer_label, text, sentence)

    def _title(self) -> str:
        """The record's title: from the answers named in `title_from` (their short forms),
        else the flow's record title."""
        parts = []
        for state_id in self.flow.title_from:
            given = self.answers.get(state_id)
            state = self.flow.states.get(state_id)
            if not given or state is None:
                continue
            choice = state.choice(given)
            parts.append((choice.short or choice.label) if choice else given)
        return ": ".join(parts) or self.flow.record_title or self.flow.title

    def _sources(self) -> tuple[str, ...]:
        """The flow's own sources, then those of the questions and answers on this path."""
        found = list(self.flow.sources)
        for state_id in self.history:
            state = self.flow.states[state_id]
            found += state.sources
            for label in self.answers.get(state_id, "").split(MULTI_SEPARATOR):
                choice = state.choice(label)
                if choice is not None:
                    found += choice.sources
        return tuple(dict.fromkeys(found))

    def snapshot(self) -> dict[str, Any]:
        """Plain data for an encrypted snapshot; `Engine.restore` reverses it."""
        return {"flow": self.flow.id, "version": self.flow.version, "state": self.state,
                "history": list(self.history), "answers": dict(self.answers), "seed": self.seed,
                "picked": list(self.picked)}
