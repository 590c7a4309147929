"""The first check every update passes: in a private chat, the chat must be its sender's.

Telegram never sends a private-chat update whose chat is not the sender's own, so one
that arrives is forged (a webhook without its secret, a compromised proxy). Honouring it
would route one practitioner's content to another person's chat: `/reflections` with the
victim's `from` and the attacker's `chat`, or a press on the victim's question pushed into
the attacker's chat. Such updates are dropped in handler group -1, before any handler runs,
in polling and webhook mode alike; the log carries the event only, never an id.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes, TypeHandler

log = logging.getLogger("schtum.telegram")
GROUP = -1


def genuine(update: Update) -> bool:
    """False for a private-chat update whose chat is not its sender's (or has no sender).

    A button press counts only on a message in a private chat (the bot shows buttons
    nowhere else) and only from the person that message was sent to.
    """
    chat, user = update.effective_chat, update.effective_user
    if update.callback_query is not None and update.callback_query.message is None:
        return False
    if chat is None or chat.type != ChatType.PRIVATE:
        return update.callback_query is None
    return user is not None and chat.id == user.id


async def refuse_forged(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop a forged update here: no handler sees it, and nothing is sent anywhere."""
    if isinstance(update, Update) and not genuine(update):
        log.warning("update_refused reason=chat_not_sender")
        raise ApplicationHandlerStop


def handler() -> TypeHandler[Update, ContextTypes.DEFAULT_TYPE]:
    return TypeHandler(Update, refuse_forged)
