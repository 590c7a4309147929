"""Regressions from the independent review of the supervision and CPD work.

A button that names a supervisor must act on that supervisor or on no one, even after the
list it came from has changed; a double tap unlinks once; an offer made before /forget
cannot write the forgotten reflection back; a comment thread needs a live share.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import pytest

from bot.telegram import later_texts, texts
from bot.telegram import supervision_texts as say
from storage import cpd as cpd_store
from storage.errors import NotAuthorised
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram_harness import Person, buttons, running_bot, save_short_journal

P, A, B = 7_319_552_841, 6_120_334_977, 5_555_123_456


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as fake:
        yield fake
        assert [(r.method, r.response) for r in fake.errors] == []


async def handled(api: FakeBotApi, query_id: str) -> None:
    """Wait until the bot has answered this press (it answers every press, once)."""
    for _ in range(300):
        if any(r.method == "answerCallbackQuery"
               and str(r.params.get("callback_query_id")) == query_id for r in api.requests):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the press was never answered")


async def link(me: Person, supervisor: Person, api: FakeBotApi, name: str) -> None:
    me.send("/invite")
    invite = await me.expect("Invite a supervisor")
    api.user_opens_link(supervisor.user_id, re.search(r"https://t\.me/\S+", invite["text"])[0])
    await supervisor.expect("linked as supervisor")
    supervisor.send(f"/name {name}")
    await supervisor.expect("now see you as")


async def test_a_stale_share_button_never_shares_with_someone_else(api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        me, alice, bob = Person(api, P), Person(api, A), Person(api, B)
        await me.onboard()
        store, owner = bot.service.store, bot.channel.known(P)
        store.save_reflection(owner, flow_id="journal", flow_version="1", title="T",
                              body="Journal\n\nbody")
        await link(me, alice, api, "Alice")
        await link(me, bob, api, "Bob")
        me.send("/share")
        pick = await me.expect(say.SHARE_PICK)
        me.press(pick, buttons(pick)[0][0])
        whom = await me.expect("with which supervisor")
        alice.send("/supervisors")
        links = await alice.expect("supervision links")
        alice.press(links, buttons(links)[0][0])
        await alice.expect("Unlinked")
        await handled(api, me.press(whom, "Alice"))  # the button from before the unlink
        assert store.list_shared(bot.channel.known(B)) == []
        assert store.list_shared(bot.channel.known(A)) == []
        await handled(api, me.press(whom, "Bob"))  # Bob's own button still works
        assert len(store.list_shared(bot.channel.known(B))) == 1


async def test_a_double_tap_on_unlink_unlinks_once(api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        me, alice, bob = Person(api, P), Person(api, A), Person(api, B)
        await me.onboard()
        await link(me, alice, api, "Alice")
        await link(me, bob, api, "Bob")
        me.send("/supervisors")
        links = await me.expect("supervision links")
        first, second = me.press(links, "Unlink Alice"), me.press(links, "Unlink Alice")
        await handled(api, first)
        await handled(api, second)
        left = bot.service.store.supervision.links(bot.channel.known(P))
        assert [link.supervisor for link in left] == [bot.channel.known(B)]


async def test_a_cpd_offer_made_before_forget_writes_nothing_after(api: FakeBotApi) -> None:
    async with running_bot(api) as bot:
        me = Person(api, P)
        await me.onboard()
        await save_short_journal(me, ("A session ran over.", "I rush endings.",
                                      "FORGOTTENCANARY endings."))
        offer = await me.expect(later_texts.CPD_OFFER)
        me.send("/forget")
        ask = await me.expect(lambda e: texts.FORGET_YES in [b for b, _ in buttons(e)])
        me.press(ask, texts.FORGET_YES)
        await me.expect(texts.FORGOTTEN[:20])
        await handled(api, me.press(offer, later_texts.CPD_YES))
        assert cpd_store.entries(bot.service.store, bot.channel.who(P)) == []


def test_an_owner_cannot_comment_to_a_linked_supervisor_without_a_share(tmp_path) -> None:
    from storage.store import Store

    with Store.open(tmp_path / "s.db", bytes(range(32))) as store:
        owner, supervisor = store.practitioner("telegram:1"), store.practitioner("telegram:2")
        store.supervision.redeem(supervisor, store.supervision.create_invite(owner))
        rid = store.save_reflection(owner, flow_id="journal", flow_version="1", title="T",
                                    body="B")
        with pytest.raises(NotAuthorised):
            store.supervision.add_comment(owner, rid, supervisor, "Not shared yet.")
        store.share_reflection(owner, rid, supervisor)
        assert store.supervision.add_comment(owner, rid, supervisor, "Now it is.").text
