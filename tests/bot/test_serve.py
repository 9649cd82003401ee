"""`boundary-bot serve`'s startup refusals (one line naming the problem, exit 2), and the files
admins deploy from: manifest.json and .env.example."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot_harness import ROOT, bot_env, run_cli, setup_workspace
from tests.slack_emulator import SlackEmulator


@pytest.fixture(scope="module")
def emu() -> Iterator[SlackEmulator]:
    with SlackEmulator() as emulator:
        setup_workspace(emulator)
        emulator.add_channel("G0NOBOT", "secret", is_private=True, members=["U0SUP"])
        yield emulator


def refused(emu: SlackEmulator, tmp_path: Path, *args: str, **env: str) -> str:
    environment = bot_env(emu, tmp_path, **env)
    for name, value in env.items():
        if value == "":
            environment.pop(name)
    result = run_cli("serve", *args, env=environment)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback
    return lines[0]


def test_public_supervisor_channel_is_refused(emu: SlackEmulator, tmp_path: Path) -> None:
    line = refused(emu, tmp_path, SUPERVISOR_CHANNEL_ID="C0GENERAL")
    assert "SUPERVISOR_CHANNEL_ID" in line and "public" in line


def test_the_backup_channel_must_be_private_and_have_the_bot(
    emu: SlackEmulator, tmp_path: Path
) -> None:
    """The ladder's backup channel receives urgent escalations: checked like the supervisors'."""
    line = refused(emu, tmp_path, ESCALATION_BACKUP_CHANNEL_ID="C0GENERAL")
    assert "ESCALATION_BACKUP_CHANNEL_ID C0GENERAL is a public channel" in line
    line = refused(emu, tmp_path, ESCALATION_BACKUP_CHANNEL_ID="G0NOBOT")
    assert "ESCALATION_BACKUP_CHANNEL_ID" in line and "not found" in line


def test_channel_without_the_bot_is_refused(emu: SlackEmulator, tmp_path: Path) -> None:
    line = refused(emu, tmp_path, SUPERVISOR_CHANNEL_ID="G0NOBOT")
    assert "SUPERVISOR_CHANNEL_ID" in line and "not found" in line


def test_channel_the_bot_has_left_is_refused(tmp_path: Path) -> None:
    """Slack can still describe a private channel the bot left (is_member false)."""
    with SlackEmulator() as emu:
        emu.register_method(
            "conversations.info",
            lambda req: {
                "ok": True,
                "channel": {"id": req.params["channel"], "is_private": True, "is_member": False},
            },
        )
        line = refused(emu, tmp_path)
    assert "SUPERVISOR_CHANNEL_ID" in line and "not a member" in line


@pytest.mark.parametrize(
    ("args", "missing"),
    [
        ((), "SLACK_BOT_TOKEN"),
        ((), "SLACK_APP_TOKEN"),
        ((), "SUPERVISOR_CHANNEL_ID"),
        (("--http", "--port", "9"), "SLACK_SIGNING_SECRET"),
    ],
)
def test_missing_setting_is_named(
    emu: SlackEmulator, tmp_path: Path, args: tuple[str, ...], missing: str
) -> None:
    line = refused(emu, tmp_path, *args, **{missing: ""})
    assert line.startswith("boundary-bot: error: " + missing)


def test_malformed_setting_is_named(emu: SlackEmulator, tmp_path: Path) -> None:
    line = refused(emu, tmp_path, SLACK_BOT_TOKEN="not-a-token")
    assert "SLACK_BOT_TOKEN" in line and "malformed" in line


def test_manifest_declares_what_the_bot_uses() -> None:
    manifest = json.loads((ROOT / "manifest.json").read_text())
    features, settings = manifest["features"], manifest["settings"]
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }
    assert features["slash_commands"][0]["command"] == "/boundary"
    assert features["slash_commands"][0]["should_escape"] is False
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "chat:write",
        "commands",
        "im:history",
        "im:read",
        "im:write",
        "mpim:write",
        "groups:read",
    } <= scopes
    assert set(settings["event_subscriptions"]["bot_events"]) == {"message.im", "app_home_opened"}
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]


def test_env_example_documents_every_setting() -> None:
    config = (ROOT / "bot" / "config.py").read_text()
    readers = r"_(?:text|number|checked|dialable|user_ids)"
    settings = set(re.findall(readers + r'\(\s*env,\s*"([A-Z_]+)"', config))
    settings |= set(re.findall(r'slack_setting\(\s*"([A-Z_]+)"', config))
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", example, re.MULTILINE))
    assert settings and settings == documented
    for name in settings:  # each preceded by a one-line comment
        lines = example.splitlines()
        index = next(i for i, line in enumerate(lines) if re.match(rf"#? ?{name}=", line))
        assert lines[index - 1].startswith("# ")
