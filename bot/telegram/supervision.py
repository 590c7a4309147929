"""Supervision and records in Telegram: the commands, the button presses, typed comments.

Wiring only: each command takes the presser's turn (their lock, the timeout check), then
hands over to linking, sharing, commenting, records_view or paperwork. Presses carry no
content (supervision_callbacks) and are checked against the presser's own rights in the
store, so a button pressed by anyone else, or after unsharing, does nothing but say so.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from telegram import CallbackQuery, Message, Update
from telegram.ext import Application, CommandHandler, ContextTypes, filters

from bot.telegram import commenting, linking, paperwork, records_view, sharing, texts
from bot.telegram import supervision_callbacks as cb
from bot.telegram import supervision_texts as say
from bot.telegram.presses import acknowledge

if TYPE_CHECKING:
    from bot.telegram.handlers import Handlers, Turn

log = logging.getLogger("schtum.telegram")
Context = ContextTypes.DEFAULT_TYPE
START_WITH_CODE = filters.Regex(r"^/start(@\w+)?\s+\S")


class Supervision:
    """The supervision commands and presses, bound to the bot's Handlers."""

    def __init__(self, handlers: Handlers) -> None:
        self.handlers = handlers
        self.channel = handlers.channel
        self.packs = paperwork.Packs(self.channel)

    def register(self, app: Application, fresh: filters.BaseFilter) -> None:
        """Command handlers; call before the catch-all for unknown commands."""
        commands: dict[str, Callable[[Turn, list[str]], Awaitable[None]]] = {
            "invite": lambda t, w: linking.invite(self.channel, t.bot, t.state, t.who),
            "name": lambda t, w: linking.name(self.channel, t.bot, t.state, t.who, w),
            "supervisors": lambda t, w: linking.links(self.channel, t.bot, t.state, t.who),
            "share": lambda t, w: sharing.pick_reflection(self.channel, t.bot, t.state, t.who),
            "unshare": lambda t, w: sharing.pick_share_to_stop(self.channel, t.bot, t.state,
                                                               t.who),
            "inbox": lambda t, w: sharing.inbox(self.channel, t.bot, t.state, t.who),
            "export": lambda t, w: paperwork.export(self.channel, t.bot, t.state, t.who, w),
            "pack": lambda t, w: self.packs.ask(t.bot, t.state, t.who, w),
            "log": lambda t, w: paperwork.supervision_log(self.channel, t.bot, t.state, t.who,
                                                          w),
        }
        for name, action in commands.items():
            app.add_handler(CommandHandler(name, self._command(action), fresh))

    def start_handler(self, fresh: filters.BaseFilter) -> CommandHandler:
        """/start <code>: a supervisor opening an invitation (register before /start)."""
        return CommandHandler("start", self.start_with_code, fresh & START_WITH_CODE)

    def _command(self, action: Callable[[Turn, list[str]], Awaitable[None]]
                 ) -> Callable[[Update, Context], Awaitable[None]]:
        async def handle(update: Update, context: Context) -> None:
            async with self.handlers.turn(update, context) as turn:
                turn.state.draft = None  # a command abandons a comment being written
                await action(turn, list(context.args or []))
                await self.handlers.show_current(turn)
        return handle

    async def start_with_code(self, update: Update, context: Context) -> None:
        async with self.handlers.turn(update, context) as turn:
            code = (context.args or [""])[0]
            await linking.redeem(self.channel, turn.bot, turn.state, turn.who, code)

    # -- typed text ---------------------------------------------------------------------

    async def typed(self, turn: Turn, text: str) -> bool:
        """Typed text while a comment is being written; True if it was taken as one."""
        if not commenting.drafting(self.channel, turn.state):
            return False
        await commenting.typed(self.channel, turn.bot, turn.state, text)
        return True

    # -- presses ------------------------------------------------------------------------

    async def press(self, turn: Turn, query: CallbackQuery, message: Message) -> bool:
        """Handle a supervision button; False if the data is not one of ours."""
        press = cb.decode(query.data)
        if press is None:
            return False
        done = await self._route(turn, press, message.message_id)
        if done is None:
            await acknowledge(query, say.NO_LONGER_SHARED
                              if press.action in (cb.OPEN_SHARED, cb.COMMENT)
                              else texts.DEAD_BUTTON)
            if press.action == cb.OPEN_SHARED:
                await self.channel.say(turn.bot, turn.state, say.NO_LONGER_SHARED)
        elif done:
            await acknowledge(query)
        else:
            await acknowledge(query, texts.DEAD_BUTTON)
        return True

    async def _route(self, turn: Turn, press: cb.Press, message_id: int) -> bool | None:
        """True: done; False: a dead button; None: no longer shared with the presser."""
        channel, bot, state, who, rid = (self.channel, turn.bot, turn.state, turn.who,
                                         press.record)
        action = press.action
        if action == cb.SEND:
            return await commenting.send(channel, bot, state, who)
        if action == cb.CANCEL:
            return await commenting.cancel(channel, bot, state)
        if action == cb.REWRITE:
            return await commenting.rewrite(channel, bot, state)
        if action == cb.UNLINK:
            return await linking.unlink(channel, bot, state, who, press.tag)
        if action == cb.PACK:
            return await self.packs.chosen(bot, state, who, press)
        if rid is None:
            return False
        if action == cb.OPEN_SHARED:
            return await sharing.open_shared(channel, bot, state, who, rid) or None
        if action == cb.COMMENT:
            return await commenting.begin(channel, bot, state, who, rid, press.tag) or None
        if action == cb.VIEW:
            await records_view.show(channel, bot, state, who, rid)
            return True
        if action == cb.SHARE:
            await sharing.pick_supervisor(channel, bot, state, who, rid)
            return True
        if action == cb.SHARE_TO:
            return await sharing.share(channel, bot, state, who, rid, press.tag)
        if action == cb.UNSHARE:
            return await sharing.unshare(channel, bot, state, who, rid, press.tag)
        if action == cb.DELETE:
            await records_view.ask_delete(channel, bot, state, who, rid)
            return True
        if action == cb.DELETE_CONFIRM:
            return await records_view.delete(channel, bot, state, who, rid, message_id,
                                             press.index)
        return False
