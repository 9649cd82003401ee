"""Which deliveries count as the same one: keys from Slack's documented payload shapes."""

from __future__ import annotations

from bot.slack.dedupe import dedupe_key
from tests.slack_emulator import payloads


def test_message_events_are_keyed_by_channel_and_ts() -> None:
    event = payloads.message_im("U1", "hi", "D1", "1700000000.000100")
    first = payloads.event_callback(event)
    retry = payloads.event_callback(event)  # a redelivery may even carry a new event_id
    assert dedupe_key(first) == dedupe_key(retry) == "message:D1:1700000000.000100"


def test_other_events_are_keyed_by_event_id() -> None:
    body = payloads.event_callback(payloads.app_home_opened("U1"))
    assert dedupe_key(body) == f"event:{body['event_id']}"


def test_clicks_are_keyed_by_user_and_action_ts() -> None:
    message = {"ts": "1.2", "blocks": [], "text": "x", "type": "message"}
    click = payloads.block_actions(
        "U1", "answer_helpful", "q1", message=message, channel_id="D1", response_url="http://x"
    )
    again = payloads.block_actions(
        "U1", "answer_helpful", "q1", message=message, channel_id="D1", response_url="http://x"
    )
    assert dedupe_key(click) == f"action:U1:{click['actions'][0]['action_ts']}"
    assert dedupe_key(again) != dedupe_key(click)  # a double click is a new delivery


def test_commands_and_submissions() -> None:
    form = payloads.slash_command("/boundary", "tip?", "U1", "C1", "http://x", "123.456.abc")
    assert dedupe_key(form) == "command:123.456.abc"

    def submit(typed: str):
        values = {"details": {"details_text": typed}}
        return payloads.view_submission("U1", "escalation_details", "e1", values, view_id="V1")

    view = submit("x")
    again = {**view, "trigger_id": "another"}  # a redelivery
    corrected = submit("x, with my name taken out")
    corrected["view"]["hash"] = view["view"]["hash"]  # unchanged: only the app changes it
    assert dedupe_key(view).startswith(f"view:V1:{view['view']['hash']}:")
    assert dedupe_key(again) == dedupe_key(view) != dedupe_key(corrected)
    assert dedupe_key({"type": "url_verification"}) is None
