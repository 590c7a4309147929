"""Sharing along links: /share (reflection, then supervisor), /unshare, and the
supervisor's /inbox, where opening a reflection sends it with content protection and
offers the comment thread."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence

from telegram import Bot

from bot import listing, people
from bot.telegram import outbox
from bot.telegram import supervision_callbacks as cb
from bot.telegram import supervision_texts as say
from bot.telegram.channel import Channel
from bot.telegram.chats import ChatState
from bot.telegram.records_view import label_of, when
from bot.telegram.render import split_html
from storage.errors import NotAuthorised
from storage.sharing import SharedInfo
from storage.store import Store

log = logging.getLogger("schtum.telegram")
MAX_LISTED = 20


def _store(channel: Channel) -> Store:
    store = channel.service.store
    assert store is not None
    return store


async def pick_reflection(channel: Channel, bot: Bot, state: ChatState, who: str) -> None:
    """/share: the practitioner's reflections as buttons (title and date)."""
    store = _store(channel)
    people.remember_chat(store, who, state.chat_id)
    if not store.supervision.supervisors(who):
        await channel.say(bot, state, say.NO_SUPERVISOR)
        return
    items = store.list_reflections(who)[:MAX_LISTED]
    if not items:
        await channel.say(bot, state, say.NOTHING_TO_LIST)
        return
    labels = listing.by_id(store.list_reflections(who))
    buttons = [(listing.button(labels[i.id]), cb.encode(cb.SHARE, i.id)) for i in items]
    await outbox.send(channel, bot, state, say.SHARE_PICK, buttons, private=True)


async def pick_supervisor(channel: Channel, bot: Bot, state: ChatState, who: str,
                          record_id: str) -> None:
    """After a reflection is chosen: share at once with the only supervisor, else ask."""
    supervisors = people.supervisors(_store(channel), who)
    if len(supervisors) == 1:
        await share(channel, bot, state, who, record_id, cb.tag(supervisors[0][0]))
        return
    if not supervisors:
        await channel.say(bot, state, say.NO_SUPERVISOR)
        return
    label = html.escape(label_of(_store(channel), who, record_id))
    buttons = [(listing.button(name), cb.encode(cb.SHARE_TO, record_id, cb.tag(supervisor)))
               for supervisor, name in supervisors]
    await outbox.send(channel, bot, state, say.SHARE_WHO.format(label=label), buttons,
                      private=True)


async def share(channel: Channel, bot: Bot, state: ChatState, who: str, record_id: str,
                person: str | None) -> bool:
    """Wrap the record key for the supervisor the button names (`person`, their tag) and
    tell them at once (title and date); False if they are no longer linked."""
    store = _store(channel)
    chosen = cb.named(cb.Press(cb.SHARE_TO, record_id, 0, person),
                      people.supervisors(store, who), lambda s: s[0])
    if chosen is None:
        return False
    supervisor, name = chosen
    try:
        store.supervision.share(who, record_id, supervisor)
    except NotAuthorised:
        await channel.say(bot, state, say.GONE)
        return True
    label = label_of(store, who, record_id)
    log.info("reflection_shared who=%s", who[:12])
    await channel.say(bot, state, say.SHARED.format(label=html.escape(label),
                                                    name=html.escape(name)))
    their = people.names_for(store, supervisor).get(who, "A supervisee")
    shown = listing.by_id(store.list_shared(supervisor)).get(record_id, label)
    await outbox.notify(channel, bot, supervisor,
                        say.NOTIFY_SHARED.format(name=html.escape(their),
                                                 label=html.escape(shown)),
                        [("Open", cb.encode(cb.OPEN_SHARED, record_id))])
    return True


async def pick_share_to_stop(channel: Channel, bot: Bot, state: ChatState, who: str) -> None:
    """/unshare: every current share as a button, "title · date → supervisor"."""
    store = _store(channel)
    names = dict(people.supervisors(store, who))
    labels = listing.by_id(store.list_reflections(who))
    buttons = [(listing.button(f"{labels.get(rid, '?')} → {names[s]}", 64),
                cb.encode(cb.UNSHARE, rid, cb.tag(s)))
               for rid, s, _ in store.supervision.shares_by(who) if s in names]
    if not buttons:
        await channel.say(bot, state, say.NOTHING_SHARED)
        return
    await outbox.send(channel, bot, state, say.UNSHARE_PICK, buttons[:MAX_LISTED],
                      private=True)


async def unshare(channel: Channel, bot: Bot, state: ChatState, who: str, record_id: str,
                  person: str | None) -> bool:
    store = _store(channel)
    chosen = cb.named(cb.Press(cb.UNSHARE, record_id, 0, person),
                      people.supervisors(store, who), lambda s: s[0])
    if chosen is None:
        return False
    supervisor, name = chosen
    try:
        store.unshare_reflection(who, record_id, supervisor)
    except NotAuthorised:
        await channel.say(bot, state, say.GONE)
        return True
    log.info("reflection_unshared who=%s", who[:12])
    await channel.say(bot, state, say.UNSHARED.format(
        label=html.escape(label_of(store, who, record_id)), name=html.escape(name)))
    return True


def _unread(channel: Channel, who: str, item: SharedInfo) -> bool:
    reads = _store(channel).supervision.reads(who, item.id)
    return not reads or reads[-1] < item.shared_at


def grouped(items: Sequence[SharedInfo]) -> list[SharedInfo]:
    """Newest first within each supervisee; supervisees ordered by their newest share
    (the store lists shares newest first)."""
    order = list(dict.fromkeys(item.owner for item in items))
    return [item for owner in order for item in items if item.owner == owner]


async def inbox(channel: Channel, bot: Bot, state: ChatState, who: str) -> None:
    """/inbox: shared reflections by supervisee, newest first, unread marked."""
    store = _store(channel)
    people.remember_chat(store, who, state.chat_id)
    if not store.supervision.supervisees(who):
        await channel.say(bot, state, say.NOT_SUPERVISOR)
        return
    items = store.list_shared(who)
    if not items:
        await channel.say(bot, state, say.INBOX_EMPTY)
        return
    names = people.names_for(store, who)
    labels = listing.by_id(items)
    lines, buttons, current = [say.INBOX_HEAD], [], None
    for item in grouped(items)[:MAX_LISTED * 2]:
        name = names.get(item.owner, "A supervisee")
        if item.owner != current:
            current = item.owner
            lines.append(f"\n<b>{html.escape(name)}</b>")
        mark = "● " if _unread(channel, who, item) else ""
        lines.append(f"{mark}{html.escape(labels[item.id])}")
        buttons.append((listing.button(f"{mark}{name}: {labels[item.id]}", 64),
                        cb.encode(cb.OPEN_SHARED, item.id)))
    await outbox.send(channel, bot, state, "\n".join(lines), buttons, private=True)


async def open_shared(channel: Channel, bot: Bot, state: ChatState, who: str,
                      record_id: str) -> bool:
    """Send the reflection (protected), then its thread with a Comment button.

    False (the caller answers politely) if it is not, or no longer, shared with them.
    """
    store = _store(channel)
    try:
        body = store.read_shared(who, record_id)
        comments = store.supervision.comments(who, record_id)
    except NotAuthorised:
        log.info("shared_open_refused who=%s", who[:12])
        return False
    for part in split_html(html.escape(body)):
        await channel.send_html(bot, state, part, private=True)
    names = people.names_for(store, who)
    label = listing.by_id(store.list_shared(who)).get(record_id, "this reflection")
    lines = [f"<b>Comments on “{html.escape(label)}”</b>"]
    for remark in comments:
        author = "You" if remark.author == who else names.get(remark.author, "Supervisee")
        lines.append(f"\n💬 <b>{html.escape(author)}</b> ({when(remark.created_at)}):\n"
                     f"{html.escape(remark.text)}")
    if not comments:
        lines.append("None yet.")
    await outbox.send(channel, bot, state, "\n".join(lines),
                      [(say.COMMENT, cb.encode(cb.COMMENT, record_id))], private=True)
    return True
