"""Every setting in one place: read from the environment (and `.env`), validated at startup.

A missing or malformed setting raises ConfigError with a one-line message naming it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

from index.embedding import PRECISIONS, Precision

NUMBER = r"\+?[0-9][0-9 -]{1,18}"  # a phone number people can dial: 911, 988, 112, +44 20 ...


class ConfigError(Exception):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path
    data_dir: Path
    embedding_model: str | None
    embedding_precision: Precision
    slack_bot_token: str
    slack_app_token: str
    slack_signing_secret: str
    slack_api_url: str
    supervisor_channel_id: str
    escalation_remind_minutes: float
    escalation_remind_urgent_minutes: float
    rate_limit_per_minute: int
    retention_days: int
    emergency_number: str
    crisis_line: str
    log_level: str
    # The urgent ladder and visit check-ins (defaults: no backup configured)
    escalation_backup_after: int = 2
    escalation_backup_channel_id: str = ""
    escalation_backup_user_ids: tuple[str, ...] = ()
    checkin_grace_minutes: float = 10

    @property
    def numbers(self) -> dict[str, str]:
        """What fills the knowledge's `{EMERGENCY_NUMBER}` and `{CRISIS_LINE}`."""
        return {"EMERGENCY_NUMBER": self.emergency_number, "CRISIS_LINE": self.crisis_line}


_PATTERNS = {
    "SLACK_BOT_TOKEN": (r"xoxb-[\w-]+", "a bot token starting with xoxb-"),
    "SLACK_APP_TOKEN": (r"xapp-[\w-]+", "an app-level token starting with xapp-"),
    "SUPERVISOR_CHANNEL_ID": (r"[CG][A-Z0-9]{2,}", "a channel ID such as C0123ABCD"),
    "SLACK_API_URL": (r"https?://\S+", "an http(s) URL such as https://slack.com/api/"),
    "ESCALATION_BACKUP_CHANNEL_ID": (r"[CG][A-Z0-9]{2,}", "a channel ID such as G0123ABCD"),
}
USER_ID = r"[UW][A-Z0-9]{2,}"
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def load_env(env_file: str | None = ".env") -> None:
    """Load `.env` from the working directory; real environment variables win."""
    if env_file and Path(env_file).is_file():
        load_dotenv(env_file, override=False)


def _text(env: Mapping[str, str], name: str, default: str = "") -> str:
    return env.get(name, "").strip() or default


def _number(env: Mapping[str, str], name: str, default: float, *, minimum: float) -> float:
    raw = _text(env, name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum:g}, got {raw!r}")
    return value


def _checked(env: Mapping[str, str], name: str, required: bool) -> str:
    value = _text(env, name)
    if not value:
        if required:
            raise ConfigError(f"{name} is not set; it must be {_PATTERNS[name][1]}")
        return ""
    pattern, meaning = _PATTERNS[name]
    if not re.fullmatch(pattern, value):
        raise ConfigError(f"{name} is malformed; it must be {meaning}")
    return value


def _dialable(env: Mapping[str, str], name: str, default: str) -> str:
    value = _text(env, name, default)
    if not re.fullmatch(NUMBER, value):
        raise ConfigError(f"{name} must be a phone number such as {default}, got {value!r}")
    return value


def _user_ids(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of Slack user IDs (U0123ABCD,U0456EFGH), or none."""
    ids = tuple(dict.fromkeys(u.strip() for u in _text(env, name).split(",") if u.strip()))
    for user_id in ids:
        if not re.fullmatch(USER_ID, user_id):
            raise ConfigError(
                f"{name} must be Slack user IDs separated by commas, such as U0123ABCD; "
                f"got {user_id!r}"
            )
    return ids


def _precision(env: Mapping[str, str]) -> Precision:
    value = _text(env, "EMBEDDING_PRECISION", "auto").lower()
    for precision in PRECISIONS:
        if value == precision:
            return precision
    raise ConfigError(f"EMBEDDING_PRECISION must be one of {', '.join(PRECISIONS)}, got {value!r}")


def load_settings(
    env: Mapping[str, str] | None = None, *, slack: bool = False, http: bool = False
) -> Settings:
    """Settings for the engine alone, or with `slack=True` for `serve` (`http` for HTTP mode)."""
    env = os.environ if env is None else env
    log_level = _text(env, "LOG_LEVEL", "INFO").upper()
    if log_level not in _LOG_LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {log_level!r}")
    signing_secret = _text(env, "SLACK_SIGNING_SECRET")
    if slack and http and not signing_secret:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set; HTTP mode needs it to verify requests from Slack"
        )

    def slack_setting(name: str, required: bool = False) -> str:
        """Checked only for `serve`: a half-filled .env must not stop `ask` from working."""
        return _checked(env, name, required) if slack else _text(env, name)

    app_token = slack_setting("SLACK_APP_TOKEN", required=not http)
    return Settings(
        knowledge_dir=Path(_text(env, "BOUNDARY_KNOWLEDGE_DIR", "knowledge")),
        data_dir=Path(_text(env, "BOUNDARY_DATA_DIR", "var")),
        embedding_model=_text(env, "EMBEDDING_MODEL") or None,
        embedding_precision=_precision(env),
        slack_bot_token=slack_setting("SLACK_BOT_TOKEN", required=True),
        slack_app_token=app_token,
        slack_signing_secret=signing_secret,
        slack_api_url=slack_setting("SLACK_API_URL") or "https://slack.com/api/",
        supervisor_channel_id=slack_setting("SUPERVISOR_CHANNEL_ID", required=True),
        escalation_remind_minutes=_number(env, "ESCALATION_REMIND_MINUTES", 15, minimum=0.01),
        escalation_remind_urgent_minutes=_number(
            env, "ESCALATION_REMIND_URGENT_MINUTES", 5, minimum=0.01
        ),
        rate_limit_per_minute=int(_number(env, "RATE_LIMIT_PER_MINUTE", 20, minimum=1)),
        retention_days=int(_number(env, "RETENTION_DAYS", 0, minimum=0)),
        emergency_number=_dialable(env, "EMERGENCY_NUMBER", "911"),
        crisis_line=_dialable(env, "CRISIS_LINE", "988"),
        log_level=log_level,
        escalation_backup_after=int(_number(env, "ESCALATION_BACKUP_AFTER", 2, minimum=0)),
        escalation_backup_channel_id=slack_setting("ESCALATION_BACKUP_CHANNEL_ID"),
        escalation_backup_user_ids=_user_ids(env, "ESCALATION_BACKUP_USER_IDS"),
        checkin_grace_minutes=_number(env, "CHECKIN_GRACE_MINUTES", 10, minimum=0.01),
    )
