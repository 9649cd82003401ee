"""The App Home tab: what the bot is for, how to ask, "I need help now", your requests; the
queue for supervisors.

A pure rendering of what the refresher read, so the view can be checked without a database.
The asker's parts follow the user's Slack language (`bot.asking.strings`); the supervisors'
queue stays in the supervisors' language, as their cards do.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.asking.actions import HELP_NOW
from bot.asking.strings import Strings, strings
from bot.escalation.messages import KIND_LABELS, state_line, supervisor_buttons
from bot.escalation.states import State
from bot.escalation.store import Escalation
from bot.slack.blocks import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    quote,
    section,
    slack_date,
)
from bot.slack.text import MAX_HOME_BLOCKS, safe

OWN_LIMIT = 5  # own requests shown
QUEUE_LIMIT = 15  # queue items shown, 3 blocks each: room for the review part in 100 blocks
DEFAULT_NUMBER = "911"  # the settings' default EMERGENCY_NUMBER


def home_view(
    own: Sequence[Escalation],
    queue: Sequence[Escalation] | None = None,
    review: Sequence[Block] = (),
    panels: Sequence[Block] = (),
    *,
    language: str = "",
    number: str = DEFAULT_NUMBER,
) -> dict[str, Any]:
    """The Home of someone whose requests are `own`; `queue` and `review` (guidance to review,
    gaps: `bot.guidance.messages.review_blocks`) only for a supervisor; `panels`, other
    features' blocks (check-ins), after the introduction.

    `language`: the user's ("" for English); `number`: the emergency number to call.
    """
    words = strings(language)
    examples = "\n".join(f"\u2022 {safe(e, 300)}" for e in words.examples)
    items: list[Block] = [
        header("Boundary Bot"),
        section(words.home_about),
        section(words.help_now_prompt.format(number=number)),
        actions(button(words.help_now, HELP_NOW, "", "danger")),  # about their latest question
        section(words.home_how),
        section(f"*{words.for_example}*\n{examples}"),
        divider(),
    ]
    if panels:
        items += [*panels, divider()]
    items.append(header(words.home_requests))
    items += [_own(e, words) for e in own] or [context(words.home_no_requests)]
    if queue is not None:
        items += [divider(), header(f"Supervisor queue ({len(queue)})")]
        if not queue:
            items.append(context("Nothing waiting. :tada:"))
        for escalation in queue:
            items += _queue_item(escalation)
    items += review
    return {"type": "home", "blocks": items[:MAX_HOME_BLOCKS]}


def _own(escalation: Escalation, words: Strings) -> Block:
    state = words.states[escalation.state.value]
    if escalation.state is State.CLAIMED:
        state = words.claimed_by.format(state=state, who=f"<@{escalation.claimed_by}>")
    return section(
        f"*{state}* \u00b7 {slack_date(escalation.created_at)}\n"
        + quote(safe(escalation.question, 300))
    )


def _queue_item(escalation: Escalation) -> list[Block]:
    text = (
        f"*{KIND_LABELS[escalation.kind]}* from <@{escalation.asker}> \u00b7 "
        f"{slack_date(escalation.created_at)}\n" + quote(safe(escalation.question, 500))
    )
    return [
        section(text),
        context(state_line(escalation)),
        actions(*supervisor_buttons(escalation)),
    ]
