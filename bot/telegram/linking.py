"""Linking a supervisor: /invite makes a single-use deep link, /start <code> redeems it,
/name sets the name supervisors see, /supervisors lists links and unlinks."""

from __future__ import annotations

import html
import logging
import re

from telegram import Bot

from bot import listing, people
from bot.telegram import onboarding, outbox
from bot.telegram import supervision_callbacks as cb
from bot.telegram import supervision_texts as say
from bot.telegram.channel import Channel
from bot.telegram.chats import ChatState
from storage.errors import NotAuthorised
from storage.links import InviteError

log = logging.getLogger("schtum.telegram")
CODE = re.compile(r"[A-Za-z0-9_-]{16,64}")


async def invite(channel: Channel, bot: Bot, state: ChatState, who: str) -> None:
    store = channel.service.store
    assert store is not None
    people.remember_chat(store, who, state.chat_id)
    code = store.supervision.create_invite(who)
    name = people.name_of(store, who)
    shown = f"<b>{html.escape(name)}</b>" if name else say.NAME_UNSET
    link = f"https://t.me/{bot.username}?start={code}"
    log.info("invite_made who=%s", who[:12])
    await channel.say(bot, state, say.INVITE.format(link=html.escape(link), name=shown))


async def redeem(channel: Channel, bot: Bot, state: ChatState, who: str, code: str) -> None:
    """The supervisor opened the link: link both, tell both, welcome a new supervisor."""
    store = channel.service.store
    assert store is not None
    if not CODE.fullmatch(code):
        await channel.say(bot, state, say.BAD_CODE)
        return
    try:
        practitioner = store.supervision.redeem(who, code)
    except InviteError as problem:
        log.info("invite_refused reason=%s", type(problem).__name__)
        await channel.say(bot, state, html.escape(str(problem)))
        return
    people.remember_chat(store, who, state.chat_id)
    names = people.names_for(store, who)
    log.info("supervisor_linked who=%s", who[:12])
    await channel.say(bot, state, say.LINKED_SUPERVISOR.format(
        name=html.escape(names.get(practitioner, "your supervisee"))))
    if not onboarding.onboarded(channel, who):
        await channel.say(bot, state, say.SUPERVISOR_WELCOME)
    their_names = people.names_for(store, practitioner)
    await outbox.notify(channel, bot, practitioner, say.LINKED_PRACTITIONER.format(
        name=html.escape(their_names.get(who, "Your supervisor"))), private=False)


async def name(channel: Channel, bot: Bot, state: ChatState, who: str, words: list[str]) -> None:
    store = channel.service.store
    assert store is not None
    if not words:
        current = people.name_of(store, who)
        await channel.say(bot, state, say.NAME_NOW.format(name=html.escape(current))
                          if current else say.NAME_NONE)
        return
    try:
        chosen = people.set_name(store, who, " ".join(words))
    except people.NameInputError as problem:
        await channel.say(bot, state, html.escape(str(problem)))
        return
    await channel.say(bot, state, say.NAME_SET.format(name=html.escape(chosen)))


async def links(channel: Channel, bot: Bot, state: ChatState, who: str) -> None:
    """Supervisors and supervisees, each with an Unlink button."""
    store = channel.service.store
    assert store is not None
    people.remember_chat(store, who, state.chat_id)
    everyone = store.supervision.links(who)
    if not everyone:
        await channel.say(bot, state, say.NO_LINKS)
        return
    names = people.names_for(store, who)
    lines, buttons = [say.LINKS_HEAD], []
    for link in everyone:
        other = link.supervisor if link.practitioner == who else link.practitioner
        role = "your supervisor" if link.practitioner == who else "your supervisee"
        shown = names.get(other, "Someone")
        lines.append(f"• {html.escape(shown)}, {role} since {listing.day(link.created_at)}")
        buttons.append((listing.button(f"Unlink {shown}"), cb.encode(cb.UNLINK, None,
                                                                     cb.tag(other))))
    lines.append("Unlinking stops every share along that link.")
    await outbox.send(channel, bot, state, "\n".join(lines), buttons)


async def unlink(channel: Channel, bot: Bot, state: ChatState, who: str,
                 person: str | None) -> bool:
    """Unlink the person the button names; a second tap finds no such link (False)."""
    store = channel.service.store
    assert store is not None
    link = cb.named(cb.Press(cb.UNLINK, None, 0, person), store.supervision.links(who),
                    lambda k: k.supervisor if k.practitioner == who else k.practitioner)
    if link is None:
        return False
    other = link.supervisor if link.practitioner == who else link.practitioner
    shown = people.names_for(store, who).get(other, "them")
    try:
        store.supervision.unlink(who, link.practitioner, link.supervisor)
    except NotAuthorised:
        return False
    log.info("unlinked who=%s", who[:12])
    await channel.say(bot, state, say.UNLINKED.format(name=html.escape(shown)))
    return True
