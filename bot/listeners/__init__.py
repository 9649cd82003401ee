"""Bolt listeners, laid out as slack-samples/bolt-python-starter-template does: one package per
kind of Slack request (`commands`, `events`, `actions`, `views`), one module per feature in
each, and every package with `register(app, services)`.

Listeners translate a request into a service call and render what came of it; the features'
ids (action_ids, callback_ids) live with the features.
"""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import actions, commands, errors, events, views
from bot.services import Services


def register(app: App, services: Services) -> None:
    for listeners in (commands, events, actions, views, errors):
        listeners.register(app, services)
