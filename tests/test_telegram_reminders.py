"""Reminders, snoozes, follow-ups and CPD with the real Application over HTTP to the fake
Bot API, time driven by hand (the ticker is called with a chosen "now"; nothing sleeps):
a reminder and a snooze, starting the journal from one, a due follow-up whose outcome is
anonymised, shown back and appended to its record, a blocked bot pausing the schedule,
a wrong time zone, and afterwards no canary in any file or log line."""

from __future__ import annotations

import html
import logging
import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.telegram import later_texts as say
from bot.telegram.ticker import Ticker
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import (
    Clock,
    Person,
    buttons,
    running_bot,
    save_short_journal,
    scan_for,
)

USER = 7_319_552_841
MONDAY_NOON = datetime(2025, 6, 2, 12, tzinfo=UTC)
TRANSCRIPT = os.environ.get("SCHTUM_TRANSCRIPT")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


def at(clock: Clock, moment: datetime) -> datetime:
    clock.now = moment.timestamp()
    return moment


def write_transcript(api: FakeBotApi) -> None:
    """With SCHTUM_TRANSCRIPT=FILE, the chat in order, for the report and the docs."""
    if not TRANSCRIPT:
        return
    lines = []
    for request in api.requests:
        params = request.params
        if request.method == "sendMessage" and params.get("chat_id") == USER:
            markup = params.get("reply_markup")
            marks = ([b["text"] for row in markup.get("inline_keyboard", []) for b in row]
                     if isinstance(markup, dict) else [])
            text = html.unescape(re.sub(r"<[^>]+>", "", params["text"]))
            refused = " [refused: 403, the user blocked the bot]" if request.injected else ""
            lines.append(f"Bot{refused}: {text}" + (f"\n    buttons: {marks}" if marks else ""))
        elif request.method == "editMessageText" and params.get("chat_id") == USER:
            lines.append("    (edited) " + html.unescape(re.sub(r"<[^>]+>", "", params["text"])
                                                  .split("\n")[-1]))
        elif request.method == "answerCallbackQuery":
            continue
    Path(TRANSCRIPT).write_text("\n".join(lines) + "\n")


async def test_a_reminder_a_snooze_and_a_follow_up_over_the_fake(
        api: FakeBotApi, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock(MONDAY_NOON.timestamp())
    async with running_bot(api, clock) as bot:
        me = Person(api, USER)
        ticker: Ticker = bot.app.bot_data["ticker"]
        await me.onboard()
        me.send("/remind daily 20:30")
        await me.expect("Done: I'll remind you every day at 20:30 (Europe/London)")

        first = at(clock, datetime(2025, 6, 2, 19, 30, tzinfo=UTC))  # 20:30 BST
        await ticker.run(bot.app.bot, first)
        reminder = await me.expect("A few minutes for yourself?")
        assert [label for label, _ in buttons(reminder)] == [say.START, say.SNOOZE, say.SKIP]
        assert await ticker.run(bot.app.bot, first + timedelta(minutes=1)) == 0  # never twice

        me.press(reminder, say.SNOOZE)
        await me.expect(lambda e: "Snoozed: I'll ask again at Mon 2 Jun, 21:30"
                        in e.get("text", ""))
        later = at(clock, first + timedelta(hours=1))
        await ticker.run(bot.app.bot, later)
        again = await me.expect(lambda e: "A few minutes" in e.get("text", "")
                                and e["message_id"] != reminder["message_id"])
        assert again["text"] == reminder["text"]  # the same prompt, once more
        me.press(again, say.START)
        await me.expect("Journal: reflecting on practice")
        me.send("/cancel")
        await me.expect("Nothing was stored")

        store = bot.service.store
        who = bot.channel.who(USER)
        rid = store.save_reflection(who, flow_id="breach-uk", flow_version="2",
                                    title="A confidentiality dilemma (UK)", body="The body.")
        store.followups.add(who, rid, date(2025, 6, 3), {
            "step": "Talk it through with my supervisor", "who": "Me",
            "when": "Today", "title": "A confidentiality dilemma (UK)"})
        morning = at(clock, datetime(2025, 6, 3, 8, 5, tzinfo=UTC))  # 09:05 in London
        await ticker.run(bot.app.bot, morning)
        due = await me.expect("A follow-up is due: Talk it through with my supervisor")
        assert due.get("has_protected_content")
        assert await ticker.run(bot.app.bot, morning + timedelta(hours=1)) == 0  # once a day
        me.press(due, say.OUTCOME)
        await me.expect("What happened?")
        me.send("Spoke with John Smith on 07700 900123; we agreed a plan.")
        shown = await me.expect("This is what will be added to the record")
        assert "John Smith" not in shown["text"] and "07700" not in shown["text"]
        me.press(shown, say.KEEP)
        await me.expect(say.OUTCOME_ADDED)
        body = store.read_reflection(who, rid)
        assert "OUTCOME (3 June 2025)" in body and "we agreed a plan" in body
        assert store.followups.open_items(who) == []

        api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
        next_one = at(clock, datetime(2025, 6, 3, 19, 30, tzinfo=UTC))
        assert await ticker.run(bot.app.bot, next_one) == 0
        assert store.reminders.due_at(who) is None
        me.send("/remind")
        await me.expect("are paused")
        me.send("/timezone Mars/Olympus")
        await me.expect("not a time zone name I know")
        write_transcript(api)
    assert scan_for(data_dir, [str(USER), "John Smith", "07700 900123", "Talk it through",
                               "we agreed a plan", "Europe/London"], caplog.records) == []


async def test_counting_a_save_as_cpd_and_exporting_the_log(api: FakeBotApi) -> None:
    async with running_bot(api, Clock(MONDAY_NOON.timestamp())) as bot:
        me = Person(api, USER)
        await me.onboard()
        await save_short_journal(me)
        offer = await me.expect(say.CPD_OFFER)
        me.press(offer, say.CPD_YES)
        ask = await me.expect(say.CPD_ASK)
        me.press(ask, "30")
        await me.expect("Counted: 30 minutes of CPD")
        me.send("/export cpd md")
        sent = await me.expect(lambda e: "document" in e)
        log = api.document(sent["document"]["file_id"]).decode()
        assert "| 2025-06-02 | Reflective journal:" in log and "| 30 |" in log
        assert "Plan endings five minutes earlier." in log
        assert bot.service.store is not None
