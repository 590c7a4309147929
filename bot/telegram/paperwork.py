"""Documents and the log in Telegram: /export, /pack and /log.

Documents are built in memory (BytesIO) and sent with protect_content; nothing is ever
written to disk on the server. A supervisor with several supervisees chooses whose pack
(or everyone's); each pack starts where the last one for that choice ended, unless a date
range or "all" is given.
"""

from __future__ import annotations

import html
import logging
from datetime import UTC, date, datetime, timedelta

from telegram import Bot

from bot import logbook, people
from bot.documents import gather, markdown, pdf
from bot.documents.gather import Window
from bot.telegram import outbox
from bot.telegram import supervision_callbacks as cb
from bot.telegram import supervision_texts as say
from bot.telegram.channel import Channel
from bot.telegram.chats import ChatState
from storage.store import Store

ALL, MINE = 0, 1  # the pack buttons that name no one person
log = logging.getLogger("schtum.telegram")
SELF, EVERYONE = "self", "all"


def _store(channel: Channel) -> Store:
    store = channel.service.store
    assert store is not None
    return store


def today() -> date:
    return datetime.now(UTC).date()


async def export(channel: Channel, bot: Bot, state: ChatState, who: str,
                 words: list[str]) -> None:
    """/export (PDF) or /export md: every reflection, its comments, the supervision log;
    /export cpd (PDF) or /export cpd md: the CPD log."""
    if words[:1] and words[0].casefold() == "cpd":
        await export_cpd(channel, bot, state, who, words[1:])
        return
    document = gather.export(_store(channel), who, today())
    stamp = f"{today():%Y-%m-%d}"
    if words[:1] and words[0].casefold() in ("md", "markdown"):
        data, name = markdown.render(document).encode("utf-8"), f"schtum-export-{stamp}.md"
    else:
        data, name = pdf.render(document), f"schtum-export-{stamp}.pdf"
    log.info("export_sent who=%s", who[:12])
    await outbox.document(channel, bot, state, data, name, say.EXPORT_CAPTION)


async def export_cpd(channel: Channel, bot: Bot, state: ChatState, who: str,
                     words: list[str]) -> None:
    from bot import cpd
    from bot.telegram import later_texts

    store = _store(channel)
    items = cpd.entries(store, who)
    stamp = f"{today():%Y-%m-%d}"
    if words[:1] and words[0].casefold() in ("md", "markdown"):
        data, name = cpd.markdown(items, today()).encode("utf-8"), f"schtum-cpd-{stamp}.md"
    else:
        data, name = cpd.pdf(items, today()), f"schtum-cpd-{stamp}.pdf"
    store.supervision.note(who, "export")
    log.info("cpd_export_sent who=%s", who[:12])
    await outbox.document(channel, bot, state, data, name, later_texts.CPD_CAPTION)


def window_from(words: list[str], since: datetime | None) -> Window | None:
    """'' → since the last pack; 'all'; or 'FROM TO' (inclusive dates). None if unclear."""
    if not words:
        return Window(since)
    if len(words) == 1 and words[0].casefold() == "all":
        return Window()
    try:
        days = [date.fromisoformat(w) for w in words]
    except ValueError:
        return None
    if len(days) not in (1, 2):
        return None
    start = datetime.combine(days[0], datetime.min.time(), UTC)
    end = (datetime.combine(days[1] + timedelta(days=1), datetime.min.time(), UTC)
           if len(days) == 2 else None)
    return Window(start, end)


class Packs:
    """/pack: the window asked for is kept in memory while a supervisor chooses whose."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.asked: dict[str, list[str]] = {}
        channel.forgetters.append(lambda who: self.asked.pop(who, None))

    async def ask(self, bot: Bot, state: ChatState, who: str, words: list[str]) -> None:
        store = _store(self.channel)
        people.remember_chat(store, who, state.chat_id)
        if window_from(words, None) is None:
            await self.channel.say(bot, state, say.PACK_USAGE)
            return
        supervisees = people.supervisees(store, who)
        own = bool(store.list_reflections(who))
        if not supervisees or (len(supervisees) == 1 and not own):
            await self.make(bot, state, who, words, supervisees[0] if supervisees else None)
            return
        self.asked[who] = words
        buttons = [(say.PACK_ALL, cb.encode(cb.PACK, None, ALL))]
        buttons += [(name, cb.encode(cb.PACK, None, cb.tag(person)))
                    for person, name in supervisees]
        if own:
            buttons.append((say.PACK_MINE, cb.encode(cb.PACK, None, MINE)))
        await outbox.send(self.channel, bot, state, say.PACK_WHO, buttons)

    async def chosen(self, bot: Bot, state: ChatState, who: str, press: cb.Press) -> bool:
        """All supervisees, my own, or the one supervisee the button names (by tag)."""
        supervisees = people.supervisees(_store(self.channel), who)
        scope: tuple[str, str] | None
        if press.tag is not None:
            scope = cb.named(press, supervisees, lambda s: s[0])
            if scope is None:
                return False
        elif press.index in (ALL, MINE):
            scope = (EVERYONE, say.PACK_ALL) if press.index == ALL else None
        else:
            return False
        if who not in self.asked:
            return False
        await self.make(bot, state, who, self.asked.pop(who), scope)
        return True

    async def make(self, bot: Bot, state: ChatState, who: str, words: list[str],
                   scope: tuple[str, str] | None) -> None:
        """Build and send the pack; remember when, so the next starts here."""
        store = _store(self.channel)
        key = SELF if scope is None else scope[0]
        window = window_from(words, gather.last_pack(store, who, key))
        assert window is not None
        if scope is None:
            document = gather.own_pack(store, who, window, today())
        else:
            whose = None if scope[0] == EVERYONE else scope[0]
            document = gather.supervisor_pack(store, who, whose, window, today())
        gather.mark_packed(store, who, key)
        log.info("pack_sent who=%s", who[:12])
        what = html.escape(document.subtitle)
        await outbox.document(self.channel, bot, state, pdf.render(document),
                              f"schtum-pack-{today():%Y-%m-%d}.pdf",
                              say.PACK_CAPTION.format(what=what))


async def supervision_log(channel: Channel, bot: Bot, state: ChatState, who: str,
                          words: list[str]) -> None:
    """/log DATE MINUTES [group N] records a session; /log alone shows monthly totals."""
    store = _store(channel)
    if words:
        try:
            entry = logbook.parse(words, today())
        except logbook.LogInputError as problem:
            await channel.say(bot, state, html.escape(str(problem)))
            return
        store.supervision.add_log(who, entry)
        kind = (f"group of {entry['size']}" if entry["kind"] == "group" else "individual")
        await channel.say(bot, state, f"Logged: {entry['date']}, {entry['minutes']} minutes, "
                                      f"{kind}.")
    months = logbook.months(store.supervision.log_entries(who), today())
    await channel.say(bot, state, html.escape(logbook.report(months, last=12)))
