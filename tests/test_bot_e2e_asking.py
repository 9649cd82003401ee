"""End to end, the answer as a worker sees it: the real `boundary-bot serve` (Socket Mode and
HTTP) against the Slack emulator, on tests/corpus. One phone screen before the buttons, the
guidance behind "Show the guidance", follow-ups read in context, photos, "I need help now"
from a DM answer, a `/boundary` answer and the App Home, urgent answers and the middle band,
and Spanish. Each test has its own askers, so their conversations never mix."""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from bot.asking.actions import HELP_NOW, HELPFUL, NOT_HELPFUL, SHOW_GUIDANCE
from bot.asking.help_now import NO_QUESTION
from bot.asking.messages import PHONE_SCREEN
from bot.escalation.actions import ESCALATE, HANDOVER
from tests.bot_harness import (
    PUBLIC_CHANNEL,
    SUPERVISOR_CHANNEL,
    BotProcess,
    Delivery,
    all_text,
    ask_dm,
    buttons,
    card_for,
    click,
    open_home,
    posts_to,
    wait_post,
)
from tests.corpus_questions import URGENT, WATCH
from tests.slack_emulator import ApiCall, SlackEmulator, payloads

GIFTS_ANSWER = (
    "*A card or chocolates are fine; turn down anything valuable, like jewelry, a watch or "
    "money, and tell the office.*"
)
GIFTS_SAY = "*Say:* \"That's so kind, but I can't accept something this valuable.\""
GIFTS_CITED = "Gifts and tips &gt; Accepting gifts"
ROWS = [[SHOW_GUIDANCE, ESCALATE, HELP_NOW], [HELPFUL, NOT_HELPFUL, HANDOVER]]
_people = itertools.count(1)


def person(bot: BotProcess, locale: str = "en-US") -> str:
    """A new member of the workspace with this Slack locale."""
    user = f"U0WKR{next(_people):03d}"
    bot.emu.add_user(user, user.lower(), locale=locale)
    return user


@pytest.fixture
def asker(bot: BotProcess) -> str:
    return person(bot)


# --- helpers ------------------------------------------------------------------------------
def before_buttons(message: dict[str, Any]) -> list[str]:
    """The texts a reader sees before the first row of buttons."""
    seen: list[str] = []
    for block in message["blocks"]:
        if block["type"] == "actions":
            return seen
        if block["type"] == "section":
            seen.append(block["text"]["text"])
        seen += [e["text"] for e in block.get("elements", [])]
    raise AssertionError(f"no buttons in {message}")


def rows(message: dict[str, Any]) -> list[list[str]]:
    return [
        [e["action_id"] for e in b["elements"]] for b in message["blocks"] if b["type"] == "actions"
    ]


def command(slack: Delivery, user: str, text: str) -> dict[str, Any]:
    """`/boundary TEXT` in a public channel; returns the ephemeral reply, as posted."""
    form = slack.emu.slash_command_payload("/boundary", text, user, PUBLIC_CHANNEL)
    slack.command(form)
    reply = slack.emu.wait_response(form["response_url"], timeout=15)
    assert reply["response_type"] == "ephemeral"
    return reply


def click_ephemeral(slack: Delivery, user: str, action_id: str) -> str:
    """Click a button on `user`'s latest ephemeral `/boundary` reply; returns the click's
    response_url (Slack marks the container ephemeral)."""
    emu = slack.emu
    shown = emu.ephemeral_messages(PUBLIC_CHANNEL, user)[-1]
    url = emu.new_response_url("actions", channel=PUBLIC_CHANNEL, user=user)
    slack.interaction(
        payloads.block_actions(
            user,
            action_id,
            None,
            message={**shown["message"], "ts": shown["message_ts"]},
            channel_id=PUBLIC_CHANNEL,
            response_url=url,
            trigger_id=emu.new_trigger_id(),
            is_ephemeral=True,
        )
    )
    return url


def urgent_cards(emu: SlackEmulator, user: str) -> list[ApiCall]:
    return [
        c
        for c in posts_to(emu, SUPERVISOR_CHANNEL)
        if f"<@{user}>" in c.params["text"] and "Urgent" in c.params["text"]
    ]


def opened_modal(emu: SlackEmulator, words: str) -> dict[str, Any]:
    """The modal the bot opened whose text holds `words`."""
    call = emu.wait_for("views.open", lambda c: c.ok and words in all_text(c.response["view"]), 15)
    return call.response["view"]


# --- the answer ---------------------------------------------------------------------------
def test_an_answer_is_one_phone_screen_and_show_the_guidance_opens_the_rest(
    slack: Delivery, asker: str
) -> None:
    event, answer = ask_dm(slack, asker, WATCH)
    seen = before_buttons(answer)
    assert seen == [GIFTS_ANSWER, GIFTS_SAY, GIFTS_CITED]
    assert sum(map(len, seen)) <= PHONE_SCREEN
    assert rows(answer) == ROWS
    assert "A small token" not in all_text(answer)  # the guidance is behind the button

    click(slack, asker, event["channel"], answer["ts"], SHOW_GUIDANCE)
    modal = opened_modal(slack.emu, "A small token such as a card")
    assert modal["title"]["text"] == "The guidance"
    assert f"*{GIFTS_CITED}*" in all_text(modal) and "Next steps" in all_text(modal)


def test_boundary_answers_with_the_same_layout(slack: Delivery, asker: str) -> None:
    reply = command(slack, asker, WATCH)
    assert before_buttons(reply) == [GIFTS_ANSWER, GIFTS_SAY, GIFTS_CITED]
    assert rows(reply) == ROWS
    assert not posts_to(slack.emu, PUBLIC_CHANNEL)


def test_follow_ups_are_read_with_the_question_before_and_never_across_people(
    slack: Delivery, bot: BotProcess, asker: str
) -> None:
    ask_dm(slack, asker, WATCH)
    _, insists = ask_dm(slack, asker, "what if she insists?")
    assert before_buttons(insists) == [GIFTS_ANSWER, GIFTS_SAY, GIFTS_CITED]
    _, words = ask_dm(slack, asker, "ok but what do i say exactly")
    assert before_buttons(words) == [GIFTS_SAY, GIFTS_CITED]
    assert rows(words) == [[HELP_NOW]]
    _, thanks = ask_dm(slack, asker, "thanks")
    assert before_buttons(thanks) == ["*You're welcome. Stay safe out there!*"]
    _, hello = ask_dm(slack, asker, "hello")
    assert before_buttons(hello) == ["*Hi! Tell me what's going on with a client and I'll help.*"]
    for friendly in (thanks, hello):
        assert rows(friendly) == [[HELP_NOW]] and "supervisor" not in all_text(friendly)

    stranger = person(bot)
    _, alone = ask_dm(slack, stranger, "what if she insists?")
    assert "Accepting gifts" not in all_text(alone) and "chocolates" not in all_text(alone)
    _, words = ask_dm(slack, stranger, "ok but what do i say exactly")
    assert "valuable" not in all_text(words)
    assert before_buttons(words) == ["*Tell me the situation and I'll give you the words to use.*"]


def test_a_follow_up_in_a_thread_is_its_own_conversation(slack: Delivery, asker: str) -> None:
    event, _ = ask_dm(slack, asker, WATCH)
    thread = event["ts"]
    _, in_thread = ask_dm(slack, asker, "what if she insists?", thread_ts=thread)
    assert in_thread.get("thread_ts") == thread  # answered in the thread it was asked in
    assert "Accepting gifts" not in all_text(in_thread)


def test_a_photo_is_answered_from_its_text(slack: Delivery, asker: str) -> None:
    photo = [payloads.image_file(asker)]
    _, answer = ask_dm(
        slack, asker, "is this ok to take? she offered me her late husbands watch", files=photo
    )
    assert before_buttons(answer)[-1] == GIFTS_CITED
    _, bare = ask_dm(slack, asker, "", files=[payloads.image_file(asker)])
    assert before_buttons(bare) == [
        "I got your photo, but I can't look at pictures. Tell me in words what is happening "
        "and I'll help."
    ]
    assert rows(bare) == [[HELP_NOW]]


# --- I need help now ------------------------------------------------------------------------
def test_i_need_help_now_from_a_dm_answer(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    event, answer = ask_dm(slack, asker, "Can I accept a box of chocolates?")
    notice = emu.wait_response(click(slack, asker, event["channel"], answer["ts"], HELP_NOW), 15)
    assert notice["response_type"] == "ephemeral"
    assert "supervisors have been alerted" in notice["text"] and "call 911 now" in notice["text"]
    card = card_for(emu, asker)
    assert "Urgent" in card.params["text"] and "box of chocolates" in all_text(card.params)

    again = emu.wait_response(click(slack, asker, event["channel"], answer["ts"], HELP_NOW), 15)
    assert "already know" in again["text"]
    time.sleep(1)
    assert len(urgent_cards(emu, asker)) == 1


def test_i_need_help_now_from_a_boundary_answer(slack: Delivery, asker: str) -> None:
    emu = slack.emu
    command(slack, asker, "Can a client lend me their car for the weekend?")
    notice = emu.wait_response(click_ephemeral(slack, asker, HELP_NOW), 15)
    assert "supervisors have been alerted" in notice["text"]
    card = card_for(emu, asker)
    assert "Urgent" in card.params["text"] and "lend me their car" in all_text(card.params)


def test_i_need_help_now_from_the_app_home(slack: Delivery, bot: BotProcess, asker: str) -> None:
    emu = slack.emu
    ask_dm(slack, asker, "A client keeps asking me to stay for dinner")
    home = open_home(slack, asker)
    assert buttons(home)[0]["action_id"] == HELP_NOW  # first, before the check-in panel
    slack.interaction(emu.home_button_payload(asker, HELP_NOW))
    notice = wait_post(emu, emu.open_im(asker), count=2)  # in the DM, after the answer
    assert "supervisors have been alerted" in notice.params["text"]
    card = card_for(emu, asker)
    assert "Urgent" in card.params["text"] and "stay for dinner" in all_text(card.params)

    newcomer = person(bot)  # never asked anything: the card says so
    open_home(slack, newcomer)
    slack.interaction(emu.home_button_payload(newcomer, HELP_NOW))
    assert "supervisors have been alerted" in wait_post(emu, emu.open_im(newcomer)).params["text"]
    assert NO_QUESTION in all_text(card_for(emu, newcomer).params)


# --- urgent answers and the middle band -------------------------------------------------------
@pytest.mark.parametrize(("question", "title", "first_step"), URGENT)
def test_an_urgent_answer_leads_with_its_kind_and_steps(
    slack: Delivery, asker: str, question: str, title: str, first_step: str
) -> None:
    _, answer = ask_dm(slack, asker, question)
    first, steps = (b["text"]["text"] for b in answer["blocks"][:2])
    assert first == f":rotating_light: *{title}*"
    assert steps.split("\n")[1] == f"1. {first_step}"
    assert rows(answer)[0][1:] == [SHOW_GUIDANCE, HELP_NOW]
    assert "Urgent" in card_for(slack.emu, asker).params["text"]  # raised by itself


def test_the_middle_band_opens_with_the_in_danger_line(slack: Delivery, asker: str) -> None:
    _, answer = ask_dm(slack, asker, "what should i do if i smell gas someday")
    assert before_buttons(answer)[0] == (
        ":warning: If you or your client are in danger right now, call 911, then tap "
        "I need help now."
    )
    assert not urgent_cards(slack.emu, asker)


# --- Spanish ----------------------------------------------------------------------------------
def test_a_spanish_dm_gets_a_spanish_answer_with_spanish_buttons(
    slack: Delivery, asker: str
) -> None:
    event, answer = ask_dm(slack, asker, "la señora me quiere regalar su anillo de su mama")
    assert before_buttons(answer) == [
        "*Una tarjeta o chocolates están bien; rechaza algo de valor, como joyas, un reloj o "
        "dinero, y avísale a la oficina.*",
        '*Dile:* "Qué amable, pero no puedo aceptar algo tan valioso."',
        "Regalos y propinas &gt; Aceptar regalos",
    ]
    assert [b["text"]["text"] for b in buttons(answer)][:3] == [
        "Ver la guía",
        "Hablar con un supervisor",
        "Necesito ayuda ya",
    ]
    click(slack, asker, event["channel"], answer["ts"], SHOW_GUIDANCE)
    modal = opened_modal(slack.emu, "La guía completa está en inglés.")
    assert modal["title"]["text"] == "La guía" and "A small token" in all_text(modal)
    url = click(slack, asker, event["channel"], answer["ts"], HELP_NOW)
    assert "Ya avisé a tus supervisores" in slack.emu.wait_response(url, 15)["text"]


def test_boundary_with_a_spanish_question_answers_in_spanish(slack: Delivery, asker: str) -> None:
    reply = command(slack, asker, "puedo darle mi numero de celular a la clienta?")
    assert before_buttons(reply)[0].startswith("*No les des tu número personal")
    assert "Necesito ayuda ya" in [b["text"]["text"] for b in buttons(reply)]


def test_the_questions_own_language_wins_over_the_slack_locale(
    slack: Delivery, bot: BotProcess
) -> None:
    rosa = person(bot, locale="es-LA")
    _, answer = ask_dm(slack, rosa, WATCH)
    assert before_buttons(answer) == [GIFTS_ANSWER, GIFTS_SAY, GIFTS_CITED]
    assert buttons(answer)[0]["text"]["text"] == "Show the guidance"
    assert any(c.params.get("user") == rosa for c in slack.emu.calls_to("users.info"))

    help_text = all_text(command(slack, rosa, "?"))  # no words of its own: her Slack language
    assert "Pregúntame" in help_text and "Necesito ayuda ya" in help_text
    home = all_text(open_home(slack, rosa))
    assert "Tus solicitudes recientes" in home and "Necesito ayuda ya" in home
