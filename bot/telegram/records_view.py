"""The owner's side of one reflection: who it is shared with and when they read it, the
comment threads, and buttons to share, stop sharing, reply and delete (confirmed)."""

from __future__ import annotations

import html
import logging

from telegram import Bot

from bot import listing, people
from bot.telegram import outbox
from bot.telegram import supervision_callbacks as cb
from bot.telegram import supervision_texts as say
from bot.telegram.channel import Channel
from bot.telegram.chats import ChatState
from storage.errors import NotAuthorised
from storage.store import Store

log = logging.getLogger("schtum.telegram")


def when(at: str) -> str:
    return f"{listing.day(at)} {listing.clock(at)}"


def label_of(store: Store, who: str, record_id: str) -> str:
    return listing.by_id(store.list_reflections(who)).get(record_id, "this reflection")


async def show(channel: Channel, bot: Bot, state: ChatState, who: str, record_id: str) -> None:
    """Sharing status, threads and actions, under the reflection just opened."""
    store = channel.service.store
    if store is None:
        return
    supervisors = people.supervisors(store, who)
    names = dict(supervisors)
    try:
        shares = store.supervision.shared_with(who, record_id)
        comments = store.supervision.comments(who, record_id)
    except NotAuthorised:
        await channel.say(bot, state, say.GONE)
        return
    lines = [f"<b>{html.escape(label_of(store, who, record_id))}</b>"]
    if shares:
        lines.append("Shared with:")
        for supervisor, at in shares:
            reads = store.supervision.reads(supervisor, record_id)
            seen = f"read {when(reads[-1])}" if reads else "not read yet"
            lines.append(f"• {html.escape(names.get(supervisor, 'a former supervisor'))}: "
                         f"shared {when(at)}, {seen}")
    else:
        lines.append("Not shared with anyone.")
    for remark in comments:
        author = "You" if remark.author == who else names.get(remark.author, "Supervisor")
        lines.append(f"\n💬 <b>{html.escape(author)}</b> ({when(remark.created_at)}):\n"
                     f"{html.escape(remark.text)}")
    buttons: list[tuple[str, str]] = []
    if supervisors:
        buttons.append(("Share with a supervisor", cb.encode(cb.SHARE, record_id)))
    for supervisor, _ in shares:
        if supervisor in names:
            name = names[supervisor]
            buttons.append((listing.button(f"Stop sharing with {name}"),
                            cb.encode(cb.UNSHARE, record_id, cb.tag(supervisor))))
            buttons.append((listing.button(f"Comment to {name}"),
                            cb.encode(cb.COMMENT, record_id, cb.tag(supervisor))))
    buttons.append(("Delete this reflection", cb.encode(cb.DELETE, record_id)))
    await outbox.send(channel, bot, state, "\n".join(lines), buttons, private=True)


async def ask_delete(channel: Channel, bot: Bot, state: ChatState, who: str,
                     record_id: str) -> None:
    store = channel.service.store
    assert store is not None
    label = html.escape(label_of(store, who, record_id))
    buttons = [(say.DELETE_YES, cb.encode(cb.DELETE_CONFIRM, record_id, 0)),
               (say.DELETE_NO, cb.encode(cb.DELETE_CONFIRM, record_id, 1))]
    message_id = await outbox.send(channel, bot, state, say.DELETE_ASK.format(label=label),
                                   buttons)
    state.live[f"v:{cb.DELETE_CONFIRM}"] = message_id


async def delete(channel: Channel, bot: Bot, state: ChatState, who: str, record_id: str,
                 message_id: int, index: int) -> bool:
    """Carry out a confirmed delete; False if the confirmation is not the live one."""
    if not state.accept(f"v:{cb.DELETE_CONFIRM}", message_id):
        return False
    store = channel.service.store
    assert store is not None
    await bot.edit_message_reply_markup(state.chat_id, message_id, reply_markup=None)
    if index != 0:
        await channel.say(bot, state, say.KEPT)
        return True
    try:
        store.delete_reflection(who, record_id)
        channel.drop_pending(who)  # e.g. a CPD offer built from the deleted reflection
    except NotAuthorised:
        await channel.say(bot, state, say.GONE)
        return True
    log.info("reflection_deleted who=%s", who[:12])
    await channel.say(bot, state, say.DELETED)
    return True
