"""End to end, the real `boundary-bot serve` (Socket Mode) and engine against the Slack
emulator: a supervisor's answer becomes guidance that the next Home Pro gets.

escalate -> claim -> resolve with "suggest as guidance" -> approve in the App Home (the
question edited so that no name is left) -> a paraphrase gets the approved guidance as its
headline, cited as supervisors' guidance -> retracting it takes it out of the answers. And the
gaps view groups paraphrases (tests/fixtures/gaps.jsonl), with Write guidance for a group.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.asking.store import QuestionStore
from bot.escalation import actions as escalation_ids
from bot.guidance import actions as ids
from bot.guidance.draft import Field
from bot.guidance.markdown import FOLDER
from bot.storage import Database
from tests.bot_harness import (
    ASKER,
    SUPERVISOR,
    SUPERVISOR_CHANNEL,
    BotProcess,
    Delivery,
    opened_modal,
    resolve_values,
    running_bot,
    submission,
)
from tests.test_bot_e2e import all_text, ask_dm, buttons, card_for, click, open_home, wait_post
from tests.test_grouping import ROWS

# What the Home Pro typed: the client's and their own name, the client's street.
ASKED = (
    "Mrs Dolores Whitfield on Larkspur Lane wants me to pray with her before every visit, "
    "what should I do? Thanks, Alice"
)
ADVICE = "Tell Dolores kindly that you keep your visits to the work. If she keeps asking, tell me."
NAMES = ("Dolores", "Whitfield", "Larkspur", "Alice", ASKER, SUPERVISOR)
REVIEWED = {
    Field.QUESTION: "The client wants me to pray with her before every visit, what should I do?",
    Field.TITLE: "A client asks you to pray with them",
    Field.ANSWER: (
        "Decline kindly: say you keep your visits to the work, and tell your supervisor if "
        "the client keeps asking."
    ),
    Field.SAY: "Thank you for asking, but I keep my visits to the work.",
    Field.TEXT: "Praying together is personal. You can say no kindly and carry on with the job.",
    Field.EXAMPLES: "client asked me to join her prayers\nlady wants me to say grace with her",
}
PARAPHRASE = "my customer always asks me to say a prayer with her, is that ok?"
_new_askers = itertools.count(1)


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[BotProcess]:
    with running_bot("socket", tmp_path) as process:
        yield process


def review_values(fields: dict[Field, str]) -> dict[str, Any]:
    return {field.value: {ids.INPUT: value} for field, value in fields.items()}


def home_value(slack: Delivery, user: str, action_id: str) -> str:
    """Open the Home tab; the value of its first `action_id` button."""
    home = open_home(slack, user)
    return next(b["value"] for b in _elements(home) if b.get("action_id") == action_id)


def _elements(view: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = view.get("blocks") or []
    return [
        element
        for block in blocks
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]
    ]


def guidance_files(bot: BotProcess) -> list[Path]:
    folder = Path(bot.env["BOUNDARY_KNOWLEDGE_DIR"]) / FOLDER
    return sorted(folder.glob("*.md")) if folder.exists() else []


def until(check: Callable[[], Any], timeout: float = 40, every: float = 2.5) -> Any:
    """Ask `check` until it returns something true (the engine rechecks files every 2 s)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)


def lead(reply: dict[str, Any]) -> str:
    """The answer's headline: its first bold section (after the middle band's warning, if any)."""
    texts = [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"]
    return next((text for text in texts if text.startswith("*")), "")


def headline(slack: Delivery, question: str) -> dict[str, Any]:
    """The answer a new Home Pro gets to `question` (a new one each time: a fresh DM)."""
    user = f"U0NEW{next(_new_askers):03d}"
    slack.emu.add_user(user, user.lower())
    return ask_dm(slack, user, question)[1]


def test_resolved_advice_becomes_guidance_the_next_home_pro_gets(
    bot: BotProcess, slack: Delivery
) -> None:
    emu = bot.emu
    curated = REVIEWED[Field.ANSWER]

    # A Home Pro escalates; a supervisor claims and resolves it, suggesting the advice.
    event, answer = ask_dm(slack, ASKER, ASKED)
    click(slack, ASKER, event["channel"], answer["ts"], escalation_ids.ESCALATE)
    card = card_for(emu, ASKER)
    ts = card.response["ts"]
    click(slack, SUPERVISOR, SUPERVISOR_CHANNEL, ts, escalation_ids.CLAIM)
    emu.wait_for("chat.update", lambda c: c.ok and c.params["ts"] == ts, 15)
    click(slack, SUPERVISOR, SUPERVISOR_CHANNEL, ts, escalation_ids.RESOLVE)
    modal = opened_modal(emu, escalation_ids.RESOLVE_CALLBACK)
    assert "pray with her" in json.dumps(modal["blocks"])
    ack = slack.interaction(submission(SUPERVISOR, modal, resolve_values(ADVICE, suggest=True)))
    assert ack.get("response_action") != "errors", ack

    # Resolved as before, and the asker's "did it help?" quotes the advice.
    notice = wait_post(emu, event["channel"], count=3)  # the answer, "claimed", "resolved"
    assert "resolved" in notice.params["text"] and "keep your visits" in all_text(notice.params)
    assert [b["action_id"] for b in buttons(notice.params)] == [
        escalation_ids.RESOLUTION_HELPFUL,
        escalation_ids.RESOLUTION_NOT_HELPFUL,
    ]
    emu.wait_for(
        "chat.update",
        lambda c: c.ok and c.params["ts"] == ts and "Advice given" in all_text(c.params),
        15,
    )

    # Suggested, not published: nothing in the knowledge until a supervisor approves it.
    suggestion = home_value(slack, SUPERVISOR, ids.APPROVE)
    assert guidance_files(bot) == []
    slack.interaction(emu.home_button_payload(SUPERVISOR, ids.APPROVE, suggestion))
    review = opened_modal(emu, ids.REVIEW_CALLBACK)
    shown = json.dumps(review["blocks"], ensure_ascii=False)
    assert "take out names and details" in shown
    assert review["blocks"][1]["block_id"] == Field.QUESTION  # the question comes first
    assert review["blocks"][1]["element"]["initial_value"] == ASKED
    assert "keep your visits to the work" in shown  # the answer starts from the advice

    # A street left in is refused in the modal, and nothing is written.
    left_in = {**REVIEWED, Field.QUESTION: REVIEWED[Field.QUESTION] + " at 12 Larkspur Lane"}
    refused = slack.interaction(submission(SUPERVISOR, review, review_values(left_in)))
    assert refused["response_action"] == "errors" and Field.QUESTION in refused["errors"]
    assert guidance_files(bot) == []

    ack = slack.interaction(submission(SUPERVISOR, review, review_values(REVIEWED)))
    assert ack.get("response_action") != "errors", ack
    [written] = guidance_files(bot)
    markdown = written.read_text(encoding="utf-8")
    assert "source: Supervisors' answers to Home Pros' questions, approved 20" in markdown
    assert "origin: supervisors" in markdown
    assert f"## {REVIEWED[Field.TITLE]}" in markdown and f"**Answer:** {curated}" in markdown
    assert f"**Questions:**\n- {REVIEWED[Field.QUESTION]}\n" in markdown  # edited, and first
    assert not [name for name in NAMES if name in markdown], markdown

    # The next Home Pro asking in other words gets it, cited as supervisors' guidance.
    last: list[dict[str, Any]] = []

    def answered_with_it() -> dict[str, Any] | None:
        last[:] = [headline(slack, PARAPHRASE)]
        return last[0] if curated in lead(last[0]) else None

    reply = until(answered_with_it)
    assert reply, f"the approved guidance never became the headline: {all_text(last[0])!r}"
    assert "Supervisors' guidance &gt; A client asks you to pray with them" in all_text(reply)

    # Retracted: the file goes, and so does the guidance from the answers.
    retract = home_value(slack, SUPERVISOR, ids.RETRACT)
    slack.interaction(emu.home_button_payload(SUPERVISOR, ids.RETRACT, retract))
    assert until(lambda: not guidance_files(bot), timeout=10, every=0.2)
    gone = until(lambda: curated not in all_text(headline(slack, PARAPHRASE)))
    assert gone, "the retracted guidance still answers"


def test_gaps_group_paraphrases_and_write_guidance_for_a_group(
    bot: BotProcess, slack: Delivery
) -> None:
    emu = bot.emu
    questions = QuestionStore(Database(Path(bot.env["BOUNDARY_DATA_DIR"])))
    for number, row in enumerate(ROWS):  # questions no guidance matched, as the bot records them
        questions.record_question(f"U0GAP{number:03d}", "D0GAP", "dm", row["text"], confident=False)

    home = open_home(slack, SUPERVISOR)
    gaps = [b for b in home["blocks"] if (b.get("accessory") or {}).get("action_id") == ids.WRITE]
    texts = [b["text"]["text"] for b in gaps]
    assert texts[0].startswith("*Asked 5 times*") and "pray" in texts[0]
    counts = [int(t.split()[1]) for t in texts]
    assert counts == sorted(counts, reverse=True) and len(gaps) == 6
    pray = [row["text"] for row in ROWS if row["group"] == "pray"]
    assert any(text in texts[0] for text in pray)

    # Write guidance for the group: the modal starts from its wording; publishing closes it.
    slack.interaction(emu.home_button_payload(SUPERVISOR, ids.WRITE, gaps[0]["accessory"]["value"]))
    modal = opened_modal(emu, ids.REVIEW_CALLBACK)
    assert modal["blocks"][1]["element"]["initial_value"] in pray
    ack = slack.interaction(submission(SUPERVISOR, modal, review_values(REVIEWED)))
    assert ack.get("response_action") != "errors", ack
    assert len(guidance_files(bot)) == 1
    home = open_home(slack, SUPERVISOR)
    assert "Approved guidance (1)" in json.dumps(home)
    assert not any(text in json.dumps(home) for text in pray)  # the group is no gap now
