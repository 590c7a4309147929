"""A whole supervision round trip, both sides, with the real Application over HTTP to the
fake Bot API: link, share, notify, read (protected), comment both ways, unshare then a
stale button, export and pack documents opened and read back, and nothing left in clear."""

from __future__ import annotations

import io
import logging
import os
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.telegram import supervision_texts as say
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Event, Person, buttons, running_bot, scan_for

PRACTITIONER, SUPERVISOR, STRANGER = 7_319_552_841, 6_120_334_977, 5_555_123_456
IDENTIFIERS = ["John Smith", "07700 900123", "Margaret Okafor"]
BODY = ("A confidentiality dilemma (UK)\n(breach-uk, version 2)\n\nTHE DILEMMA\n"
        "• In my words: [PERSON 1] told me about a plan.\n"
        "• Kind of dilemma: Risk to the client's life (suicide, self-harm)\n\nDECISION\n"
        "• Decision: Seek the client's consent first\n\nACCOUNTABILITY\n"
        "• Review: Within a few days\n"
        "• To take to supervision: Whether I waited too long to ask.")
TRANSCRIPT = os.environ.get("SCHTUM_TRANSCRIPT")


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


def pdf_text(api: FakeBotApi, event: Event) -> str:
    data = api.document(event["document"]["file_id"])
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def is_document(event: Event) -> bool:
    return "document" in event


def write_transcript(api: FakeBotApi) -> None:
    """With SCHTUM_TRANSCRIPT=FILE, both chats in order, for the docs and the report."""
    if not TRANSCRIPT:
        return
    who = {PRACTITIONER: "Practitioner", SUPERVISOR: "Supervisor"}
    lines = []
    for request in api.requests:
        params = request.params
        chat = params.get("chat_id")
        if request.method == "sendMessage" and chat in who:
            marks = [b["text"] for row in params.get("reply_markup", {})
                     .get("inline_keyboard", []) for b in row] if isinstance(
                params.get("reply_markup"), dict) else []
            protect = " [protected]" if params.get("protect_content") else ""
            text = re.sub(r"<[^>]+>", "", params["text"])
            lines.append(f"Bot → {who[chat]}{protect}: {text}"
                         + (f"\n    buttons: {marks}" if marks else ""))
        elif request.method == "sendDocument" and chat in who:
            name = params["document"]["filename"]
            lines.append(f"Bot → {who[chat]} [document, protected]: {name}")
            Path(f"{TRANSCRIPT}.{who[chat].lower()}.{name}").write_bytes(
                params["document"]["content"])
    Path(TRANSCRIPT).write_text("\n".join(lines) + "\n")


async def test_a_supervision_round_trip_on_both_sides(
        api: FakeBotApi, data_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_bot(api) as bot:
        me, sup = Person(api, PRACTITIONER), Person(api, SUPERVISOR)
        await me.onboard()
        store = bot.service.store
        owner = bot.channel.known(PRACTITIONER)
        first = store.save_reflection(owner, flow_id="breach-uk", flow_version="2",
                                      title="Suicide risk: seek consent", body=BODY)
        store.save_reflection(owner, flow_id="journal", flow_version="1",
                              title="Journal", body="Journal\n\nFORM\n• Form: Gibbs")

        me.send("/name Sam (trainee)")
        await me.expect("supervisors now see you as Sam (trainee)")
        me.send("/invite")
        invite = await me.expect("Invite a supervisor")
        assert "They will not see" in invite["text"] and "Sam (trainee)" in invite["text"]
        link = re.search(r"https://t\.me/\S+", invite["text"])[0]
        code = link.split("start=")[1]
        assert 16 <= len(code) <= 64

        api.user_opens_link(SUPERVISOR, link)
        await sup.expect("linked as supervisor to Sam (trainee)")
        welcome = await sup.expect("Welcome to Schtum")
        assert "/inbox" in welcome["text"] and "Where do you practise" not in welcome["text"]
        await me.expect("opened your invitation")
        sup.send("/name Dr Ash")
        await sup.expect("now see you as Dr Ash")
        api.user_opens_link(STRANGER, link)
        await Person(api, STRANGER).expect("already been used")
        api.user_sends(STRANGER, "/start not-a-real-code-at-all")
        await Person(api, STRANGER).expect("not valid")

        me.send("/share")
        pick = await me.expect(say.SHARE_PICK)
        title = next(label for label, _ in buttons(pick) if label.startswith("Suicide risk"))
        assert re.search(r" · \d{1,2} \w{3} \d{4}", title)
        me.press(pick, title)
        await me.expect("Shared “Suicide risk")
        notice = await sup.expect("shared a reflection with you")
        assert "Sam (trainee)" in notice["text"] and "Whether I waited" not in notice["text"]

        sup.send("/inbox")
        inbox = await sup.expect("Shared with you")
        assert "● Suicide risk" in inbox["text"] and "Sam (trainee)" in inbox["text"]
        sup.press(inbox, buttons(inbox)[0][0])
        body = await sup.expect("Whether I waited too long")
        assert body["has_protected_content"] is True
        thread = await sup.expect("Comments on")
        sup.press(thread, say.COMMENT)
        await sup.expect("Type your comment")
        sup.send(f"Did {IDENTIFIERS[0]} agree to a contact? Ring {IDENTIFIERS[1]}.")
        await sup.expect("That looks like")
        check = await sup.expect(say.COMMENT_CHECK)
        assert IDENTIFIERS[0] not in check["text"] and "[PERSON 1]" in check["text"]
        sup.press(check, say.SEND)
        await sup.expect("Sent to")
        comment = await me.expect("Dr Ash commented")
        assert "Suicide risk" in comment["text"] and "[PERSON 1]" in comment["text"]
        assert comment["has_protected_content"] is True

        me.press(comment, say.REPLY)
        await me.expect("Type your comment")
        me.send(f"Not yet; {IDENTIFIERS[2]} is the GP.")
        mine = await me.expect(say.COMMENT_CHECK)
        me.press(mine, say.SEND)
        reply = await sup.expect("Sam (trainee) commented")
        assert IDENTIFIERS[2] not in reply["text"]

        me.send("/reflections")
        listed = await me.expect("Your saved reflections")
        me.press(listed, "Open 2")
        view = await me.expect("Shared with:")
        assert re.search(r"Dr Ash: shared .*, read \d", view["text"])
        assert "Did [PERSON 1] agree" in view["text"]
        me.press(view, "Stop sharing with Dr Ash")
        await me.expect("Stopped sharing")
        api.user_presses(SUPERVISOR, inbox["message_id"], buttons(inbox)[0][1])
        await sup.expect(say.NO_LONGER_SHARED)
        answers = [r.params.get("text") for r in api.requests
                   if r.method == "answerCallbackQuery"]
        assert answers[-1] == say.NO_LONGER_SHARED
        api.user_presses(STRANGER, inbox["message_id"], buttons(inbox)[0][1],
                         check_button=False, chat_id=SUPERVISOR)
        sup.send("/inbox")
        await sup.expect(say.INBOX_EMPTY)

        this_month = datetime.now(UTC).date().replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        me.send(f"/log {last_month} 90")
        await me.expect(f"Logged: {last_month}, 90 minutes, individual")
        me.send(f"/log {this_month} 120 group 4")
        await me.expect(f"Logged: {this_month}, 120 minutes, group of 4")
        shown = await me.expect("Supervision per month")
        assert f"{last_month:%Y-%m}: 1.5 h ✓" in shown["text"]
        assert f"{this_month:%Y-%m}: 1 h (held 2 h) ⚠️ below 1.5 h" in shown["text"]

        me.send("/export")
        exported = await me.expect(is_document)
        assert exported["has_protected_content"] is True
        text = pdf_text(api, exported)
        assert "Whether I waited too long" in text and "Dr Ash" in text
        assert "Supervision log" in text

        me.send("/share")
        me.press(await me.expect(say.SHARE_PICK), title)
        await sup.expect("shared a reflection with you")
        sup.send("/pack")
        pack = await sup.expect(is_document)
        pack_text = pdf_text(api, pack)
        assert "Supervision pack" in pack_text and "Sam (trainee)" in pack_text
        assert "Open questions and next steps" in pack_text
        assert "Decisions awaiting an outcome" in pack_text
        me.send("/pack all")
        mine_pack = await me.expect(is_document)
        mine_text = pdf_text(api, mine_pack)
        assert "Supervision hours per month" in mine_text

        entries = store.audit_entries()
        actions = {e.action for e in entries}
        assert {"invite", "link", "share", "read_shared", "comment", "unshare", "export",
                "pack", "log"} <= actions
        ids = [str(PRACTITIONER), str(SUPERVISOR)]
        for document in (text, pack_text, mine_text):
            for needle in [*IDENTIFIERS, *ids, owner, first]:
                assert needle not in document
        assert all(str(PRACTITIONER) not in e.actor for e in entries)
    write_transcript(api)
    assert scan_for(data_dir, [*IDENTIFIERS, *ids, code], caplog.records) == []
