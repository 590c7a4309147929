"""Writing a comment: a free-text moment outside the flow engine, kept in the chat's
in-memory state only (never PTB's user_data, never on disk until sent).

The typed text gets the same live identifier warning as a flow answer, is anonymised
with the same Anonymiser, and is **shown back for approval** before it is sent and
stored: the anonymiser can miss an unusual identifier, and Schtum's promise is that a
human checks every text it keeps. One tap (Send) keeps a thread quick; Rewrite and
Cancel are beside it. Sent comments are sealed under the reflection's record key, so the
owner and that supervisor can read them, and reach the other side at once.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass

from telegram import Bot

from bot import listing, people, wording
from bot.telegram import outbox
from bot.telegram import supervision_callbacks as cb
from bot.telegram import supervision_texts as say
from bot.telegram.channel import Channel
from bot.telegram.chats import ChatState
from storage.anonymiser import KIND_NAMES, Anonymiser, detect
from storage.errors import NotAuthorised
from storage.store import Store
from storage.text import normalise

log = logging.getLogger("schtum.telegram")
MAX_TYPED = 3000


@dataclass
class Draft:
    """A comment in the making: which thread, and (once typed) its anonymised text."""

    record_id: str
    supervisor: str  # the thread: the supervisor's pseudonym
    started: float
    text: str | None = None


def _store(channel: Channel) -> Store:
    store = channel.service.store
    assert store is not None
    return store


def _thread(store: Store, who: str, record_id: str, person: str | None) -> str | None:
    """The thread's supervisor: the presser themselves, or the owner's supervisor the
    button names (None if they are no longer linked)."""
    owner = store.supervision.owner_of(who, record_id)
    if owner != who:
        return who
    chosen = cb.named(cb.Press(cb.COMMENT, record_id, 0, person),
                      people.supervisors(store, who), lambda s: s[0])
    return chosen[0] if chosen else None


def _label(store: Store, who: str, record_id: str) -> str:
    owner = store.supervision.owner_of(who, record_id)
    items = store.list_reflections(who) if owner == who else store.list_shared(who)
    return listing.by_id(items).get(record_id, "this reflection")


async def begin(channel: Channel, bot: Bot, state: ChatState, who: str, record_id: str,
                person: str | None) -> bool:
    """Comment (or Reply) pressed: ask for the text. False if not allowed any more."""
    store = _store(channel)
    try:
        supervisor = _thread(store, who, record_id, person)
        label = _label(store, who, record_id)
    except NotAuthorised:
        return False
    if supervisor is None:
        return False
    people.remember_chat(store, who, state.chat_id)
    state.draft = Draft(record_id, supervisor, channel.clock())
    await outbox.send(channel, bot, state, say.COMMENT_ASK.format(label=html.escape(label)),
                      [(say.CANCEL, cb.encode(cb.CANCEL))])
    return True


def drafting(channel: Channel, state: ChatState) -> bool:
    """Is a comment being written (and not abandoned past the conversation timeout)?"""
    draft = state.draft
    if not isinstance(draft, Draft):
        return False
    if channel.clock() - draft.started > channel.service.timeout:
        state.draft = None
        return False
    return True


async def typed(channel: Channel, bot: Bot, state: ChatState, text: str) -> None:
    """The comment's text: warn about identifiers, anonymise, show back for approval."""
    draft = state.draft
    assert isinstance(draft, Draft)
    text = normalise(text)[:MAX_TYPED]
    kinds = [KIND_NAMES.get(f.kind, "an identifying detail") for f in detect(text)]
    if kinds:
        await channel.say(bot, state, "⚠️ " + html.escape(wording.identifier_warning(kinds)))
    draft.text = Anonymiser().redact(text).text
    draft.started = channel.clock()
    buttons = [(say.SEND, cb.encode(cb.SEND)),
               (say.REWRITE, cb.encode(cb.REWRITE)),
               (say.CANCEL, cb.encode(cb.CANCEL))]
    await outbox.send(channel, bot, state,
                      f"{say.COMMENT_CHECK}\n\n{html.escape(draft.text)}", buttons, private=True)


async def rewrite(channel: Channel, bot: Bot, state: ChatState) -> bool:
    """Rewrite pressed: keep the thread, forget the text, ask again."""
    draft = state.draft
    if not isinstance(draft, Draft):
        return False
    draft.text = None
    draft.started = channel.clock()
    await channel.say(bot, state, "Type the comment again.")
    return True


async def cancel(channel: Channel, bot: Bot, state: ChatState) -> bool:
    if state.draft is None:
        return False
    state.draft = None
    await channel.say(bot, state, say.COMMENT_CANCELLED)
    return True


async def send(channel: Channel, bot: Bot, state: ChatState, who: str) -> bool:
    """Store the approved comment (sealed for both readers) and deliver it at once."""
    draft = state.draft
    if not isinstance(draft, Draft) or draft.text is None:
        return False
    state.draft = None
    store = _store(channel)
    try:
        comment = store.supervision.add_comment(who, draft.record_id, draft.supervisor,
                                                draft.text)
        owner = store.supervision.owner_of(who, draft.record_id)
    except NotAuthorised:
        await channel.say(bot, state, say.NO_LONGER_SHARED)
        return True
    recipient = draft.supervisor if who == owner else owner
    my_names, their_names = people.names_for(store, who), people.names_for(store, recipient)
    log.info("comment_sent who=%s", who[:12])
    await channel.say(bot, state, say.COMMENT_SENT.format(
        name=html.escape(my_names.get(recipient, "them"))))
    if recipient == owner:
        label = listing.by_id(store.list_reflections(owner)).get(draft.record_id, "")
        buttons = [(say.REPLY, cb.encode(cb.COMMENT, draft.record_id, cb.tag(draft.supervisor))),
                   ("Open", cb.encode(cb.VIEW, draft.record_id))]
    else:
        label = listing.by_id(store.list_shared(recipient)).get(draft.record_id, "")
        buttons = [(say.REPLY, cb.encode(cb.COMMENT, draft.record_id)),
                   ("Open", cb.encode(cb.OPEN_SHARED, draft.record_id))]
    heading = say.NOTIFY_COMMENT.format(name=html.escape(their_names.get(who, "Someone")),
                                        label=html.escape(label))
    await outbox.notify(channel, bot, recipient, f"{heading}\n\n{html.escape(comment.text)}",
                        buttons)
    return True
