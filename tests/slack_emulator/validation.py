"""Block Kit limit checks, so tests fail the way Slack would reject a message.

Limits come from docs.slack.dev/reference/block-kit and slack_sdk's model
validators (see the platform notes): 50 blocks per message, 100 per view,
section text 3000, header 150, button text 75 / value 2000, ids 255, ...
Only the limits Boundary Bot can plausibly hit are checked; anything
unknown is accepted.
"""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000

_TEXT_TYPES = {"plain_text", "mrkdwn"}


def _text_len(obj: Any) -> int:
    if isinstance(obj, dict):
        text = obj.get("text", "")
        return len(text) if isinstance(text, str) else 0
    return 0


def _check_text_object(
    obj: Any, where: str, errors: list[str], *, plain_only: bool = False
) -> None:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        errors.append(f"must provide an object with a text string [json-pointer:{where}]")
        return
    allowed = {"plain_text"} if plain_only else _TEXT_TYPES
    if obj.get("type") not in allowed:
        errors.append(f"must be a valid enum value [json-pointer:{where}/type]")


def _check_element(el: Any, where: str, errors: list[str]) -> None:
    if not isinstance(el, dict) or not isinstance(el.get("type"), str):
        errors.append(f"missing required field: type [json-pointer:{where}]")
        return
    action_id = el.get("action_id")
    if isinstance(action_id, str) and len(action_id) > 255:
        errors.append(f"must be less than 256 characters [json-pointer:{where}/action_id]")
    if el["type"] == "button":
        _check_text_object(el.get("text"), f"{where}/text", errors, plain_only=True)
        if _text_len(el.get("text")) > 75:
            errors.append(f"must be less than 76 characters [json-pointer:{where}/text/text]")
        value = el.get("value")
        if isinstance(value, str) and len(value) > 2000:
            errors.append(f"must be less than 2001 characters [json-pointer:{where}/value]")
        url = el.get("url")
        if isinstance(url, str) and len(url) > 3000:
            errors.append(f"must be less than 3001 characters [json-pointer:{where}/url]")


def validate_blocks(blocks: Any, *, max_blocks: int, pointer: str = "/blocks") -> list[str]:
    """Return Slack-style error strings (empty when the blocks are acceptable)."""
    if not isinstance(blocks, list):
        return [f"must be an array [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(f"must contain no more than {max_blocks} items [json-pointer:{pointer}]")
    seen_block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"{pointer}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"missing required field: type [json-pointer:{where}]")
            continue
        block_id = block.get("block_id")
        if isinstance(block_id, str):
            if len(block_id) > 255:
                errors.append(f"must be less than 256 characters [json-pointer:{where}/block_id]")
            if block_id in seen_block_ids:
                errors.append(f"duplicate block_id [json-pointer:{where}/block_id]")
            seen_block_ids.add(block_id)
        kind = block["type"]
        if kind == "section":
            if "text" not in block and "fields" not in block:
                errors.append(f"must provide either text or fields [json-pointer:{where}]")
            if "text" in block:
                _check_text_object(block["text"], f"{where}/text", errors)
                if _text_len(block["text"]) > 3000:
                    errors.append(
                        f"must be less than 3001 characters [json-pointer:{where}/text/text]"
                    )
            fields = block.get("fields")
            if fields is not None:
                if not isinstance(fields, list) or len(fields) > 10:
                    errors.append(
                        f"must contain no more than 10 items [json-pointer:{where}/fields]"
                    )
                else:
                    for j, f in enumerate(fields):
                        if _text_len(f) > 2000:
                            errors.append(
                                f"must be less than 2001 characters"
                                f" [json-pointer:{where}/fields/{j}/text]"
                            )
            if "accessory" in block:
                _check_element(block["accessory"], f"{where}/accessory", errors)
        elif kind == "header":
            _check_text_object(block.get("text"), f"{where}/text", errors, plain_only=True)
            if _text_len(block.get("text")) > 150:
                errors.append(f"must be less than 151 characters [json-pointer:{where}/text/text]")
        elif kind in ("actions", "context"):
            elements = block.get("elements")
            limit = 25 if kind == "actions" else 10
            if not isinstance(elements, list) or not elements:
                errors.append(f"must provide a non-empty array [json-pointer:{where}/elements]")
                continue
            if len(elements) > limit:
                errors.append(
                    f"must contain no more than {limit} items [json-pointer:{where}/elements]"
                )
            seen_action_ids: set[str] = set()
            for j, el in enumerate(elements):
                if kind == "actions":
                    _check_element(el, f"{where}/elements/{j}", errors)
                    action_id = el.get("action_id") if isinstance(el, dict) else None
                    if isinstance(action_id, str):
                        if action_id in seen_action_ids:
                            errors.append(
                                f"duplicate action_id [json-pointer:{where}/elements/{j}/action_id]"
                            )
                        seen_action_ids.add(action_id)
        elif kind == "markdown":
            text = block.get("text")
            if not isinstance(text, str) or len(text) > 12000:
                errors.append(
                    f"must be a string of at most 12000 characters [json-pointer:{where}/text]"
                )
    return errors
