"""The supervisor card and the asker's notices: escaping, buttons from the states' table,
and Slack's limits."""

from __future__ import annotations

from bot.escalation import actions as ids
from bot.escalation import messages
from bot.escalation.states import Kind, State
from tests.bot.message_checks import button_list, check_limits, texts
from tests.factories import escalation

INJECTION = "<!channel> <!here> <!everyone> <@U999> <!subteam^S1> <https://evil.example|click>"


def test_supervisor_card_shows_everything_escaped() -> None:
    card = messages.supervisor_card(
        escalation(question=f"Help {INJECTION}", details=(f"more {INJECTION}",), kind=Kind.URGENT)
    )
    payload = texts(card)
    for raw in ("<!channel>", "<!here>", "<!everyone>", "<@U999>", "<!subteam", "<https"):
        assert raw not in payload
    assert card.blocks[0]["block_id"] == ids.CARD_MARKER + "e" * 32
    first = card.blocks[0]["text"]["text"]
    assert "Urgent" in first and "<@U0ALICE>" in first and "<!date^1700000000^" in first
    assert "Gifts &gt; Cash tips" in payload and "more &lt;!channel&gt;" in payload
    assert [b["action_id"] for b in button_list(card)] == [ids.CLAIM, ids.RESOLVE]
    assert card.blocks[-2]["elements"][0]["text"] == "Open: waiting for a supervisor"


def test_card_states() -> None:
    claimed = messages.supervisor_card(escalation(state=State.CLAIMED, claimed_by="U0SUP"))
    assert "Claimed by <@U0SUP>" in texts(claimed)
    assert [b["action_id"] for b in button_list(claimed)] == [ids.RESOLVE]
    resolved = messages.supervisor_card(escalation(state=State.RESOLVED, closed_by="U0SUP"))
    assert "Resolved by <@U0SUP>" in texts(resolved) and button_list(resolved) == []
    cancelled = messages.supervisor_card(escalation(state=State.CANCELLED, closed_by="U0ALICE"))
    assert "Cancelled by the asker" in texts(cancelled) and button_list(cancelled) == []


def test_huge_inputs_stay_within_block_kit_limits() -> None:
    huge = "x" * 20_000 + " <!channel> " + "\u00e9" * 5000
    check_limits(messages.supervisor_card(escalation(question=huge, details=(huge,) * 40)))
    check_limits(messages.group_intro(escalation(question=huge, claimed_by="U0SUP")))
    check_limits(messages.reminder(escalation(question=huge), 15))


def test_confirmation_names_who_was_asked() -> None:
    handover = messages.escalation_sent(escalation(kind=Kind.HANDOVER))
    assert handover.text.startswith("Done: I've asked another team member to take over.")
    assert [b["action_id"] for b in button_list(handover)] == [ids.ADD_DETAILS, ids.CANCEL]
    assert "a supervisor" in messages.escalation_sent(escalation()).text
