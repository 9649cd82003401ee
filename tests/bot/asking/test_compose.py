"""Composition on the real engine over tests/corpus, as the terminal prints it: the answer,
the words to say, the citation; then the guidance; then next steps. Urgent answers lead with
their kind's steps; the middle band opens with the "in danger?" line."""

from __future__ import annotations

import pytest

import index
from bot.asking.compose import Shape, compose, render_text
from tests.corpus_questions import URGENT, WATCH


def positions(text: str, *parts: str) -> list[int]:
    found = [text.find(part) for part in parts]
    assert -1 not in found, (parts, text)
    return found


def test_the_terminal_prints_answer_script_citation_then_guidance_then_next_steps(
    engine: index.Engine,
) -> None:
    reply = compose(engine.ask(WATCH), "911")
    assert reply.shape is Shape.GUIDANCE
    text = render_text(reply)
    assert text.startswith("A card or chocolates are fine")
    order = positions(
        text,
        "A card or chocolates are fine",
        "Say: \"That's so kind, but I can't accept something this valuable.\"",
        "\nGifts and tips > Accepting gifts\n",
        "[1] Gifts and tips > Accepting gifts",
        "A small token such as a card",
        "Next steps:",
    )
    assert order == sorted(order)


def test_a_spanish_question_is_composed_in_spanish(engine: index.Engine) -> None:
    text = render_text(
        compose(engine.ask("la señora me quiere regalar su anillo de su mama"), "911")
    )
    order = positions(
        text,
        "Una tarjeta o chocolates",
        'Dile: "Qué amable, pero no puedo aceptar algo tan valioso."',
        "\nRegalos y propinas > Aceptar regalos\n",
        "Qué más hacer:",
    )
    assert order == sorted(order)


@pytest.mark.parametrize(("question", "title", "first_step"), URGENT)
def test_an_urgent_answer_leads_with_its_kind_and_steps(
    engine: index.Engine, question: str, title: str, first_step: str
) -> None:
    reply = compose(engine.ask(question), "911")
    assert reply.shape is Shape.URGENT and reply.headline == title
    assert render_text(reply).startswith(f"{title}\n\n")
    assert f"\n1. {first_step}\n" in render_text(reply)
    assert reply.sections[0].emergency  # "Show the guidance" starts with the kind's own


def test_the_middle_band_opens_with_the_settings_number(engine: index.Engine) -> None:
    reply = compose(engine.ask("what should i do if i smell gas someday"), "000")
    assert reply.shape is Shape.GUIDANCE
    assert render_text(reply).startswith(
        "If you or your client are in danger right now, call 000, then tap I need help now.\n"
    )


def test_elsewhere_and_greetings(engine: index.Engine) -> None:
    payday = compose(engine.ask("when is payday this month"), "911")
    assert payday.shape is Shape.ELSEWHERE and payday.headline.startswith("That's one for")
    hello = compose(engine.ask("hello"), "911")
    assert hello.shape is Shape.CONVERSATION and hello.headline.startswith("Hi!")
    assert not hello.opening  # a borderline "hello" is not warned about; the button is there
