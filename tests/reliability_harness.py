"""Crash, retry and double-click scenarios against the real `boundary-bot serve` process.

Shared by `tests/test_reliability_*.py` (small, fixed seeds) and `bench/reliability.py` (the
same scenarios, larger). Each scenario plays Slack with the emulator, kills the bot with
SIGKILL at seeded random moments, restarts it on the same `bot.db`, and returns figures that
the callers assert on or report.

Among the injected failures is a `chat.postMessage` to the supervisor channel that Slack
carries out but whose answer is lost (`fail_next(drop_after=True)`): the case that makes a
blind retry post a second card. The outbox reads `conversations.history` to find such a card.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.asking.store import QuestionStore
from bot.checkins import actions as checkin_ids
from bot.escalation import actions as escalation_ids
from bot.escalation.jobs import Job
from bot.storage import DB_NAME, Database
from tests.bot_harness import (
    SUPERVISOR_CHANNEL,
    BotProcess,
    Delivery,
    bot_env,
    pending_deliveries,
    workspace,
)
from tests.slack_emulator import SlackEmulator, payloads

FAULTS = ("429", "500", "dropped", "slow", "answer_lost", "history_500")
URGENT_TEXT = "A client shouted at me and threatened me and I feel unsafe. What should I do?"
URGENT_EVERY = "0.2"  # minutes between the ladder's rounds in the crash scenario


# --- figures --------------------------------------------------------------------------------
@dataclass
class Figures:
    """What a scenario did and what it found; every count is over the whole run."""

    starts: int = 0
    kills: int = 0
    kills_with_pending_deliveries: int = 0
    clicks_sent: int = 0
    clicks_acked: int = 0
    clicks_repeated_after_crash: int = 0
    double_clicks: int = 0
    urgent_sent: int = 0
    redeliveries_sent: int = 0
    duplicates_skipped: int = 0  # bot log: acked and dropped by the dedupe middleware
    unfinished_resumed: int = 0  # bot log: started by a dead run, handled again
    injected: Counter = field(default_factory=Counter)  # failure kind -> times Slack failed
    slow_posts: int = 0  # posts scripted to answer late (so a kill lands mid-post)
    kills_with_checkins_running: int = 0
    escalations_committed: int = 0
    cards_exactly_once: int = 0
    cards_duplicated: int = 0
    cards_lost: int = 0
    cards_orphaned: int = 0  # a card for an escalation bot.db does not have
    reminders_exactly_once: int = 0  # escalations reminded, every round posted once
    reminders_wrong: int = 0  # rounds posted twice, or recorded delivered but not posted
    reminder_rounds: int = 0
    acked_clicks_without_escalation: int = 0
    urgent_escalations: int = 0
    answers: int = 0
    # check-ins (CheckinScenario)
    commands_sent: int = 0
    commands_acked: int = 0
    acked_commands_without_checkin: int = 0
    checkins_started: int = 0
    replaced: int = 0  # ended by the same person's command sent again: not due
    checkins_due: int = 0  # fired: "Are you OK?" was queued
    fired_exactly_once: int = 0  # every prompt of the check-in posted exactly once
    fired_twice: int = 0
    lost: int = 0  # due but never fired, or fired and never posted
    answered_ok: int = 0
    answered_ok_raised: int = 0  # an "I'm OK" check-in that still raised an escalation
    missed: int = 0
    missed_alerted_once: int = 0  # its missed-check-in card in the channel exactly once
    checkin_clicks_sent: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k != "injected"}
        data["injected"] = dict(self.injected)
        return data


# --- the crash scenario ---------------------------------------------------------------------
@dataclass
class Click:
    user: str
    channel: str
    message: dict[str, Any]
    target: str  # the question id, or for a question-less (apology) button the message ts
    envelopes: list[str] = field(default_factory=list)


# --- scenarios ------------------------------------------------------------------------------
class _Scenario:
    """What every scenario shares: a workspace emulator (`self.emu`) and the environment of
    the bot processes it starts against it (`self.env`), with files under `self.tmp`; kills,
    and the seeded plan of Slack failures."""

    tmp: Path
    emu: SlackEmulator
    env: dict[str, str]
    figures: Figures
    database: Database
    rng: random.Random
    rounds: int
    burst_seconds: float
    _fault_rng: random.Random
    _fault_plan: list[list[str]]
    lose_answers_in: str | None = None  # where posts whose answer is lost go (None: anywhere)

    def _seeded(self, tmp: Path, seed: int, rounds: int, burst_seconds: float) -> None:
        """The kill scenarios' common start: their seeded randomness and plan of faults."""
        self.tmp = tmp
        self.rng = random.Random(seed)
        self.rounds = rounds
        self.burst_seconds = burst_seconds
        self.figures = Figures()
        self._fault_rng = random.Random(seed + 1)
        self._fault_plan = self._plan_faults()

    @contextmanager
    def _workspace(self, **env_overrides: str) -> Iterator[SlackEmulator]:
        self.tmp.mkdir(parents=True, exist_ok=True)
        with workspace(bot_token=None) as emu:
            self.emu = emu
            self.env = bot_env(emu, self.tmp, **env_overrides)
            yield emu

    def _start(self, number: int) -> BotProcess:
        log = self.tmp / f"bot-{number:02d}.log"
        bot = BotProcess("socket", self.emu, self.env, log).start()
        self.figures.starts += 1
        return bot

    def _kill(self, bot: BotProcess) -> None:
        assert bot.proc is not None
        bot.proc.kill()  # SIGKILL: no shutdown, no flush, mid-whatever it was doing
        bot.proc.wait()
        self.figures.kills += 1
        if pending_deliveries(self.database):
            self.figures.kills_with_pending_deliveries += 1
        deadline = time.monotonic() + 10
        while self.emu.socket_connection_count and time.monotonic() < deadline:
            time.sleep(0.05)

    def _inject_failures(self, number: int) -> None:
        """Script this round's failures (consumed in order by whichever posts come next).

        The plan comes from its own seeded generator, independent of timing: every kind is
        used within the first rounds (from the 3rd round on, kinds are drawn at random).
        """
        emu = self.emu
        for kind in self._fault_plan[number]:
            if kind == "429":
                emu.fail_next("chat.postMessage", status=429, retry_after=1)
            elif kind == "500":
                emu.fail_next("chat.postMessage", status=500)
            elif kind == "dropped":
                emu.fail_next("chat.postMessage", drop_connection=True)
            elif kind == "slow":  # the bot is likely killed while this post is in flight
                emu.fail_next("chat.postMessage", delay=self._fault_rng.uniform(0.3, 1.5))
                self.figures.slow_posts += 1
            elif kind == "answer_lost":
                emu.fail_next("chat.postMessage", drop_after=True, channel=self.lose_answers_in)
            else:
                emu.fail_next("conversations.history", status=500, times=2)

    def _plan_faults(self) -> list[list[str]]:
        rng = self._fault_rng
        kinds = list(FAULTS)
        rng.shuffle(kinds)
        plan: list[list[str]] = [[] for _ in range(self.rounds)]
        for i, kind in enumerate(kinds):  # each kind once, spread over the first rounds
            plan[min(i // 3, self.rounds - 1)].append(kind)
        for faults in plan:
            faults.extend(rng.choice(FAULTS) for _ in range(rng.randint(0, 2)))
        return plan

    def _count_injected(self) -> None:
        """What Slack actually failed, by kind, from the emulator's record of calls."""
        for call in self.emu.calls:
            if call.injected and call.method == "chat.postMessage":
                if call.status is None:  # cut before posting, or after (the answer lost)
                    self.figures.injected[
                        "dropped" if call.response is None else "answer_lost"
                    ] += 1
                else:
                    self.figures.injected[str(call.status)] += 1
            elif call.injected and call.method == "conversations.history":
                self.figures.injected[f"history_{call.status}"] += 1

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(Path(self.env["BOUNDARY_DATA_DIR"]) / DB_NAME, timeout=30)

    def _start_last(self) -> tuple[BotProcess, float]:
        """The last run, and the wall-clock time it started from (`last_run_pending`)."""
        since = time.time()
        return self._start(self.rounds), since

    def _acknowledged(self, envelopes: list[str], deadline: float) -> bool:
        """Wait until the bot acknowledged each of `envelopes`, by `deadline` (monotonic)."""
        waiting = list(envelopes)
        while waiting and time.monotonic() < deadline:
            waiting = [e for e in waiting if not self.emu.ack_for(e)]
            if waiting:
                time.sleep(0.05)
        if waiting:
            self.figures.problems.append(f"{len(waiting)} deliveries never acknowledged")
        return not waiting

    def _drain(
        self, since: float, envelopes: list[str], timeout: float = 60, *, reminders: bool = True
    ) -> None:
        """The last run: wait until it has acknowledged what was sent to it (`envelopes`),
        finished every delivery it took on (sent to it, or replayed at its start from a
        killed run), and delivered what they queued, as bot.db says (`last_run_pending`).

        A fixed time, or the outbox alone, is not enough: an urgent DM replayed at startup
        commits its escalation only once the engine has answered, which under load can be
        after the outbox has emptied. With `reminders`, each escalation's first reminder too.
        """
        deadline = time.monotonic() + timeout
        if not self._acknowledged(envelopes, deadline):
            return
        while True:
            pending = self._pending(since, reminders=reminders)
            if not pending:
                return
            if time.monotonic() > deadline:
                self.figures.problems.append(
                    f"still pending after {timeout}s: "
                    + ", ".join(f"{what} {n}" for what, n in pending.items())
                )
                return
            time.sleep(0.2)

    def _pending(self, since: float, *, reminders: bool = True) -> dict[str, int]:
        db = self._db()
        try:
            return last_run_pending(db, since, reminders=reminders)
        finally:
            db.close()


def last_run_pending(
    db: sqlite3.Connection, since: float, *, reminders: bool = True
) -> dict[str, int]:
    """What the run started at `since` (wall clock) has yet to do, by kind, from bot.db:
    deliveries it claimed (new, redelivered, replayed) and not finished, outbox jobs not
    delivered, and with `reminders` escalations not yet reminded once. Empty when done."""
    counts = {
        "deliveries unfinished": db.execute(
            "SELECT count(*) FROM processed_events WHERE state = 'started' AND at >= ?",
            [since],
        ).fetchone()[0],
        "outbox jobs": db.execute(
            "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"
        ).fetchone()[0],
    }
    if reminders:
        counts["escalations never reminded"] = db.execute(
            "SELECT count(*) FROM escalations WHERE reminded = 0"
        ).fetchone()[0]
    return {what: n for what, n in counts.items() if n}


class CrashScenario(_Scenario):
    """Bursts of escalations with SIGKILLs at random moments, then one last clean run.

    Escalations come from "Talk to a supervisor" clicks on answers to questions on record
    (seeded in bot.db), from the same button on apologies (no question), and from urgent DM
    questions, which escalate by themselves. Double clicks and Slack redeliveries are mixed
    in. Before each round, chat.postMessage is scripted to fail: 429, 500, dropped
    connections, slow answers (so kills land mid-post) and posts whose answer is lost.
    """

    lose_answers_in = SUPERVISOR_CHANNEL

    def __init__(self, tmp: Path, *, seed: int, rounds: int, burst_seconds: float) -> None:
        self._seeded(tmp, seed, rounds, burst_seconds)
        self.clicks: list[Click] = []
        self.events: list[list[str]] = []  # per urgent DM message: its envelope ids
        self._owner: dict[str, list[str]] = {}  # envelope id -> the list it belongs to
        self._clicks_sent: list[str] = []  # envelope ids of clicks (not their redeliveries)
        self._ts = 1_700_000_000
        self._askers = [f"U0RA{i:03d}" for i in range(40)]
        self._next_asker = 0
        self._urgent_texts: dict[str, str] = {}  # urgent DM text -> who sent it

    # -- running -------------------------------------------------------------------------
    def run(self) -> Figures:
        started = time.monotonic()
        with self._workspace(ESCALATION_REMIND_URGENT_MINUTES=URGENT_EVERY) as emu:
            for user in self._askers:
                emu.add_user(user, user.lower())
            self.database = Database(Path(self.env["BOUNDARY_DATA_DIR"]))
            self.questions = QuestionStore(self.database)
            for number in range(self.rounds):
                bot = self._start(number)
                self._repeat_unacknowledged()
                self._inject_failures(number)
                self._burst(bot)
                self._kill(bot)
            bot, since = self._start_last()
            self._drain(since, self._repeat_unacknowledged())
            bot.stop()
            self._check()
        self.figures.seconds = time.monotonic() - started
        return self.figures

    # -- what Slack and people do --------------------------------------------------------
    def _burst(self, bot: BotProcess) -> None:
        rng = self.rng
        kill_at = time.monotonic() + rng.uniform(0.3, self.burst_seconds)
        while time.monotonic() < kill_at:
            roll = rng.random()
            if roll < 0.35:
                self._click(self._new_target(question=True))
            elif roll < 0.5:
                self._click(self._new_target(question=False))
            elif roll < 0.65:
                self._urgent()
            elif roll < 0.8 and self.clicks:
                self._click(rng.choice(self.clicks))  # a double click: new action_ts
                self.figures.double_clicks += 1
            elif self._owner:
                self._redeliver(rng.choice(self._all_envelopes()))
            time.sleep(rng.uniform(0.0, 0.08))

    def _asker(self) -> str:
        self._next_asker = (self._next_asker + 1) % len(self._askers)
        return self._askers[self._next_asker]

    def _new_target(self, *, question: bool) -> Click:
        """An answer (or an apology) in someone's DM, carrying "Talk to a supervisor"."""
        user = self._asker()
        channel = self.emu.open_im(user)
        self._ts += 1
        ts = f"{self._ts}.000100"
        target = ts
        button: dict[str, Any] = {
            "type": "button",
            "action_id": escalation_ids.ESCALATE,
            "text": {"type": "plain_text", "text": "Talk to a supervisor"},
        }
        if question:
            target = self.questions.record_question(
                user, channel, "dm", f"Can I accept a gift from a client? (question {self._ts})"
            )
            button["value"] = target
        message = {
            "type": "message",
            "ts": ts,
            "user": self.emu.bot_user_id,
            "bot_id": self.emu.bot_id,
            "text": "answer",
            "blocks": [{"type": "actions", "block_id": "answer_actions", "elements": [button]}],
        }
        click = Click(user, channel, message, target)
        self.clicks.append(click)
        return click

    def _click(self, click: Click) -> None:
        emu = self.emu
        payload = payloads.block_actions(
            click.user,
            escalation_ids.ESCALATE,
            None,
            message=click.message,
            channel_id=click.channel,
            response_url=emu.new_response_url(
                "actions", channel=click.channel, user=click.user, message_ts=click.message["ts"]
            ),
            trigger_id=emu.new_trigger_id(),
            team_id=emu.team_id,
            api_app_id=emu.app_id,
        )
        envelope_id = emu.send_envelope("interactive", payload)
        self._clicks_sent.append(envelope_id)
        click.envelopes.append(envelope_id)
        self._owner[envelope_id] = click.envelopes
        self.figures.clicks_sent += 1

    def _urgent(self) -> None:
        user = self._asker()
        self._ts += 1
        text = f"{URGENT_TEXT} (message {self._ts})"
        self._urgent_texts[text] = user
        event = self.emu.post_user_message(user, text)
        envelope_id = self.emu.send_event(event)
        self.events.append([envelope_id])
        self._owner[envelope_id] = self.events[-1]
        self.figures.urgent_sent += 1

    def _redeliver(self, envelope_id: str) -> None:
        """Slack's retry of a delivery: same payload, new envelope, retry_attempt + 1."""
        again = self.emu.redeliver(envelope_id)
        self._owner[envelope_id].append(again)
        self._owner[again] = self._owner[envelope_id]
        self.figures.redeliveries_sent += 1

    def _all_envelopes(self) -> list[str]:
        return list(self._owner)

    def _repeat_unacknowledged(self) -> list[str]:
        """After a restart: Slack redelivers unacked events; people click unacked buttons again.
        Returns the envelopes sent."""
        emu, sent = self.emu, []
        for click in self.clicks:
            if click.envelopes and not any(emu.ack_for(e) for e in click.envelopes):
                self._click(click)
                self.figures.clicks_repeated_after_crash += 1
                sent.append(click.envelopes[-1])
        for envelopes in self.events:
            if not any(emu.ack_for(e) for e in envelopes):
                self._redeliver(envelopes[0])
                sent.append(envelopes[-1])
        return sent

    # -- the end -------------------------------------------------------------------------
    def _check(self) -> None:
        f, emu = self.figures, self.emu
        db = self._db()
        rows = db.execute(
            "SELECT id, question_id, dedupe_key, kind, question FROM escalations"
        ).fetchall()
        f.urgent_escalations = db.execute(
            "SELECT count(*) FROM escalations WHERE kind = 'urgent'"
        ).fetchone()[0]
        rounds = db.execute(
            "SELECT escalation_id, step, delivered_at IS NOT NULL FROM outbox WHERE job = ?",
            [Job.REMINDER.value],
        ).fetchall()
        undelivered_cards = {
            row[0]
            for row in db.execute(
                "SELECT escalation_id FROM outbox WHERE job = ? AND delivered_at IS NULL",
                [Job.CARD.value],
            )
        }
        db.close()
        f.escalations_committed = len(rows)
        markers: Counter = Counter()
        for message in emu.messages(SUPERVISOR_CHANNEL):
            for block in message.get("blocks") or []:
                markers[block.get("block_id", "")] += 1
        ids = {row[0] for row in rows}
        kinds = {row[0]: row[3] for row in rows}
        for escalation_id in sorted(ids):
            cards = markers[escalation_ids.CARD_MARKER + escalation_id]
            f.cards_exactly_once += cards == 1
            f.cards_duplicated += cards > 1
            f.cards_lost += cards == 0
            if cards != 1:
                queued = (
                    "its card job still queued in bot.db"
                    if escalation_id in undelivered_cards
                    else "its card job done"
                )
                f.problems.append(
                    f"card of escalation {escalation_id} ({kinds[escalation_id]}) posted "
                    f"{cards} times; {queued}"
                )
        # Each round of the ladder posts its reminder once; a round queued when the last run
        # stopped may not have been posted yet (never twice).
        delivered: Counter = Counter()
        for escalation_id, step, done in rounds:
            posted = markers[
                escalation_ids.marker(escalation_ids.REMINDER_MARKER, escalation_id, step)
            ]
            delivered[escalation_id] += bool(done)
            if posted > 1 or (done and posted != 1):
                f.reminders_wrong += 1
                f.problems.append(f"reminder {escalation_id} round {step} posted {posted} times")
        f.reminders_exactly_once = sum(delivered[e] >= 1 for e in ids)
        f.reminder_rounds = sum(delivered.values())
        f.problems += [f"escalation {e} never reminded" for e in sorted(ids) if not delivered[e]]
        orphans = sorted(
            marker
            for marker in markers
            if marker.startswith(escalation_ids.CARD_MARKER)
            and marker[len(escalation_ids.CARD_MARKER) :] not in ids
        )
        f.cards_orphaned = len(orphans)
        f.problems += [f"card {marker} has no escalation in bot.db" for marker in orphans]
        escalated = {row[4] for row in rows if row[3] == "urgent"}
        f.problems += [
            f"urgent DM from {user} never escalated: {text!r}"
            for text, user in self._urgent_texts.items()
            if text not in escalated
        ]
        by_question = {row[1] for row in rows}
        by_key = {row[2] for row in rows}
        f.clicks_acked = sum(1 for e in self._clicks_sent if emu.ack_for(e))
        for click in self.clicks:
            if any(emu.ack_for(e) for e in click.envelopes):
                found = click.target in by_question or f"{click.target}:question" in by_key
                if not found:
                    f.acked_clicks_without_escalation += 1
                    f.problems.append(f"acknowledged click on {click.target} has no escalation")
        self._count_injected()
        for log in sorted(self.tmp.glob("bot-*.log")):
            text = log.read_text(errors="replace")
            f.duplicates_skipped += text.count("duplicate delivery acknowledged and skipped")
            f.unfinished_resumed += text.count("redelivery of an unfinished delivery")
        f.answers = sum(
            1
            for c in emu.calls_to("chat.postMessage")
            if c.ok
            and str(c.params.get("channel", "")).startswith("D")
            and not _ladder_notice(c.params)
        )


def _ladder_notice(params: dict[str, Any]) -> bool:
    """A status message of the ladder to the asker (not an answer)."""
    first = ((params.get("blocks") or [{}])[0] or {}).get("block_id", "")
    return first.startswith((escalation_ids.STILL_TRYING_MARKER, escalation_ids.ALERTED_MARKER))


# --- the redelivery scenario ----------------------------------------------------------------
QUESTIONS = (
    "Can I accept a box of chocolates from a client?",
    "A client offered me a cash tip. Can I take it?",
    "Can I give a client my personal phone number?",
    "A client wants to give me a watch. Can I accept it?",
)


@dataclass
class Asked:
    user: str
    body: dict[str, Any]  # the event_callback, redelivered as is
    channel: str
    clicks: list[dict[str, Any]] = field(default_factory=list)


class RedeliveryScenario(_Scenario):
    """Slack's retries and people's double clicks, across kills and restarts that switch
    between Socket Mode and HTTP on one bot.db.

    Each round starts the bot (modes alternate), asks new questions (each from a new
    person), delivers each event again 0-3 times (Slack's retries: `retry_attempt` or
    `X-Slack-Retry-Num`), clicks "Talk to a supervisor" on answers (some twice, some clicks
    redelivered), redelivers events and clicks from earlier rounds, then kills the bot with
    SIGKILL while answers are still being worked out. A last run redelivers every event once
    more, as Slack does for those it never saw acknowledged.
    """

    def __init__(self, tmp: Path, *, seed: int, rounds: int, questions_per_round: int) -> None:
        self.tmp = tmp
        self.rng = random.Random(seed)
        self.rounds = rounds
        self.per_round = questions_per_round
        self.asked: list[Asked] = []
        self.figures = Figures()
        self.events_delivered = 0
        self.clicks_delivered = 0

    def run(self) -> Figures:
        started = time.monotonic()
        with self._workspace(ESCALATION_REMIND_MINUTES="60"):
            for number in range(self.rounds):
                bot = self._start(number)
                self._round(bot)
                time.sleep(self.rng.uniform(0.0, 1.0))
                bot.proc.kill()  # type: ignore[union-attr]
                bot.proc.wait()  # type: ignore[union-attr]
                self.figures.kills += 1
            bot, since = self._start_last()
            slack = Delivery(bot)  # waits for each acknowledgement
            for asked in self.asked:
                self._deliver(slack, asked.body, retry=1)
                if asked.clicks:
                    self._click(slack, asked.clicks[-1])  # its last click, redelivered
            self._drain(since, [], timeout=60, reminders=False)
            bot.stop()
            self._check()
        self.figures.seconds = time.monotonic() - started
        return self.figures

    def _start(self, number: int) -> BotProcess:
        mode = ("socket", "http")[number % 2]
        bot = BotProcess(mode, self.emu, self.env, self.tmp / f"redeliver-{number:02d}.log")
        self.figures.starts += 1
        return bot.start()

    def _round(self, bot: BotProcess) -> None:
        rng, slack = self.rng, Delivery(bot)
        self._ask(slack, self.per_round)
        time.sleep(rng.uniform(0.5, 2.0))  # some answers arrive, some are still being worked out
        for asked in rng.sample(self.asked, k=min(len(self.asked), self.per_round)):
            answer = self._answer(asked)
            if answer is None:
                continue
            if not asked.clicks or rng.random() < 0.3:  # a first click, or a double click
                asked.clicks.append(
                    self.emu.message_button_payload(
                        asked.user, asked.channel, answer, escalation_ids.ESCALATE
                    )
                )
                self.figures.double_clicks += len(asked.clicks) > 1
            self._click(slack, rng.choice(asked.clicks))  # a new click, or one redelivered
        for asked in rng.sample(self.asked, k=min(len(self.asked), self.per_round // 2)):
            self._deliver(slack, asked.body, retry=1 + rng.randrange(3))  # an older event
        self._ask(slack, max(1, self.per_round // 3))  # the kill will find these in flight

    def _ask(self, slack: Delivery, count: int) -> None:
        rng, emu = self.rng, self.emu
        for _ in range(count):
            user = f"U0RD{len(self.asked):04d}"
            emu.add_user(user, user.lower())
            event = emu.post_user_message(user, rng.choice(QUESTIONS))
            body = payloads.event_callback(
                event, team_id=emu.team_id, api_app_id=emu.app_id, bot_user_id=emu.bot_user_id
            )
            self.asked.append(Asked(user, body, event["channel"]))
            for retry in range(rng.choice((1, 1, 2, 3, 4))):  # the delivery, then retries
                self._deliver(slack, body, retry)

    def _deliver(self, slack: Delivery, body: dict[str, Any], retry: int) -> None:
        slack.event_body(body, retry)
        self.events_delivered += 1
        self.figures.redeliveries_sent += retry > 0

    def _click(self, slack: Delivery, payload: dict[str, Any]) -> None:
        slack.interaction(payload)
        self.clicks_delivered += 1
        self.figures.clicks_sent += 1

    def _answer(self, asked: Asked) -> str | None:
        posts = [
            c
            for c in self.emu.calls_to("chat.postMessage")
            if c.ok and c.params.get("channel") == asked.channel
        ]
        return posts[0].response["ts"] if posts else None

    def _check(self) -> None:
        f, emu = self.figures, self.emu
        answers = Counter(
            c.params["channel"]
            for c in emu.calls_to("chat.postMessage")
            if c.ok and str(c.params.get("channel", "")).startswith("D")
        )
        self.questions = len(self.asked)
        self.answered_once = sum(answers[a.channel] == 1 for a in self.asked)
        self.answered_twice = sum(answers[a.channel] > 1 for a in self.asked)
        self.unanswered = sum(answers[a.channel] == 0 for a in self.asked)
        db = sqlite3.connect(Path(self.env["BOUNDARY_DATA_DIR"]) / DB_NAME)
        per_asker = Counter(row[0] for row in db.execute("SELECT asker FROM escalations"))
        ids = [row[0] for row in db.execute("SELECT id FROM escalations")]
        db.close()
        clicked = [a for a in self.asked if a.clicks]
        self.clicked = len(clicked)
        f.escalations_committed = len(ids)
        f.acked_clicks_without_escalation = sum(per_asker[a.user] == 0 for a in clicked)
        self.escalations_duplicated = sum(n > 1 for n in per_asker.values())
        markers: Counter = Counter()
        for message in emu.messages(SUPERVISOR_CHANNEL):
            for block in message.get("blocks") or []:
                markers[block.get("block_id", "")] += 1
        for escalation_id in ids:
            cards = markers[escalation_ids.CARD_MARKER + escalation_id]
            f.cards_exactly_once += cards == 1
            f.cards_duplicated += cards > 1
            f.cards_lost += cards == 0
        for log in sorted(self.tmp.glob("redeliver-*.log")):
            text = log.read_text(errors="replace")
            f.duplicates_skipped += text.count("duplicate delivery acknowledged and skipped")
            f.unfinished_resumed += text.count("redelivery of an unfinished delivery")


# --- the check-in scenario ------------------------------------------------------------------
CHECKIN_GRACE = "0.4"  # minutes to answer "Are you OK?" before it is missed: 24 seconds
DUE_AFTER = 1.5  # seconds: the harness pulls each check-in's due time this close (time passes)


@dataclass
class CheckinCommand:
    user: str
    envelopes: list[str] = field(default_factory=list)


class CheckinScenario(_Scenario):
    """Visit check-ins across SIGKILLs: kill -9 between scheduling and firing loses none and
    fires none twice.

    Each round starts the bot (Socket Mode), sends again the `/boundary checkin` commands a
    kill left unacknowledged (a person would), scripts Slack failures, then for a random
    0.3-`burst_seconds` s: people start check-ins (`/boundary checkin 1 note`, one each),
    time passes (the harness pulls each check-in's due time to 1.5 s after its start, as
    the bot reads it from bot.db), and half of the people answer "I'm OK" on the "Are you
    OK?" they get; the others never answer, so theirs are missed after a 24-second grace
    period (as are some whose answer a kill cut off, or whose grace ran out while the bot
    was down). Then SIGKILL. A last run settles: every check-in fires, and is answered or
    missed.
    """

    def __init__(self, tmp: Path, *, seed: int, rounds: int, burst_seconds: float) -> None:
        self._seeded(tmp, seed, rounds, burst_seconds)
        self.commands: list[CheckinCommand] = []
        self._answering: set[str] = set()  # people who answer "I'm OK"
        self._answered: set[str] = set()  # prompts (message ts) clicked already

    def run(self) -> Figures:
        started = time.monotonic()
        env = {
            "CHECKIN_GRACE_MINUTES": CHECKIN_GRACE,
            "ESCALATION_REMIND_MINUTES": "60",
            "ESCALATION_REMIND_URGENT_MINUTES": "60",
        }
        with self._workspace(**env):
            self.database = Database(Path(self.env["BOUNDARY_DATA_DIR"]))
            for number in range(self.rounds):
                bot = self._start(number)
                self._repeat_unacknowledged()
                self._inject_failures(number)
                self._burst()
                self._kill(bot)
                self.figures.kills_with_checkins_running += bool(self._running())
            bot, since = self._start_last()
            self._settle(since, self._repeat_unacknowledged())
            bot.stop()
            self._check()
        self.figures.seconds = time.monotonic() - started
        return self.figures

    # -- what people do ------------------------------------------------------------------
    def _burst(self) -> None:
        rng = self.rng
        kill_at = time.monotonic() + rng.uniform(0.3, self.burst_seconds)
        while time.monotonic() < kill_at:
            roll = rng.random()
            if roll < 0.3:
                self._command(self._new_person())
            elif roll < 0.7:
                self._pass_time()
            else:
                self._answer_prompts()
            time.sleep(rng.uniform(0.0, 0.08))

    def _new_person(self) -> CheckinCommand:
        user = f"U0CK{len(self.commands):04d}"
        self.emu.add_user(user, user.lower())
        if self.rng.random() < 0.5:
            self._answering.add(user)
        command = CheckinCommand(user)
        self.commands.append(command)
        return command

    def _command(self, command: CheckinCommand) -> None:
        form = self.emu.slash_command_payload(
            "/boundary", f"checkin 1 visit {len(command.envelopes)} of {command.user}", command.user
        )
        command.envelopes.append(self.emu.send_envelope("slash_commands", form))
        self.figures.commands_sent += 1

    def _repeat_unacknowledged(self) -> list[str]:
        """A person sends again a command the bot never acknowledged; returns the envelopes."""
        sent = []
        for command in self.commands:
            if not any(self.emu.ack_for(e) for e in command.envelopes):
                self._command(command)
                sent.append(command.envelopes[-1])
        return sent

    def _pass_time(self) -> None:
        """Minutes pass in seconds: every running check-in is due 1.5 s after it started."""
        db = self._db()
        db.execute(
            "UPDATE checkins SET due_at = created_at + ? WHERE state = 'active' "
            "AND due_at > created_at + ?",
            [DUE_AFTER, DUE_AFTER],
        )
        db.commit()
        db.close()

    def _answer_prompts(self) -> None:
        """People who answer tap "I'm OK" on each "Are you OK?" they have not answered yet."""
        for user in sorted(self._answering):
            channel = self.emu.open_im(user)
            for message in self.emu.messages(channel):
                first = (message.get("blocks") or [{}])[0].get("block_id", "")
                if (
                    first.startswith(checkin_ids.PROMPT_MARKER)
                    and message["ts"] not in self._answered
                ):
                    self._answered.add(message["ts"])
                    payload = self.emu.message_button_payload(
                        user, channel, message["ts"], checkin_ids.OK
                    )
                    self.emu.send_envelope("interactive", payload)
                    self.figures.checkin_clicks_sent += 1

    def _settle(self, since: float, envelopes: list[str], timeout: float = 120) -> None:
        """The last run: time passes and people answer until every check-in is settled, once
        the run has acknowledged the commands sent again (`envelopes`) and finished every
        delivery it took on (`last_run_pending`)."""
        deadline = time.monotonic() + timeout
        if not self._acknowledged(envelopes, deadline):
            return
        while self._running() or self._pending(since, reminders=False):
            if time.monotonic() > deadline:
                self.figures.problems.append(
                    f"check-ins still running after {timeout}s: {self._running()} running, "
                    f"{self._pending(since, reminders=False)}"
                )
                return
            self._pass_time()
            self._answer_prompts()
            time.sleep(0.2)

    def _running(self) -> int:
        db = self._db()
        count = db.execute(
            "SELECT count(*) FROM checkins WHERE state IN ('active', 'due')"
        ).fetchone()[0]
        db.close()
        return count

    # -- the end -------------------------------------------------------------------------
    def _check(self) -> None:
        c, emu = self.figures, self.emu
        db = self._db()
        rows = db.execute(
            "SELECT id, user_id, state, prompts, escalation_id FROM checkins"
        ).fetchall()
        db.close()
        posted: Counter = Counter()  # prompt markers, from each message's first version
        for command in self.commands:
            channel = emu.open_im(command.user)
            for message in emu.messages(channel):
                first = emu.message_history(channel, message["ts"])[0]
                posted[(first.get("blocks") or [{}])[0].get("block_id", "")] += 1
        cards: Counter = Counter(
            (m.get("blocks") or [{}])[0].get("block_id", "")
            for m in emu.messages(SUPERVISOR_CHANNEL)
        )
        users = {row[1] for row in rows}
        acked = [cmd for cmd in self.commands if any(emu.ack_for(e) for e in cmd.envelopes)]
        c.commands_acked = sum(1 for cmd in self.commands for e in cmd.envelopes if emu.ack_for(e))
        c.acked_commands_without_checkin = sum(cmd.user not in users for cmd in acked)
        c.checkins_started = len(rows)
        for checkin_id, _, state, prompts, escalation_id in rows:
            if state == "ended":  # replaced by the same command sent again after a kill
                c.replaced += 1
                continue
            counts = [
                posted[f"{checkin_ids.PROMPT_MARKER}{checkin_id}:{n}"]
                for n in range(1, prompts + 1)
            ]
            c.checkins_due += prompts > 0
            c.fired_exactly_once += prompts > 0 and all(n == 1 for n in counts)
            c.fired_twice += any(n > 1 for n in counts)
            c.lost += prompts == 0 or any(n == 0 for n in counts)
            c.answered_ok += state == "ok"
            c.answered_ok_raised += state == "ok" and escalation_id is not None
            if state == "missed":
                c.missed += 1
                c.missed_alerted_once += (
                    cards[escalation_ids.CARD_MARKER + (escalation_id or "")] == 1
                )
        self._count_injected()
