"""Reliability figures for Boundary Bot, written to RELIABILITY.md.

    .venv/bin/python bench/reliability.py [--seed N] [--crash-rounds N] [--fuzz-seeds N]

Runs, at a larger scale than the test suite and with the same code
(`tests/reliability_harness.py`, `tests/test_security_*.py`):

* fuzzing: the hypothesis escaping / Block Kit limits properties, once per seed;
* crashes: the real `boundary-bot serve` killed with SIGKILL during bursts of escalations
  while Slack answers 429 / 500 / drops / answers late / loses answers after posting;
* redeliveries: Slack's retries and double clicks across kills and Socket Mode <-> HTTP
  restarts;
* check-ins: the real `boundary-bot serve` killed with SIGKILL between scheduling visit
  check-ins and firing them, while people answer "I'm OK" or never answer.

Exits 1 if any escalation or check-in was lost or duplicated, any acked click has no
escalation, or a property failed. Takes about 6-7 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tests.reliability_harness import (  # noqa: E402
    CHECKIN_GRACE,
    URGENT_EVERY,
    CheckinScenario,
    CrashScenario,
    Figures,
    RedeliveryScenario,
)

OUTPUT = ROOT / "RELIABILITY.md"


# --- fuzzing ---------------------------------------------------------------------------------
def fuzz(seeds: list[int], result: dict[str, Any]) -> None:
    """Run the hypothesis properties once per seed; count the examples they report."""
    files = sorted(
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests").glob("test_security_*.py")
        if "from hypothesis import" in p.read_text(encoding="utf-8")
    )
    result.update(files=files, seeds=seeds, passing=0, failing=0, runs_failed=0, properties=set())
    started = time.monotonic()
    for seed in seeds:
        run = subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files),
                *(f"--hypothesis-seed={seed}", "--hypothesis-show-statistics"),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        result["runs_failed"] += run.returncode != 0
        current = None
        for line in run.stdout.splitlines():
            if line.startswith("tests/") and line.rstrip().endswith(":"):
                current = line.rstrip()[:-1]
            counts = re.search(r"(\d+) passing, (\d+) failing", line)
            if counts and current:
                result["properties"].add(current)
                result["passing"] += int(counts.group(1))
                result["failing"] += int(counts.group(2))
        summary = [
            line for line in run.stdout.splitlines() if " passed" in line or "failed" in line
        ]
        result.setdefault("summaries", []).append(summary[-1] if summary else run.stdout[-300:])
    result["seconds"] = time.monotonic() - started


# --- report ----------------------------------------------------------------------------------
def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    except OSError:
        memory = ""
    return (
        f"{cpu}, {os.cpu_count()} CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def commit() -> str:
    run = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return run.stdout.strip() or "unknown"


def replay_wired() -> bool:
    return "replay_unfinished" in (ROOT / "bot" / "serve.py").read_text(encoding="utf-8")


def render(
    args: argparse.Namespace,
    fz: dict,
    crash: Figures,
    red: RedeliveryScenario,
    checkins: CheckinScenario,
) -> str:
    rf = red.figures
    injected = sum(crash.injected.values())
    delivered_all = crash.cards_lost == 0 and not crash.problems
    lines = [
        "# Reliability figures",
        "",
        f"Written by `bench/reliability.py` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"at commit `{commit()}`.",
        f"Machine: {machine()}.",
        f"Command: `.venv/bin/python bench/reliability.py --seed {args.seed} "
        f"--crash-rounds {args.crash_rounds} --redelivery-rounds {args.redelivery_rounds} "
        f"--checkin-rounds {args.checkin_rounds} --fuzz-seeds {args.fuzz_seeds}`.",
        "",
        "Everything below runs the real `boundary-bot serve` process against the Slack emulator "
        "(`tests/slack_emulator`), with the scenarios of `tests/reliability_harness.py`; the "
        "tests `tests/test_reliability_*.py` run the same scenarios smaller.",
        "",
        "## Inputs fuzzed",
        "",
        f"Hypothesis properties in {', '.join(f'`{f}`' for f in fz['files']) or '(none)'}: "
        "mention injection is inert and Block Kit limits hold for every builder.",
        "",
        "| | |",
        "|---|---|",
        f"| runs (seeds) | {len(fz['seeds'])} ({', '.join(map(str, fz['seeds']))}) |",
        f"| properties reporting statistics | {len(fz['properties'])} |",
        f"| inputs generated and passing | {fz['passing']:,} |",
        f"| inputs failing | {fz['failing']} |",
        f"| pytest runs failed | {fz['runs_failed']} |",
        f"| pytest summary | {'; '.join(fz.get('summaries', []))} |",
        "",
        "Counted from `--hypothesis-show-statistics`; properties declared inside a test "
        "function (one per message builder, the Advisor's replies) run too but print no "
        "statistics, so they are not in the count.",
        "",
        "## Kill -9 during bursts of escalations",
        "",
        f"{crash.kills} rounds: start the bot (Socket Mode), redeliver what Slack never saw "
        'acknowledged, script failures, send a burst of clicks on "Talk to a supervisor" '
        "(answers on record and apologies), urgent DMs (which escalate by themselves), double "
        "clicks and redeliveries for a random 0.3-3 s, then SIGKILL. A last run drains. "
        f"Urgent escalations climb the ladder every {URGENT_EVERY} minutes while unclaimed.",
        "",
        "| | |",
        "|---|---|",
        f"| kills survived (restarted, nothing lost) | {crash.kills if delivered_all else 0} "
        f"of {crash.kills} |",
        f"| kills with deliveries still pending in bot.db | "
        f"{crash.kills_with_pending_deliveries} |",
        f"| escalations committed in bot.db | {crash.escalations_committed} |",
        f"| cards delivered exactly once | {crash.cards_exactly_once} |",
        f"| cards duplicated | {crash.cards_duplicated} |",
        f"| cards lost | {crash.cards_lost} |",
        f"| cards with no escalation in bot.db | {crash.cards_orphaned} |",
        f"| escalations reminded, every round of the ladder posted once | "
        f"{crash.reminders_exactly_once} ({crash.reminder_rounds} rounds; "
        f"{crash.reminders_wrong} wrong) |",
        f"| clicks sent / acknowledged | {crash.clicks_sent} / {crash.clicks_acked} |",
        f"| acknowledged clicks without an escalation | {crash.acked_clicks_without_escalation} |",
        f"| urgent DMs sent / urgent escalations | {crash.urgent_sent} / "
        f"{crash.urgent_escalations} |",
        f"| answers posted to urgent DMs | {crash.answers} |",
        f"| time | {crash.seconds:.0f} s |",
        "",
        "### Slack failures injected (and recovered)",
        "",
        "| kind | times Slack failed |",
        "|---|---|",
        *(f"| {kind} | {count} |" for kind, count in sorted(crash.injected.items())),
        f"| slow answers scripted (a kill lands mid-post) | {crash.slow_posts} |",
        "",
        f"{injected} failures injected; "
        + (
            "all recovered: every committed escalation's card and reminder reached the channel."
            if delivered_all
            else "NOT all recovered: "
            + ("; ".join(crash.problems) or f"{crash.cards_lost} cards lost")
        ),
        "`429` is waited out in place (Retry-After); `500`, `dropped` and `answer_lost` (the "
        "post landed, its answer did not) go back to the outbox, whose retry first looks for "
        "the card in `conversations.history`; `history_500` fails the job until history can "
        "be read.",
        "",
        "## Retries and double clicks",
        "",
        f"{rf.kills} kills; the bot restarts alternately in Socket Mode and HTTP on one bot.db; "
        f"{red.questions} DM questions (one per person), each delivered 1-4 times, events and "
        "clicks from earlier runs redelivered; finally every event once more.",
        "",
        "| | |",
        "|---|---|",
        f"| redeliveries sent (both scenarios) | "
        f"{rf.redeliveries_sent + crash.redeliveries_sent} |",
        f"| duplicates acknowledged and skipped | "
        f"{rf.duplicates_skipped + crash.duplicates_skipped} |",
        f"| unfinished deliveries of a killed run handled again | "
        f"{rf.unfinished_resumed + crash.unfinished_resumed} |",
        f"| questions answered exactly once | {red.answered_once} of {red.questions} |",
        f"| questions answered twice | {red.answered_twice} |",
        f"| questions never answered | {red.unanswered} |",
        f"| clicks delivered (incl. double clicks and redeliveries) | {rf.clicks_sent} |",
        f"| double clicks (both scenarios) | {rf.double_clicks + crash.double_clicks} |",
        f"| questions escalated / escalations / duplicated | {red.clicked} / "
        f"{rf.escalations_committed} / {red.escalations_duplicated} |",
        f"| cards exactly once / duplicated / lost | {rf.cards_exactly_once} / "
        f"{rf.cards_duplicated} / {rf.cards_lost} |",
        f"| time | {rf.seconds:.0f} s |",
        "",
        *render_checkins(checkins),
        "## Known limits",
        "",
        "- An answer is exactly once except in the gap between Slack accepting it and its "
        "delivery key turning `done`; a kill there plus a redelivery repeats it.",
        "- Slack does not redeliver an event the bot acknowledged, and Bolt acknowledges "
        "events before their listener runs, so a kill in between would lose that answer and, "
        "for an urgent DM, its escalation. "
        + (
            "`bot.slack.dedupe.replay_unfinished` replays such deliveries at startup: "
            f"{crash.urgent_escalations} of {crash.urgent_sent} urgent DMs above escalated. "
            "Each is started again at most twice (a delivery that crashes the bot is not "
            "replayed forever), counted when its listener starts, so a run killed before it "
            "reached a queued replay does not use it up. "
            if replay_wired()
            else "`serve` does not replay them yet "
            f"({crash.urgent_sent - crash.urgent_escalations} of {crash.urgent_sent} urgent "
            "DMs above lost their escalation). "
        )
        + "Clicks are not affected: the escalation is committed before the click is "
        "acknowledged.",
        "- Exactly-once cards rely on reading the supervisor channel's history "
        "(`groups:history`); without it a retry after an unknown outcome posts again. "
        '"Are you OK?" and the ladder\'s DMs rely on `im:history` the same way.',
        "- The grace period of a check-in counts from when it fired: if the bot is down "
        "longer than that after firing, the check-in is missed as soon as it restarts "
        '(safety first); the worker still gets "Are you OK?" and can answer late, which '
        "the supervisors see on the card.",
        "",
    ]
    return "\n".join(lines)


def render_checkins(scenario: CheckinScenario) -> list[str]:
    c = f = scenario.figures
    survived = f.kills if not (c.lost or c.fired_twice or f.problems) else 0
    return [
        "## Kill -9 between scheduling and firing check-ins",
        "",
        f"{f.kills} rounds: start the bot (Socket Mode), send again the `/boundary checkin` "
        "commands a kill left unacknowledged, script failures, then for a random 0.3-3 s "
        "people start check-ins, time passes (each is due 1.5 s after it starts, as the bot "
        'reads it from bot.db) and half of the people answer "I\'m OK"; the others never '
        f"answer, so theirs are missed after the grace period ({CHECKIN_GRACE} minutes here). "
        "Then SIGKILL. A last run settles every check-in.",
        "",
        "| | |",
        "|---|---|",
        f"| kills survived (restarted, nothing lost) | {survived} of {f.kills} |",
        f"| kills with check-ins scheduled and not yet settled | {f.kills_with_checkins_running} |",
        f"| check-ins started (commands acknowledged / sent) | {c.checkins_started} "
        f"({c.commands_acked} / {c.commands_sent}) |",
        f"| acknowledged commands without a check-in | {c.acked_commands_without_checkin} |",
        f"| check-ins due | {c.checkins_due} |",
        f'| fired exactly once ("Are you OK?" posted once) | {c.fired_exactly_once} |',
        f"| fired twice | {c.fired_twice} |",
        f"| lost (never fired, or never posted) | {c.lost} |",
        f'| answered "I\'m OK" / of those that raised an escalation | {c.answered_ok} / '
        f"{c.answered_ok_raised} |",
        f"| missed / missed-check-in card posted exactly once | {c.missed} / "
        f"{c.missed_alerted_once} |",
        f"| Slack failures injected (and recovered) | {sum(f.injected.values())} "
        f"({', '.join(f'{k} {n}' for k, n in sorted(f.injected.items()))}) |",
        f"| time | {f.seconds:.0f} s |",
        "",
        "A check-in fires by a conditional state change committed with its delivery job, so "
        "a kill before the commit leaves it to fire after the restart and a kill after it "
        "leaves the job to the outbox, which looks for the message in the DM before posting "
        "again.",
        "",
    ]


def broken(fz: dict, crash: Figures, red: RedeliveryScenario, ck: CheckinScenario) -> list[str]:
    rf = red.figures
    checks = {
        "fuzzing failed": fz["failing"] or fz["runs_failed"],
        "cards lost or duplicated": crash.cards_lost
        + crash.cards_duplicated
        + rf.cards_lost
        + rf.cards_duplicated
        + crash.cards_orphaned,
        "acked clicks without escalation": crash.acked_clicks_without_escalation
        + rf.acked_clicks_without_escalation,
        "escalations duplicated": red.escalations_duplicated,
        "questions never answered": red.unanswered,
        "problems": len(crash.problems) + len(rf.problems) + len(ck.figures.problems),
        "reminders wrong": crash.reminders_wrong,
        "check-ins lost or fired twice": ck.figures.lost + ck.figures.fired_twice,
        "acked check-in commands without a check-in": ck.figures.acked_commands_without_checkin,
        "I'm OK raised an escalation": ck.figures.answered_ok_raised,
        "missed check-ins not alerted once": ck.figures.missed - ck.figures.missed_alerted_once,
    }
    return [name for name, bad in checks.items() if bad]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--crash-rounds", type=int, default=8)
    parser.add_argument("--redelivery-rounds", type=int, default=4)
    parser.add_argument("--checkin-rounds", type=int, default=8)
    parser.add_argument("--fuzz-seeds", type=int, default=3)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    fz: dict[str, Any] = {}
    seeds = [args.seed * 1000 + i for i in range(args.fuzz_seeds)]
    fuzzing = threading.Thread(target=fuzz, args=(seeds, fz))
    fuzzing.start()  # alongside the scenarios: its own processes
    with tempfile.TemporaryDirectory() as tmp:
        print("crash scenario ...", flush=True)
        crash = CrashScenario(
            Path(tmp) / "crash", seed=args.seed, rounds=args.crash_rounds, burst_seconds=3.0
        ).run()
        print(f"  {crash.as_dict()}", flush=True)
        print("redelivery scenario ...", flush=True)
        red = RedeliveryScenario(
            Path(tmp) / "redeliver",
            seed=args.seed,
            rounds=args.redelivery_rounds,
            questions_per_round=8,
        )
        red.run()
        print(f"  {red.figures.as_dict()}", flush=True)
        print("check-in scenario ...", flush=True)
        checkins = CheckinScenario(
            Path(tmp) / "checkins", seed=args.seed, rounds=args.checkin_rounds, burst_seconds=3.0
        )
        checkins.run()
        print(f"  {checkins.figures.as_dict()}", flush=True)
    fuzzing.join()
    print(f"fuzzing: {fz['passing']} inputs passing, {fz['failing']} failing", flush=True)
    args.output.write_text(render(args, fz, crash, red, checkins), encoding="utf-8")
    print(f"wrote {args.output}")
    failures = broken(fz, crash, red, checkins)
    if failures:
        print("BROKEN: " + ", ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
