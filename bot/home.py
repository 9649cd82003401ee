"""The App Home tab: what the bot is for, how to ask, your requests; the queue for supervisors."""

from __future__ import annotations

from typing import Any

from bot import blocks
from bot.slack import blocks as kit
from bot.slack.blocks import Block
from bot.slack.text import MAX_HOME_BLOCKS, safe
from bot.storage import Row, Storage
from bot.supervisors import Supervisors

OWN_LIMIT = 5
QUEUE_LIMIT = 20  # 3 blocks each: stays well under the 100-block Home limit
ABOUT = (
    "I help Home Pros with professional boundaries with customers: gifts and tips, favours, "
    "personal contact, money, flirting, safety. I answer from the company's guidance, and I can "
    "put you in touch with a supervisor in one click."
)
HOW = (
    "*How to ask:* send me a direct message in the Messages tab, or type `/boundary` and your "
    "question in any channel (only you see the answer)."
)


def home_view(user_id: str, storage: Storage, supervisors: Supervisors) -> dict[str, Any]:
    items: list[Block] = [
        kit.header("Boundary Bot"),
        kit.section(ABOUT),
        kit.section(HOW),
        kit.section(
            "*For example:*\n" + "\n".join(f"\u2022 {safe(e, 300)}" for e in blocks.EXAMPLES)
        ),
        kit.divider(),
        kit.header("Your recent requests"),
    ]
    own = storage.escalations_of(user_id, OWN_LIMIT)
    items += [_own(row) for row in own] or [kit.context("You haven't asked for a supervisor yet.")]
    if supervisors.is_supervisor(user_id):
        queue = storage.queue(QUEUE_LIMIT)
        items += [kit.divider(), kit.header(f"Supervisor queue ({len(queue)})")]
        if not queue:
            items.append(kit.context("Nothing waiting. :tada:"))
        for row in queue:
            items += _queue_item(row)
    return {"type": "home", "blocks": items[:MAX_HOME_BLOCKS]}


def _own(row: Row) -> Block:
    state = blocks.STATE_LABELS.get(row["state"], row["state"])
    if row["state"] == "claimed":
        state += f" by <@{row['claimed_by']}>"
    return kit.section(
        f"*{state}* \u00b7 {kit.slack_date(row['created_at'])}\n"
        + kit.quote(safe(row["question"], 300))
    )


def _queue_item(row: Row) -> list[Block]:
    kind = blocks.KIND_LABELS.get(row["kind"], row["kind"])
    text = (
        f"*{kind}* from <@{row['asker']}> \u00b7 {kit.slack_date(row['created_at'])}\n"
        + kit.quote(safe(row["question"], 500))
    )
    buttons = [kit.button("Resolve", blocks.RESOLVE, row["id"])]
    if row["state"] == "open":
        buttons.insert(0, kit.button("Claim", blocks.CLAIM, row["id"], "primary"))
    return [kit.section(text), kit.context(blocks.state_line(row)), kit.actions(*buttons)]
