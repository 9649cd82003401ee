"""Check-in buttons: I'm OK, Add 30 minutes, I need help now, End (on "Are you OK?", on the
confirmation and on the App Home), and Start a check-in (App Home: opens the modal).

Who may answer lives in `bot.checkins.service`; these translate a click into a service call.
On a message, the reply replaces it (so its buttons cannot be clicked twice) and keeps its
marker, so a delivery of "Are you OK?" retried after a lost answer still finds it; on the App
Home, the Home is refreshed instead.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.checkins import actions as ids
from bot.checkins.messages import reply, start_modal
from bot.checkins.service import Result
from bot.checkins.states import Move
from bot.services import Services
from bot.slack.replies import direct_message, user_of

MOVES = {ids.OK: Move.OK, ids.EXTEND: Move.EXTEND, ids.HELP: Move.HELP, ids.END: Move.END}
# Replies that leave the message clicked as it is: its buttons still mean something
KEEP = (Result.NOT_YOURS, Result.NOT_YET)


def register(app: App, services: Services) -> None:
    settings = services.settings

    @app.action(re.compile("^(" + "|".join(MOVES) + ")$"))
    def answer(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        user = user_of(body)
        outcome = services.checkins.answer(
            action.get("value", ""), user, MOVES[action["action_id"]]
        )
        language = services.checkins.language(user)  # after the ack: Slack may be asked
        message = reply(
            outcome, settings.emergency_number, settings.checkin_grace_minutes, language
        )
        if (body.get("view") or {}).get("type") == "home":
            services.homes.refresh(user)
            if outcome.result is not Result.DONE or outcome.move is Move.HELP:
                direct_message(client, [user], message)  # the Home cannot say it
            return
        replace = outcome.result not in KEEP and not body.get("container", {}).get("is_ephemeral")
        marker = ((body.get("message") or {}).get("blocks") or [{}])[0].get("block_id")
        if replace and marker:  # the outbox may still look for "Are you OK?" by its marker
            message = message.marked(marker)
        respond(response_type="ephemeral", replace_original=replace, **message.kwargs())

    @app.action(ids.START)
    def start(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        language = services.checkins.language(user_of(body), cached=True)  # 3 s to open it
        client.views_open(trigger_id=body["trigger_id"], view=start_modal(language))
