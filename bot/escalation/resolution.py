"""The Resolve modal: what the supervisor advised (the asker is shown it), and whether to
suggest it as guidance for similar questions (a suggestion waits for review in the App Home,
`bot.guidance`; it is never published straight away).

`private_metadata` carries the escalation id only; the question is shown through `safe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.escalation import actions as ids
from bot.escalation.store import Escalation
from bot.slack.blocks import quote, section
from bot.slack.text import safe

MAX_ADVICE = 2000  # characters in "What did you advise?"


@dataclass(frozen=True)
class Resolution:
    """A submitted Resolve modal."""

    advice: str
    suggest: bool  # "Suggest this as guidance for similar questions" was ticked


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def resolve_modal(escalation: Escalation) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ids.RESOLVE_CALLBACK,
        "private_metadata": escalation.id,
        "title": _plain("Resolve request"),
        "submit": _plain("Resolve"),
        "close": _plain("Cancel"),
        "blocks": [
            section("*The question:*\n" + quote(safe(escalation.question, 2000))),
            {
                "type": "input",
                "block_id": ids.ADVICE_BLOCK,
                "label": _plain("What did you advise?"),
                "hint": _plain("The asker gets this with the message that their request is done."),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.ADVICE_INPUT,
                    "multiline": True,
                    "max_length": MAX_ADVICE,
                },
            },
            {
                "type": "input",
                "block_id": ids.SUGGEST_BLOCK,
                "optional": True,
                "label": _plain("Guidance"),
                "element": {
                    "type": "checkboxes",
                    "action_id": ids.SUGGEST_INPUT,
                    "options": [
                        {
                            "text": _plain("Suggest this as guidance for similar questions"),
                            "description": _plain(
                                "Reviewed in the App Home, names removed, before the bot uses it"
                            ),
                            "value": ids.SUGGEST_OPTION,
                        }
                    ],
                },
            },
        ],
    }


def read_resolution(view: dict[str, Any]) -> Resolution:
    """What a submitted Resolve modal says (a missing field reads as empty)."""
    values = (view.get("state") or {}).get("values") or {}
    advice = (values.get(ids.ADVICE_BLOCK) or {}).get(ids.ADVICE_INPUT) or {}
    ticked = (values.get(ids.SUGGEST_BLOCK) or {}).get(ids.SUGGEST_INPUT) or {}
    chosen = {option.get("value") for option in ticked.get("selected_options") or []}
    return Resolution((advice.get("value") or "").strip(), ids.SUGGEST_OPTION in chosen)
