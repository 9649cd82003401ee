"""`boundary-bot`: ask the guidance from a terminal, build the index, evaluate, run the bot.

Bad input ends with a one-line message on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from bot.asking.compose import compose, render_text
from bot.config import ConfigError, Settings, load_env, load_settings
from index import Engine
from index.errors import BoundaryError, QuestionError

EXIT_USAGE = 2
PROG = "boundary-bot"


def _engine(settings: Settings, args: argparse.Namespace) -> Engine:
    knowledge = Path(args.knowledge) if args.knowledge else settings.knowledge_dir
    return Engine(
        knowledge,
        settings.data_dir,
        args.model or settings.embedding_model,
        precision=settings.embedding_precision,
        numbers=settings.numbers,
    )


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    question = " ".join(args.question)
    if args.question:  # check before loading the model: a typo should fail fast
        from index import check_question

        check_question(question)
    engine = _engine(settings, args)
    if args.question:
        _print_answer(engine, question, args, settings)
        return 0
    if sys.stdin.isatty():
        print("Type one question per line; Ctrl-D to finish.", file=sys.stderr)
    status = 0
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            _print_answer(engine, line, args, settings)
        except QuestionError as exc:
            print(f"{PROG}: line {number}: {exc}", file=sys.stderr)
            status = EXIT_USAGE
        sys.stdout.flush()
    return status


def _print_answer(
    engine: Engine, question: str, args: argparse.Namespace, settings: Settings
) -> None:
    answer = engine.ask(question, top=args.top)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(render_text(compose(answer, settings.emergency_number)))
        if not sys.stdin.isatty() and not args.question:
            print("\n" + "-" * 40)


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    engine = _engine(settings, args)
    report = engine.refresh(force=True) if args.force else engine.last_build
    engine.wait_for_training()
    state = "rebuilt" if report.rebuilt else "already up to date"
    print(
        f"Index {state}: {report.sections} sections, {report.entries} entries, "
        f"{report.embedded} embedded, {report.seconds:.2f} s ({engine.store.path})"
    )
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from index.evaluation import diff, evaluate, load_cases, load_run, render, save_run

    engine = _engine(settings, args)
    reports = []
    for name in args.files:
        path = Path(name)
        report, outcomes = evaluate(engine, load_cases(path), name, modes=args.modes)
        saved = _last_run(settings.data_dir, path)
        previous = load_run(saved)
        if previous is not None:
            report.changes = diff(previous, outcomes)
        if not args.no_save:
            save_run(saved, outcomes)
        reports.append(report)
    if args.json:
        print(json.dumps([asdict(r) for r in reports], indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(render(r, misses=args.misses) for r in reports))
    return 0


def _last_run(data_dir: Path, path: Path) -> Path:
    """Where a question set's last run is kept, named by the set's whole path: sets of one
    file name in two folders (tests/dev/questions_es.jsonl, tests/sealed/questions_es.jsonl)
    must not be diffed against each other's runs."""
    resolved = path.resolve()
    shown = resolved.relative_to(Path.cwd()) if resolved.is_relative_to(Path.cwd()) else resolved
    slug = "--".join(part for part in shown.with_suffix("").parts if part != "/")
    return data_dir / "eval" / f"{slug}.json"


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.serve import serve

    return serve(
        load_settings(slack=True, http=args.http), http=args.http, host=args.host, port=args.port
    )


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.admin.report import build_report, render, to_json
    from bot.asking.store import QuestionStore
    from bot.checkins.store import CheckinStore
    from bot.escalation.store import EscalationStore
    from bot.storage import Database

    if args.html:
        return _html_report(args, settings)
    database = Database(settings.data_dir)
    report = build_report(
        QuestionStore(database), EscalationStore(database), CheckinStore(database)
    )
    print(to_json(report) if args.json else render(report))
    return 0


def _html_report(args: argparse.Namespace, settings: Settings) -> int:
    """Write the managers' HTML report (the engine groups the gaps: it loads the model)."""
    from bot.admin.dashboard import build_dashboard
    from bot.admin.html_report import render_html
    from bot.asking.store import QuestionStore
    from bot.escalation.store import EscalationStore
    from bot.guidance.gaps import Gaps
    from bot.guidance.store import GuidanceStore
    from bot.storage import Database

    target = Path(args.html)
    if not target.parent.is_dir():
        raise ConfigError(f"cannot write {target}: no folder {target.parent}")
    database = Database(settings.data_dir)
    gaps = Gaps(GuidanceStore(database), _engine(settings, args))
    dashboard = build_dashboard(
        QuestionStore(database), EscalationStore(database), gaps, weeks=args.weeks
    )
    try:
        target.write_text(render_html(dashboard), encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot write {target}: {exc.strerror}") from None
    print(f"Wrote {target} ({dashboard.questions} questions over {args.weeks} weeks)")
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.storage import Database, purge_older_than

    counts = purge_older_than(Database(settings.data_dir), args.older_than)
    print("Purged " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG, description="Professional-boundaries advice for Home Pros, from the guidance."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    engine_opts = argparse.ArgumentParser(add_help=False)
    engine_opts.add_argument(
        "--knowledge", metavar="DIR", help="knowledge directory (default $BOUNDARY_KNOWLEDGE_DIR)"
    )
    engine_opts.add_argument(
        "--model", metavar="NAME", help="sentence-transformers model name or path"
    )

    ask = sub.add_parser(
        "ask", parents=[engine_opts], help="answer a question (or one per line from stdin)"
    )
    ask.add_argument("question", nargs="*", help="the question; omit to read stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines for stdin)")
    ask.add_argument("--top", type=_positive, default=3, metavar="N", help="passages (default 3)")
    ask.set_defaults(handler=cmd_ask)

    index = sub.add_parser("index", parents=[engine_opts], help="build or rebuild the index")
    index.add_argument("--force", action="store_true", help="rebuild even if nothing changed")
    index.set_defaults(handler=cmd_index)

    evaluation = sub.add_parser(
        "eval",
        parents=[engine_opts],
        help="measure the answers on question sets (JSON Lines), as `ask` gives them",
    )
    evaluation.add_argument(
        "files", nargs="+", metavar="FILE", help="question sets, e.g. tests/dev/*.jsonl"
    )
    evaluation.add_argument("--json", action="store_true", help="print the reports as JSON")
    evaluation.add_argument(
        "--modes", action="store_true", help="also rank with each retriever alone"
    )
    evaluation.add_argument(
        "--misses", action="store_true", help="list every question answered wrongly"
    )
    evaluation.add_argument(
        "--no-save", action="store_true", help="don't save this run for the next run's diff"
    )
    evaluation.set_defaults(handler=cmd_eval)

    serve = sub.add_parser("serve", help="run the Slack bot (Socket Mode, or HTTP with --http)")
    serve.add_argument("--http", action="store_true", help="serve HTTP instead of Socket Mode")
    serve.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    serve.add_argument("--port", type=_positive, default=3000, help="HTTP port (default 3000)")
    serve.set_defaults(handler=cmd_serve)

    report = sub.add_parser(
        "report", parents=[engine_opts], help="usage, coverage gaps, feedback and escalations"
    )
    output = report.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the report as JSON")
    output.add_argument(
        "--html", metavar="FILE", help="write the managers' report with charts to FILE"
    )
    report.add_argument(
        "--weeks", type=_positive, default=12, metavar="N", help="weeks the HTML report covers"
    )
    report.set_defaults(handler=cmd_report)

    purge = sub.add_parser("purge", help="delete records past retention (open escalations stay)")
    purge.add_argument(
        "--older-than", type=_days, required=True, metavar="DAYS", help="age in days"
    )
    purge.set_defaults(handler=cmd_purge)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        load_env()
        settings = load_settings()
        return handler(args, settings)
    except (ConfigError, BoundaryError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `boundary-bot ask ... | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
