"""Settings: validated for `serve`, lenient for the engine commands."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

SLACK = {
    "SLACK_BOT_TOKEN": "xoxb-1",
    "SLACK_APP_TOKEN": "xapp-1",
    "SUPERVISOR_CHANNEL_ID": "G0SUPER",
}


def test_half_filled_slack_settings_do_not_stop_ask() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "paste-here", "SUPERVISOR_CHANNEL_ID": "?"})
    assert settings.slack_bot_token == "paste-here"
    with pytest.raises(ConfigError, match=r"^SLACK_BOT_TOKEN is malformed"):
        load_settings({**SLACK, "SLACK_BOT_TOKEN": "paste-here"}, slack=True)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"ESCALATION_REMIND_MINUTES": "soon"}, "ESCALATION_REMIND_MINUTES must be a number"),
        ({"RATE_LIMIT_PER_MINUTE": "0"}, "RATE_LIMIT_PER_MINUTE must be at least 1"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"EMBEDDING_PRECISION": "half"}, "EMBEDDING_PRECISION must be one of auto, float32"),
        ({"SUPERVISOR_CHANNEL_ID": "#supervisors"}, "SUPERVISOR_CHANNEL_ID is malformed"),
        ({"ESCALATION_BACKUP_CHANNEL_ID": "#backup"}, "ESCALATION_BACKUP_CHANNEL_ID is malformed"),
        (
            {"ESCALATION_BACKUP_USER_IDS": "U0ONE, @sam"},
            "ESCALATION_BACKUP_USER_IDS must be Slack user IDs separated by commas.*'@sam'",
        ),
        ({"ESCALATION_BACKUP_AFTER": "-1"}, "ESCALATION_BACKUP_AFTER must be at least 0"),
        ({"CHECKIN_GRACE_MINUTES": "0"}, "CHECKIN_GRACE_MINUTES must be at least 0.01"),
        ({"CHECKIN_GRACE_MINUTES": "ten"}, "CHECKIN_GRACE_MINUTES must be a number"),
    ],
)
def test_bad_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings({**SLACK, **env}, slack=True)


def test_defaults() -> None:
    settings = load_settings(SLACK, slack=True)
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.escalation_remind_minutes, settings.escalation_remind_urgent_minutes) == (
        15,
        5,
    )
    assert settings.rate_limit_per_minute == 20 and settings.retention_days == 0
    assert settings.escalation_backup_after == 2 and settings.checkin_grace_minutes == 10
    assert settings.escalation_backup_channel_id == "" and settings.escalation_backup_user_ids == ()
    backup = load_settings(
        {
            **SLACK,
            "ESCALATION_BACKUP_USER_IDS": " U0ONE,W0TWO , U0ONE,",
            "ESCALATION_BACKUP_AFTER": "0",
        },
        slack=True,
    )
    assert backup.escalation_backup_user_ids == ("U0ONE", "W0TWO")  # in order, once each
    assert backup.escalation_backup_after == 0
    assert str(settings.knowledge_dir) == "knowledge" and str(settings.data_dir) == "var"
    assert settings.embedding_precision == "auto"
    assert load_settings({"EMBEDDING_PRECISION": " Float32 "}).embedding_precision == "float32"
