"""The App Home tab: what the bot is for, how to ask, your requests; the queue for supervisors.

A pure rendering of what the refresher read, so the view can be checked without a database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.asking.messages import EXAMPLES
from bot.escalation.messages import KIND_LABELS, STATE_LABELS, state_line, supervisor_buttons
from bot.escalation.states import State
from bot.escalation.store import Escalation
from bot.slack.blocks import Block, actions, context, divider, header, quote, section, slack_date
from bot.slack.text import MAX_HOME_BLOCKS, safe

OWN_LIMIT = 5  # own requests shown
QUEUE_LIMIT = 20  # queue items shown, 3 blocks each: well under the 100-block Home limit
ABOUT = (
    "I help Home Pros with professional boundaries with customers: gifts and tips, favours, "
    "personal contact, money, flirting, safety. I answer from the company's guidance, and I can "
    "put you in touch with a supervisor in one click."
)
HOW = (
    "*How to ask:* send me a direct message in the Messages tab, or type `/boundary` and your "
    "question in any channel (only you see the answer)."
)


def home_view(
    own: Sequence[Escalation],
    queue: Sequence[Escalation] | None = None,
    panels: Sequence[Block] = (),
) -> dict[str, Any]:
    """The Home of someone whose requests are `own`; `queue` only for a supervisor; `panels`,
    other features' blocks (check-ins), after the introduction."""
    items: list[Block] = [
        header("Boundary Bot"),
        section(ABOUT),
        section(HOW),
        section("*For example:*\n" + "\n".join(f"\u2022 {safe(e, 300)}" for e in EXAMPLES)),
        divider(),
    ]
    if panels:
        items += [*panels, divider()]
    items.append(header("Your recent requests"))
    items += [_own(e) for e in own] or [context("You haven't asked for a supervisor yet.")]
    if queue is not None:
        items += [divider(), header(f"Supervisor queue ({len(queue)})")]
        if not queue:
            items.append(context("Nothing waiting. :tada:"))
        for escalation in queue:
            items += _queue_item(escalation)
    return {"type": "home", "blocks": items[:MAX_HOME_BLOCKS]}


def _own(escalation: Escalation) -> Block:
    state = STATE_LABELS[escalation.state]
    if escalation.state is State.CLAIMED:
        state += f" by <@{escalation.claimed_by}>"
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
