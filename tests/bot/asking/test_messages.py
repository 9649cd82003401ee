"""Answer messages: what a worker sees before the buttons (one phone screen), which buttons,
in which language, what the buttons carry, escaping, and Slack's limits."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.models.views import View as SdkView

import index
from bot.asking import messages
from bot.asking.actions import HELP_NOW, HELPFUL, NOT_HELPFUL, SHOW_GUIDANCE
from bot.asking.advisor import Behind, NeedsWords, RateLimited, Refused, Usage
from bot.asking.compose import Reply, compose, render_text
from bot.asking.help_now import HelpCall
from bot.asking.strings import strings
from bot.escalation.actions import ADD_DETAILS, ESCALATE, HANDOVER
from bot.slack.blocks import Message
from bot.slack.text import safe
from index import Hit, Section
from tests import factories
from tests.bot.message_checks import button_list, check_limits, check_translated, texts
from tests.fakes import THREATS

QID = "0123456789abcdef0123456789abcdef"
EID = "e" * 32
INJECTION = "<!channel> <!here> <!everyone> <@U999> <!subteam^S1> <https://evil.example|click>"
GUIDANCE_TEXT = "A small token such as a card may be accepted. **Valuable** gifts must be declined."
GIFTS = Section(
    id=1,
    doc="Gifts and tips",
    section="Accepting gifts",
    source="src",
    path="gifts.md",
    scope="guidance",
    emergency=None,
    text=GUIDANCE_TEXT,
    titles={"es": "Aceptar regalos"},
    doc_titles={"es": "Regalos y propinas"},
    answers={"en": "A card is fine; turn down jewelry.", "es": "Una tarjeta está bien."},
    says={"en": "\"That's kind, but I can't accept it.\"", "es": '"Qué amable, pero no puedo."'},
)
WHAT_TO_SAY = factories.section(
    doc="Conversation", section="What to say", text="", answer="Ask me."
)


def guidance(
    language: str = "en", unsure: bool = False, number: str = "911", **fields: Any
) -> Reply:
    """A confident answer from GIFTS (and two more sections), as the engine gives it."""
    hits = [Hit(GIFTS, 1.0, 0.9)] + [
        Hit(factories.section(doc="Gifts", section=f"Part {i}", text=f"text {i}"), 0.8, 0.7)
        for i in range(2)
    ]
    base: dict[str, Any] = {
        "question": "q?",
        "confident": True,
        "urgent": False,
        "takeaway": GIFTS.answer(language),
        "script": GIFTS.say(language),
        "hits": hits,
        "language": language,
        "unsure": unsure,
    }
    return compose(factories.answer(**{**base, **fields}), number)


def before_buttons(message: Message) -> list[str]:
    """What a reader sees before the first row of buttons."""
    seen: list[str] = []
    for block in message.blocks:
        if block["type"] == "actions":
            return seen
        seen += [block["text"]["text"]] if block["type"] == "section" else []
        seen += [e["text"] for e in block.get("elements", [])]
    raise AssertionError("no buttons")


def rows(message: Message) -> list[list[str]]:
    return [
        [e["action_id"] for e in b["elements"]] for b in message.blocks if b["type"] == "actions"
    ]


def test_ordinary_answer_is_one_phone_screen_then_buttons() -> None:
    message = messages.answer(guidance(), QID)
    seen = before_buttons(message)
    assert seen == [
        "*A card is fine; turn down jewelry.*",
        "*Say:* \"That's kind, but I can't accept it.\"",
        "Gifts and tips &gt; Accepting gifts",
    ]
    assert sum(map(len, seen)) <= messages.PHONE_SCREEN
    assert "small token" not in texts(message)  # the guidance itself is one tap away
    assert rows(message) == [[SHOW_GUIDANCE, ESCALATE, HELP_NOW], [HELPFUL, NOT_HELPFUL, HANDOVER]]
    assert {b["value"] for b in button_list(message)} == {QID}
    assert [b.get("style") for b in button_list(message)][:3] == [None, "primary", "danger"]
    assert message.text.startswith("A card is fine")
    check_limits(message)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("unsure", [False, True])
def test_the_longest_answer_still_fits_a_phone_screen(language: str, unsure: bool) -> None:
    long = "word " * 400 + INJECTION
    cited = factories.section(doc=long, section=long, text=long)
    reply = guidance(language, unsure, takeaway=long, script=long, hits=[Hit(cited, 1.0, 0.9)])
    seen = before_buttons(messages.answer(reply, QID))
    assert len(seen) == 3 + unsure and sum(map(len, seen)) <= messages.PHONE_SCREEN
    assert seen[1 + unsure].startswith("*Say:* word" if language == "en" else "*Dile:* word")


def test_the_middle_band_opens_with_the_in_danger_line_and_the_settings_number() -> None:
    reply = guidance(unsure=True, number="112")
    first = messages.answer(reply, QID).blocks[0]["text"]["text"]
    assert first == (
        ":warning: If you or your client are in danger right now, call 112, then tap "
        "I need help now."
    )
    spanish = messages.answer(guidance("es", unsure=True), QID).blocks[0]["text"]["text"]
    assert "llama al 911 y luego toca Necesito ayuda ya" in spanish
    assert "danger" not in " ".join(before_buttons(messages.answer(guidance(), QID)))


def test_spanish_strings_match_the_english_ones() -> None:
    check_translated(strings, ("guidance_title", "close"))


def test_spanish_answer_in_spanish_with_spanish_buttons() -> None:
    message = messages.answer(guidance("es"), QID)
    assert before_buttons(message) == [
        "*Una tarjeta está bien.*",
        '*Dile:* "Qué amable, pero no puedo."',
        "Regalos y propinas &gt; Aceptar regalos",
    ]
    assert [b["text"]["text"] for b in button_list(message)] == [
        "Ver la guía",
        "Hablar con un supervisor",
        "Necesito ayuda ya",
        "Me sirvió",
        "No me sirvió",
        "Pedir que otra persona del equipo siga",
    ]


def test_urgent_answer_leads_with_the_kind_and_its_steps_then_says_supervisors_know() -> None:
    reply = compose(
        factories.answer(
            question="he has a knife",
            confident=True,
            urgent=True,
            takeaway=THREATS.answer("en"),
            hits=[Hit(GIFTS, 1.0, 0.5)],
            emergency=THREATS,
        ),
        "911",
    )
    message = messages.answer(reply, QID, escalation_id=EID)
    assert message.blocks[0]["text"]["text"] == ":rotating_light: *Someone is threatening you*"
    assert message.blocks[1]["text"]["text"] == (
        "*Do this now:*\n1. Leave now.\n2. Call 911 from somewhere safe."
    )
    assert "supervisors have been alerted" in message.blocks[2]["text"]["text"]
    assert rows(message) == [
        [ADD_DETAILS, SHOW_GUIDANCE, HELP_NOW],
        [HANDOVER, HELPFUL, NOT_HELPFUL],
    ]
    assert button_list(message)[0]["value"] == EID
    assert [s.citation for s in reply.sections] == [THREATS.citation, GIFTS.citation]


def shown(message: Message) -> list[str]:
    """The texts of the message's section and context blocks, top to bottom."""
    found = []
    for block in message.blocks:
        if block["type"] == "section":
            found.append(block["text"]["text"])
        elif block["type"] == "context":
            found += [element["text"] for element in block["elements"]]
    return found


def threatened(language: str = "en", aside: Section | None = None) -> index.Answer:
    """An urgent answer of the threats kind, GIFTS among its hits, with or without an aside."""
    return factories.answer(
        question="he keeps commenting on my body",
        confident=True,
        urgent=True,
        takeaway="",
        hits=[Hit(THREATS, 1.0, 0.6), Hit(GIFTS, 0.9, 0.5)],
        emergency=THREATS,
        language=language,
        aside=aside,
    )


def test_an_urgent_answer_that_is_not_sure_gives_the_boundary_advice_after_the_steps() -> None:
    """The steps lead; the engine's aside (its best boundary section) follows, with its
    curated answer and citation, in the asker's language. No aside, no such line."""
    for language, lead in (("en", "If no one is in danger right now:"), ("es", "Si nadie")):
        reply = compose(threatened(language, aside=GIFTS), "911")
        message = messages.answer(reply, QID, escalation_id=EID)
        found = shown(message)
        aside = next(t for t in found if lead in t)
        assert GIFTS.answer(language) in aside
        steps = next(t for t in found if "1. " in t)
        alerted = next(t for t in found if ":bell:" in t)
        assert found.index(steps) < found.index(aside) < found.index(alerted)
        assert safe(GIFTS.cited(language), 200) in found
        assert GIFTS.answer(language) in message.text
        assert GIFTS.answer(language) in render_text(reply)
        check_limits(message)
    sure = compose(threatened(), "911")
    assert not sure.aside
    assert GIFTS.answer("en") not in messages.answer(sure, QID).text


def test_urgent_answer_of_every_emergency_kind_leads_with_its_title_and_steps(
    engine: index.Engine,
) -> None:
    """Each kind of tests/corpus, in each language, with its own steps from the knowledge."""
    kinds = [s for s in engine.sections if s.emergency]
    assert {s.emergency for s in kinds} == {"gas-leak", "general", "threat-violence"}
    for kind in kinds:
        for language in ("en", "es"):
            answer = factories.answer(
                question="help",
                confident=False,
                urgent=True,
                takeaway=kind.answer(language),
                hits=[],
                emergency=kind,
                language=language,
            )
            blocks = messages.answer(compose(answer, "911"), QID, escalation_id=EID).blocks
            steps = kind.steps_in(language)
            assert blocks[0]["text"]["text"] == f":rotating_light: *{kind.title(language)}*"
            assert blocks[1]["text"]["text"].split("\n")[1:] == [
                f"{n}. {step}" for n, step in enumerate(steps, 1)
            ]
            assert "{" not in blocks[1]["text"]["text"] and "911" in blocks[1]["text"]["text"]


def test_nothing_matched_says_so_and_offers_a_supervisor_first() -> None:
    reply = compose(
        factories.answer(question="q", confident=False, urgent=False, takeaway="", hits=[]),
        "911",
    )
    message = messages.answer(reply, QID)
    assert "No guidance matched" in message.blocks[0]["text"]["text"]
    assert rows(message) == [[ESCALATE, HELP_NOW], [HANDOVER, HELPFUL, NOT_HELPFUL]]


def test_out_of_scope_says_where_to_go_and_still_offers_both_ways_to_a_person() -> None:
    route = factories.section(doc="Elsewhere", section="Pay", text="", answer="Ask the office.")
    reply = compose(
        factories.answer(
            question="when is payday",
            confident=False,
            urgent=False,
            takeaway="Ask the office.",
            hits=[],
            scope="out",
            route=route,
        ),
        "911",
    )
    message = messages.answer(reply, QID)
    assert before_buttons(message) == ["*Ask the office.*"]
    assert rows(message) == [[ESCALATE, HELP_NOW]]


def conversation(intent_section: Section, takeaway: str, previous: Section | None) -> Message:
    answer = factories.answer(
        question="q",
        confident=False,
        urgent=False,
        takeaway=takeaway,
        hits=[],
        scope="conversation",
        route=intent_section,
    )
    return messages.answer(compose(answer, "911", previous), QID)


def test_greetings_get_the_short_reply_and_only_i_need_help_now() -> None:
    hello = factories.section(doc="Conversation", section="Greeting", text="", answer="Hi!")
    message = conversation(hello, "Hi!", GIFTS)
    assert before_buttons(message) == ["*Hi!*"]
    assert rows(message) == [[HELP_NOW]]
    assert "supervisor" not in texts(message).lower()


def test_what_to_say_gives_the_earlier_sections_script_with_its_citation() -> None:
    message = conversation(WHAT_TO_SAY, "Ask me.", GIFTS)
    assert before_buttons(message) == [
        "*Say:* \"That's kind, but I can't accept it.\"",
        "Gifts and tips &gt; Accepting gifts",
    ]
    assert rows(message) == [[HELP_NOW]]
    assert before_buttons(conversation(WHAT_TO_SAY, "Ask me.", None)) == ["*Ask me.*"]


def test_usage_has_examples_and_the_way_to_help_in_each_language() -> None:
    for language in ("en", "es"):
        message = messages.usage(language, "112")
        words = strings(language)
        assert all(example in str(message.blocks) for example in words.examples)
        assert "112" in str(message.blocks)
        [button] = button_list(message)
        assert button["action_id"] == HELP_NOW and "value" not in button
        assert button["text"]["text"] == words.help_now
    assert "Pregúntame" in messages.usage("es", "911").text


@pytest.mark.parametrize(
    ("outcome", "english", "spanish"),
    [
        (RateLimited, "faster than I can keep up", "más rápido de lo que puedo"),
        (NeedsWords, "Tell me in words", "Cuéntame con palabras"),
    ],
)
def test_notices_come_in_the_askers_language_with_i_need_help_now(
    outcome: type, english: str, spanish: str
) -> None:
    for language, words in (("en", english), ("es", spanish)):
        message = messages.render(outcome(language), "911")
        assert words in message.text
        assert rows(message) == [[HELP_NOW]]


def test_refusals_say_why_in_the_askers_language() -> None:
    assert "limit is 2,000" in messages.render(Refused(2001), "911").text
    assert "el límite es 2000" in messages.render(Refused(2001, "es"), "911").text
    assert "empty" in messages.render(Refused(0), "911").text
    assert messages.render(Usage("es"), "911").text.startswith("Pregúntame")


def test_help_now_notice_says_supervisors_know_and_to_call_the_number() -> None:
    raised = messages.help_sent(HelpCall(True, EID, "en"), "112")
    assert "supervisors have been alerted" in raised.text and "call 112 now" in raised.text
    assert [(b["action_id"], b["value"]) for b in button_list(raised)] == [(ADD_DETAILS, EID)]
    again = messages.help_sent(HelpCall(False, EID, "es"), "911")
    assert "ya lo saben" in again.text and "llama al 911" in again.text
    failed = messages.help_sent(HelpCall(False, None, "en"), "911")
    assert "Sorry" in failed.text and button_list(failed)[0]["action_id"] == ESCALATE


def test_the_guidance_modal_holds_the_full_text_and_citations() -> None:
    behind = Behind("en", False, (GIFTS, THREATS))
    modal = messages.guidance_modal(behind, "es")
    text = str(modal)
    assert modal["title"]["text"] == "The guidance"
    assert "*Gifts and tips &gt; Accepting gifts*" in text and "*Valuable* gifts" in text
    assert "*Emergencies &gt; Someone is threatening you*" in text
    assert "in English" not in text and "Next steps" in text
    SdkView(**modal).validate_json()

    spanish = messages.guidance_modal(Behind("es", False, (GIFTS,)), "en")
    assert spanish["title"]["text"] == "La guía"
    assert spanish["blocks"][0]["elements"][0]["text"] == "La guía completa está en inglés."
    assert "*Regalos y propinas &gt; Aceptar regalos*" in str(spanish)
    assert "A small token" in str(spanish)  # the English text itself

    gone = messages.guidance_modal(None, "es")
    assert "ya no está" in str(gone)


def test_a_long_section_is_split_between_paragraphs_not_cut() -> None:
    paragraphs = [f"Paragraph {i}. " + "x" * 900 for i in range(8)]
    long = factories.section(doc="D", section="S", text="\n\n".join(paragraphs))
    modal = messages.guidance_modal(Behind("en", False, (long,)), "en")
    text = str(modal)
    assert all(f"Paragraph {i}." in text for i in range(8)) and "\u2026" not in text
    SdkView(**modal).validate_json()


def test_knowledge_text_is_escaped_in_answers() -> None:
    reply = guidance(takeaway=INJECTION, script=INJECTION)
    payload = texts(messages.answer(reply, QID))
    assert "<!channel>" not in payload and "<@U999>" not in payload and "<https" not in payload
    assert "&lt;!channel&gt;" in payload


def test_huge_inputs_stay_within_block_kit_limits() -> None:
    huge = "x" * 20_000 + " <!channel> " + "\u00e9" * 5000
    check_limits(messages.answer(guidance(takeaway=huge, script=huge), QID))


def test_apology_offers_a_supervisor_and_help_with_or_without_a_question() -> None:
    with_question = button_list(messages.apology(QID))
    assert [(b["action_id"], b["value"]) for b in with_question] == [
        (ESCALATE, QID),
        (HELP_NOW, QID),
    ]
    without = button_list(messages.apology(language="es"))
    assert without[0]["action_id"] == ESCALATE and "value" not in without[0]
    assert without[0]["text"]["text"] == "Hablar con un supervisor"
