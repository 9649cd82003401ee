"""Who supervises: the supervisor channel's members, paginated and cached."""

from __future__ import annotations

from bot.config import load_settings
from bot.escalation.supervisors import ChannelSupervisors
from bot.slack.client import slack_client
from tests.bot_harness import BOT_TOKEN, OUTSIDER, SUPERVISOR, SUPERVISOR_CHANNEL
from tests.slack_emulator import SlackEmulator


def test_supervisor_list_is_paginated_and_cached(emu: SlackEmulator) -> None:
    for i in range(450):
        emu.set_member(SUPERVISOR_CHANNEL, f"U{i:08d}")
    settings = load_settings({"SLACK_API_URL": emu.api_url, "SLACK_BOT_TOKEN": BOT_TOKEN})
    supervisors = ChannelSupervisors(slack_client(settings), SUPERVISOR_CHANNEL)
    assert supervisors.is_supervisor("U00000449") and supervisors.is_supervisor(SUPERVISOR)
    assert not supervisors.is_supervisor(OUTSIDER)
    assert len(emu.calls_to("conversations.members")) == 3  # 452 members, 200 a page, cached
