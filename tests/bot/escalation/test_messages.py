"""The supervisor card and the asker's notices: escaping, buttons from the states' table,
Slack's limits, and the asker's notices in English and Spanish."""

from __future__ import annotations

from bot.asking.strings import SPANISH
from bot.escalation import actions as ids
from bot.escalation import messages
from bot.escalation.service import Outcome, Request, Result
from bot.escalation.states import Kind, State
from bot.escalation.strings import strings
from tests.bot.message_checks import button_list, check_limits, check_translated, texts
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


# --- the asker's language -------------------------------------------------------------------
def test_spanish_strings_match_the_english_ones() -> None:
    check_translated(strings, ("details_title", "details_submit", "details_close"))


def test_spanish_notices_to_the_asker() -> None:
    claimed = escalation(state=State.CLAIMED, claimed_by="U0SUP")
    resolved = escalation(state=State.RESOLVED, closed_by="U0SUP", advice="Dile que no, amable.")
    sent = messages.escalation_sent(escalation(kind=Kind.HANDOVER), SPANISH)
    assert sent.text.startswith("Listo: le pedí ayuda a otra persona del equipo")
    assert [b["text"]["text"] for b in button_list(sent)] == [
        "Agregar detalles",
        "Cancelar solicitud",
    ]
    alerted = messages.alerted_notice(escalation(kind=Kind.URGENT), "911", SPANISH)
    assert "Si estás en peligro, llama al 911 ahora." in alerted.text
    missed = messages.alerted_notice(escalation(kind=Kind.MISSED_CHECKIN), "911", SPANISH)
    assert "No respondiste a tu check-in" in missed.text and "*Estoy bien*" in missed.text
    trying = messages.still_trying_notice(escalation(kind=Kind.URGENT), "911", SPANISH)
    assert "Nadie ha tomado tu solicitud" in trying.text and "llama al 911" in trying.text
    assert "<@U0SUP> se está encargando" in messages.claimed_notice(claimed, SPANISH).text
    done = messages.resolved_notice(resolved, SPANISH)
    assert done.text.startswith("<@U0SUP> marcó tu solicitud como resuelta. ¿Te sirvió?")
    assert "Su consejo:" in done.text
    assert [b["text"]["text"] for b in button_list(done)] == ["Me sirvió", "No me sirvió"]
    for message in (sent, alerted, missed, trying, done):
        check_limits(message)


def test_english_stays_the_default() -> None:
    assert (
        "If you are in danger, call 911 now."
        in messages.alerted_notice(escalation(kind=Kind.URGENT), "911").text
    )
    assert messages.escalation_sent(escalation(), "fr").text.startswith("Done: I've asked")


def test_the_group_intro_is_in_the_askers_language_with_english_for_the_supervisor() -> None:
    claimed = escalation(state=State.CLAIMED, claimed_by="U0SUP", details=("más",))
    intro = messages.group_intro(claimed, SPANISH)
    payload = texts(intro)
    assert intro.text.startswith("<@U0ALICE> pidió ayuda y <@U0SUP> se encarga")
    assert "<@U0ALICE> asked for help and <@U0SUP> is taking it from here" in payload
    assert "Detalles agregados" in payload
    check_limits(intro)
    english = messages.group_intro(claimed)
    assert "pidió" not in texts(english) and len(english.blocks) == len(intro.blocks) - 1


def test_replies_to_the_asker_follow_the_language_and_to_supervisors_stay_english() -> None:
    mine = escalation(asker="U0ALICE", language=SPANISH)
    cancelled = Outcome(Request.CANCEL, Result.DONE, "U0ALICE", mine)
    assert messages.reply(cancelled, SPANISH).text.startswith("Cancelada.")
    not_mine = Outcome(Request.ADD_DETAILS, Result.NOT_ASKER, "U0BOB")
    assert messages.reply(not_mine, SPANISH).text == strings(SPANISH).not_asker_details
    gone = Outcome(Request.CANCEL, Result.GONE, "U0ALICE")
    assert messages.reply(gone, SPANISH).text == "Esa solicitud ya no existe."
    raised = Outcome(Request.ESCALATE, Result.RAISED, "U0ALICE", mine)
    assert messages.reply(raised, SPANISH).text.startswith("Listo: le pedí ayuda")
    claimed = Outcome(Request.CLAIM, Result.DONE, "U0SUP", mine)
    assert messages.reply(claimed, SPANISH).text.startswith("You've claimed it.")
    refused = Outcome(Request.RESOLVE, Result.GONE, "U0SUP")
    assert messages.reply(refused, SPANISH).text == "That escalation no longer exists."


def test_the_details_modal_in_spanish() -> None:
    modal = messages.details_modal("e" * 32, SPANISH)
    assert modal["title"]["text"] == "Agregar detalles"
    assert modal["blocks"][0]["label"]["text"] == "¿Qué debe saber tu supervisor(a)?"
    assert modal["private_metadata"] == "e" * 32
