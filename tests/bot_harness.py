"""Run the real `boundary-bot serve` against the Slack emulator, in either mode, for tests.

`BotProcess` owns the subprocess; `Delivery` sends Slack payloads the way the running mode
receives them (Socket Mode envelopes, or signed HTTP posts to /slack/events).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_app
from bot.asking.store import QuestionStore
from bot.config import load_settings
from bot.escalation import actions as escalation_ids
from bot.escalation.actions import CARD_MARKER
from bot.escalation.outbox import DeliveryWorker
from bot.escalation.outbox_store import OutboxStore
from bot.escalation.service import Escalations
from bot.escalation.states import Kind
from bot.escalation.store import Escalation, EscalationStore
from bot.escalation.supervisors import ChannelSupervisors
from bot.services import Services, build_services
from bot.slack.client import slack_client
from bot.storage import Database
from tests.conftest import write_corpus
from tests.fakes import FakeEngine
from tests.slack_emulator import ApiCall, SlackEmulator, payloads, signing

ROOT = Path(__file__).resolve().parent.parent
BOT_TOKEN = "xoxb-boundary-test"
APP_TOKEN = "xapp-1-boundary-test"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ASKER, SUPERVISOR, OUTSIDER = "U0ALICE", "U0SUP", "U0BOB"
SUPERVISOR_CHANNEL = "G0SUPERS"
PUBLIC_CHANNEL = "C0GENERAL"
# The ladder's backup: a private channel with its own member, and two on-call people who are
# in neither channel
BACKUP_CHANNEL, BACKUP_MEMBER = "G0BACKUP", "U0BACKUP"
ONCALL, ONCALL_B = "U0ONCALL", "U0ONCALLB"
LADDER_ENV = {
    "ESCALATION_REMIND_URGENT_MINUTES": "5",
    "ESCALATION_BACKUP_AFTER": "2",
    "ESCALATION_BACKUP_CHANNEL_ID": BACKUP_CHANNEL,
    "ESCALATION_BACKUP_USER_IDS": f"{ONCALL},{ONCALL_B}",
}


def setup_workspace(emu: SlackEmulator) -> None:
    """An asker, a supervisor (in the private supervisor channel) and an outsider."""
    emu.add_user(ASKER, "alice", real_name="Alice Homepro")
    emu.add_user(SUPERVISOR, "sam", real_name="Sam Supervisor")
    emu.add_user(OUTSIDER, "bob", real_name="Bob Outsider")
    emu.add_channel(
        SUPERVISOR_CHANNEL, "supervisors", is_private=True, members=[SUPERVISOR, emu.bot_user_id]
    )
    emu.add_channel(PUBLIC_CHANNEL, "general", members=[ASKER, OUTSIDER, emu.bot_user_id])


def setup_backup(emu: SlackEmulator) -> None:
    """The ladder's backup channel and on-call people (`LADDER_ENV` names them)."""
    for user in (BACKUP_MEMBER, ONCALL, ONCALL_B):
        emu.add_user(user, user.lower())
    emu.add_channel(
        BACKUP_CHANNEL, "backup", is_private=True, members=[BACKUP_MEMBER, emu.bot_user_id]
    )


@contextmanager
def workspace(**emulator_options: Any) -> Iterator[SlackEmulator]:
    """A running emulator holding `setup_workspace`'s people and channels."""
    with SlackEmulator(**emulator_options) as emu:
        setup_workspace(emu)
        yield emu


@dataclass
class Parts:
    """The escalation service, its stores and its delivery worker, built as `serve` builds
    them but in this process (no model, no Bolt app)."""

    database: Database
    questions: QuestionStore
    store: EscalationStore
    outbox: OutboxStore
    escalations: Escalations
    worker: DeliveryWorker


def delivery_parts(emu: SlackEmulator, data_dir: Path, *, remind_urgent_minutes: str) -> Parts:
    """The escalation service and its delivery worker in this process, against `emu`."""
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": emu.api_url,
            "SUPERVISOR_CHANNEL_ID": SUPERVISOR_CHANNEL,
            "BOUNDARY_DATA_DIR": str(data_dir),
            "ESCALATION_REMIND_MINUTES": "10",
            "ESCALATION_REMIND_URGENT_MINUTES": remind_urgent_minutes,
        }
    )
    client = slack_client(settings)
    database = Database(settings.data_dir)
    questions, store, outbox = (
        QuestionStore(database),
        EscalationStore(database),
        OutboxStore(database),
    )
    worker = DeliveryWorker(outbox, store, client, settings)
    supervisors = ChannelSupervisors(client, SUPERVISOR_CHANNEL)
    escalations = Escalations(store, questions, supervisors, worker.wake)
    return Parts(database, questions, store, outbox, escalations, worker)


@contextmanager
def in_process_bot(
    emu: SlackEmulator, data_dir: Path, clock: Callable[[], float], **env: str
) -> Iterator[Services]:
    """The bot's services and Bolt app as `serve` builds them (a fake engine: no model), in
    this process, connected to `emu` over Socket Mode, reading the time from `clock`.

    The background workers are not started: tests run their passes (`worker.run_once()`,
    `checkin_worker.run_once()`, `homes.run_once()`) after moving the clock.
    """
    settings = load_settings(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": emu.api_url,
            "SUPERVISOR_CHANNEL_ID": SUPERVISOR_CHANNEL,
            "BOUNDARY_DATA_DIR": str(data_dir),
            **env,
        },
        slack=True,
    )
    client = slack_client(settings)
    services = build_services(settings, FakeEngine(), client, clock)
    handler = SocketModeHandler(build_app(settings, client, services), APP_TOKEN)
    handler.connect()
    emu.wait_socket_connected()
    try:
        yield services
    finally:
        handler.close()


def escalate(
    questions: QuestionStore,
    escalations: Escalations,
    kind: Kind = Kind.QUESTION,
    *,
    text: str = "Can I take a tip?",
) -> Escalation:
    """Record ASKER's DM question `text` and escalate it as `kind`; returns the escalation."""
    question_id = questions.record_question(ASKER, "D0ALICE", "dm", text)
    outcome = escalations.escalate(question_id, ASKER, kind, question_id)
    assert outcome.changed and outcome.escalation
    return outcome.escalation


def opened_modal(
    emu: SlackEmulator,
    callback_id: str,
    count: int = 1,
    timeout: float = 15,
    *,
    about: str | None = None,
) -> dict[str, Any]:
    """The `count`-th modal the bot opened with `callback_id` (and `about` as its
    private_metadata, if given), as views.open returned it."""

    def matches(call: ApiCall) -> bool:
        view = call.response.get("view") or {}
        return (
            call.ok
            and view.get("callback_id") == callback_id
            and about in (None, view.get("private_metadata"))
        )

    return emu.wait_for("views.open", matches, timeout, count=count).response["view"]


def submission(user: str, modal: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`user` submits `modal` (as views.open returned it) with `values` in its inputs; the
    view's hash stays the modal's, as in Slack, however often it is submitted."""
    return payloads.view_submission(
        user,
        modal["callback_id"],
        modal["private_metadata"],
        values,
        view_id=modal["id"],
        blocks=modal["blocks"],
        view_hash=modal["hash"],
    )


def resolve_values(advice: str, suggest: bool = False) -> dict[str, Any]:
    """The Resolve modal's inputs: the advice, and the "suggest as guidance" box if ticked."""
    option = {"text": {"type": "plain_text", "text": "Suggest"}}
    chosen = [{**option, "value": escalation_ids.SUGGEST_OPTION}]
    return {
        escalation_ids.ADVICE_BLOCK: {escalation_ids.ADVICE_INPUT: advice},
        escalation_ids.SUGGEST_BLOCK: {
            escalation_ids.SUGGEST_INPUT: {
                "type": "checkboxes",
                "selected_options": chosen if suggest else [],
            }
        },
    }


def bot_env(emu: SlackEmulator, tmp: Path, **overrides: str) -> dict[str, str]:
    """The environment of a bot process: real settings pointing at the emulator and tmp dirs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BOUNDARY_"))}
    env.update(
        HF_HUB_OFFLINE="1",
        SLACK_API_URL=emu.api_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SUPERVISOR_CHANNEL_ID=SUPERVISOR_CHANNEL,
        BOUNDARY_KNOWLEDGE_DIR=str(write_corpus(tmp / "knowledge")),
        BOUNDARY_DATA_DIR=str(tmp / "data"),
        ESCALATION_REMIND_MINUTES="0.05",
        ESCALATION_REMIND_URGENT_MINUTES="0.05",
        LOG_LEVEL="INFO",
    )
    env.update(overrides)
    return env


def run_cli(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run `boundary-bot ARGS` to completion (for commands that should exit)."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class BotProcess:
    """A running `boundary-bot serve`; its log (stdout+stderr) goes to `log_path`."""

    mode: str  # "socket" or "http"
    emu: SlackEmulator
    env: dict[str, str]
    log_path: Path
    port: int = 0
    health: list[int] = field(default_factory=list)  # /healthz statuses seen while starting
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> BotProcess:
        args = [sys.executable, "-m", "bot", "serve"]
        if self.mode == "http":
            self.port = self.port or free_port()
            args += ["--http", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"bot exited {self.proc.returncode}:\n{self.log()}")
            if self._ready():
                return self
            time.sleep(0.1)
        raise AssertionError(f"bot not ready in {timeout}s:\n{self.log()}")

    def _ready(self) -> bool:
        if self.mode == "socket":
            return self.emu.socket_connection_count > 0 and "ready" in self.log()
        status = self.get("/healthz")[0]
        if status:
            self.health.append(status)
        return status == 200

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()
        except OSError:
            return 0, ""

    def stop(self, timeout: float = 20) -> int:
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


@contextmanager
def running_bot(mode: str, tmp: Path, **env_overrides: str) -> Iterator[BotProcess]:
    """`boundary-bot serve` in `mode` against a fresh workspace, its files under `tmp`;
    on leaving, the bot must stop cleanly (exit 0)."""
    with workspace(bot_token=None) as emu:
        env = bot_env(emu, tmp, **env_overrides)
        process = BotProcess(mode, emu, env, tmp / "bot.log").start()
        yield process
        assert process.stop() == 0, process.log()


@dataclass
class Delivery:
    """Send payloads to the bot as Slack would in its mode; returns what the bot acked with."""

    bot: BotProcess

    @property
    def emu(self) -> SlackEmulator:
        return self.bot.emu

    def event(self, inner: dict[str, Any], retry: int = 0) -> dict[str, Any]:
        body = payloads.event_callback(
            inner,
            team_id=self.emu.team_id,
            api_app_id=self.emu.app_id,
            bot_user_id=self.emu.bot_user_id,
        )
        return self.event_body(body, retry)

    def event_body(self, body: dict[str, Any], retry: int = 0) -> dict[str, Any]:
        """Deliver an event_callback body (again, with `retry` > 0, as a Slack retry)."""
        if self.bot.mode == "socket":
            return self._envelope("events_api", body, retry)
        status, text = signing.post_event(self._url, body, SIGNING_SECRET, retry_num=retry or None)
        assert status == 200, (status, text)
        return {}

    def command(self, form: dict[str, str]) -> dict[str, Any]:
        if self.bot.mode == "socket":
            return self._envelope("slash_commands", form)
        status, text = signing.post_command(self._url, form, SIGNING_SECRET)
        assert status == 200, (status, text)
        return json.loads(text) if text else {}

    def interaction(self, payload: dict[str, Any]) -> dict[str, Any]:
        if self.bot.mode == "socket":
            return self._envelope("interactive", payload)
        status, text = signing.post_interaction(self._url, payload, SIGNING_SECRET)
        assert status == 200, (status, text)
        return json.loads(text) if text else {}

    @property
    def _url(self) -> str:
        return self.bot.url + "/slack/events"

    def _envelope(self, kind: str, payload: dict[str, Any], retry: int = 0) -> dict[str, Any]:
        envelope_id = self.emu.send_envelope(kind, payload, retry_attempt=retry)
        return self.emu.wait_ack(envelope_id, timeout=10).get("payload") or {}


def recorded_events(database: Database, escalation_id: str) -> list[tuple[str, str]]:
    """(event, actor) of an escalation's audit trail in bot.db, oldest first."""
    rows = database.db.execute(
        "SELECT event, actor FROM escalation_events WHERE escalation_id = ? ORDER BY id",
        [escalation_id],
    )
    return [(event, actor) for event, actor in rows.fetchall()]


def pending_deliveries(database: Database) -> int:
    """Outbox jobs not yet delivered, however far their backoff."""
    return database.db.execute("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[
        0
    ]


# --- end to end: what the bot posted, and clicking it -----------------------------------------
def posts_to(emu: SlackEmulator, channel: str) -> list[ApiCall]:
    return [c for c in emu.calls_to("chat.postMessage") if c.ok and c.params["channel"] == channel]


def wait_post(emu: SlackEmulator, channel: str, count: int = 1, timeout: float = 15) -> ApiCall:
    return emu.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params["channel"] == channel, timeout, count=count
    )


def ask_dm(
    slack: Delivery, user: str, text: str, **message: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """DM the bot (`message`: `thread_ts`, `files`); returns (the event delivered, the bot's
    answer as stored in the DM)."""
    emu = slack.emu
    event = emu.post_user_message(user, text, **message)
    answered = len(posts_to(emu, event["channel"]))  # the bot's earlier posts in this DM
    slack.event(event)
    call = wait_post(emu, event["channel"], count=answered + 1)
    return event, emu.message(event["channel"], call.response["ts"])


def all_text(message: dict[str, Any]) -> str:
    """Every text a reader sees in a message or view: fallback, sections, contexts, buttons."""
    parts = [message.get("text") or ""]
    for block in message.get("blocks") or []:
        parts.append((block.get("text") or {}).get("text", ""))
        for element in block.get("elements") or []:
            parts.append(element.get("text", "") if isinstance(element.get("text"), str) else "")
            parts.append(
                (element.get("text") or {}).get("text", "")
                if isinstance(element.get("text"), dict)
                else ""
            )
    return "\n".join(parts)


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks") or [] if b["type"] == "actions" for e in b["elements"]]


def click(slack: Delivery, user: str, channel: str, ts: str, action_id: str) -> str:
    """Click a button on a stored message; returns the click's response_url."""
    payload = slack.emu.message_button_payload(user, channel, ts, action_id)
    slack.interaction(payload)
    return payload["response_url"]


def card_for(emu: SlackEmulator, asker: str, timeout: float = 15) -> ApiCall:
    """The supervisor card posted for `asker`'s escalation."""

    def is_card(call: ApiCall) -> bool:
        first = (call.params.get("blocks") or [{}])[0].get("block_id", "")
        return (
            call.ok
            and call.params["channel"] == SUPERVISOR_CHANNEL
            and first.startswith(CARD_MARKER)
            and f"<@{asker}>" in call.params.get("text", "")
        )

    return emu.wait_for("chat.postMessage", is_card, timeout)


def open_home(slack: Delivery, user: str) -> dict[str, Any]:
    """Open the App Home tab; returns the view the bot published in answer."""
    emu = slack.emu
    published = len([c for c in emu.calls_to("views.publish") if c.params["user_id"] == user])
    slack.event(payloads.app_home_opened(user, view=emu.home_view(user)))
    emu.wait_for(
        "views.publish", lambda c: c.ok and c.params["user_id"] == user, 15, count=published + 1
    )
    home = emu.home_view(user)
    assert home is not None
    return home
