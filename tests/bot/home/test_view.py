"""The App Home view: own requests for everyone, the queue only for supervisors, within the
Home's block limit however much there is."""

from __future__ import annotations

import json

from bot.asking.actions import HELP_NOW
from bot.escalation import actions as ids
from bot.escalation.states import State
from bot.home.view import OWN_LIMIT, QUEUE_LIMIT, home_view
from bot.slack.text import MAX_HOME_BLOCKS
from tests.factories import escalation


def requests(count: int) -> list:
    return [
        escalation(id=f"{i:032x}", question=f"question {i} <!here>", created_at=1e9 + i)
        for i in range(count)
    ]


def test_home_lists_own_requests_and_queue_only_for_supervisors() -> None:
    own, queue = requests(OWN_LIMIT), requests(QUEUE_LIMIT)
    for_asker = home_view(own)
    for_supervisor = home_view(own, queue)
    assert for_asker["type"] == "home"
    assert "Supervisor queue" not in json.dumps(for_asker)
    assert f"Supervisor queue ({QUEUE_LIMIT})" in json.dumps(for_supervisor)
    assert ids.CLAIM in json.dumps(for_supervisor)
    for view in (for_asker, for_supervisor):
        assert len(view["blocks"]) <= MAX_HOME_BLOCKS
        assert "<!here>" not in json.dumps(view)


def test_empty_home_and_empty_queue() -> None:
    view = json.dumps(home_view([], []))
    assert "You haven't asked for a supervisor yet." in view and "Nothing waiting" in view


def test_own_request_says_who_claimed_it() -> None:
    claimed = escalation(state=State.CLAIMED, claimed_by="U0SUP")
    assert "*Claimed by <@U0SUP>* \u00b7" in json.dumps(home_view([claimed]), ensure_ascii=False)


def test_i_need_help_now_is_on_every_home_with_the_settings_number() -> None:
    view = home_view([], number="112")
    [help_now] = [e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert help_now["action_id"] == HELP_NOW and help_now["style"] == "danger"
    assert "value" not in help_now  # it is about the person's latest question, found on click
    assert "Call 112" in json.dumps(view)


def test_the_home_follows_the_users_language_but_the_queue_stays_in_english() -> None:
    claimed = escalation(state=State.CLAIMED, claimed_by="U0SUP")
    view = json.dumps(home_view([claimed], [], language="es"), ensure_ascii=False)
    assert "Tus solicitudes recientes" in view and "*Tomada por <@U0SUP>* \u00b7" in view
    assert "Necesito ayuda ya" in view and "Llama al 911" in view
    assert "Supervisor queue (0)" in view
    assert "Your recent requests" not in view
