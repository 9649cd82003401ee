"""Benchmark the advice engine and write BENCHMARKS.md.

    .venv/bin/python bench/run.py            # full run (10,000-passage corpus), ~6 minutes
    .venv/bin/python bench/run.py --quick    # small corpus, prints the report (no file)

Every figure is a ratio to a floor measured in the same run on the same machine (the machine
is shared and noisy, so absolute times move between runs while ratios mostly do not):

1. warm `Engine.ask` service time vs a bare `model.encode([q])` + FAISS search;
2. 32 concurrent askers vs one at a time (throughput);
3. a cold index build of a synthetic corpus vs a bare `model.encode` of the same texts,
   and an incremental rebuild after editing one document;
4. cold start to first answer (`boundary-bot ask` in a fresh process) vs a fresh process that
   only loads the model and searches, and the peak RSS of a process answering questions
   from the synthetic index.

Floors and measured runs are interleaved so that noise from other tenants hits both.
Everything is written under a temporary directory; ./var is never touched.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

import corpus  # noqa: E402  (bench/corpus.py, found through the path set just above)

from index.engine import ENTRY_CANDIDATES  # noqa: E402  (what the engine asks FAISS for)
from index.engine import FRESHNESS_INTERVAL as FRESHNESS  # noqa: E402  (how often edits are seen)

GOALS = {
    "ask_p50": 1.5,  # ask p50 / floor p50 at most
    "concurrency": 3.0,  # 32 concurrent askers / one at a time at least
    "build": 1.2,  # cold build / bare encode at most
    "incremental_s": 3.0,  # seconds at most
    "rss_mb": 800.0,  # MB at most
}


@dataclass
class Config:
    quick: bool
    questions: int  # latency sample
    warmup: int
    throughput_questions: int  # per round
    throughput_rounds: int
    threads: int
    docs: int
    sections: int
    edits: int
    cold_runs: int
    rss_questions: int
    floor_every: int  # the build floor encodes every n-th text and scales up


FULL = Config(False, 200, 20, 256, 7, 32, 100, 100, 3, 3, 30, 8)
QUICK = Config(True, 60, 10, 64, 2, 32, 10, 20, 2, 1, 20, 1)


@dataclass
class Results:
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    goals: list[tuple[str, str, bool]] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0..100), linear between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


class Contention:
    """Cores used by other processes during a `with` block (from /proc/stat: machine-wide
    busy time minus this process's), the noise other tenants add to a measurement."""

    cores = float("nan")

    @staticmethod
    def _ticks() -> tuple[int, int]:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)
        own = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        return busy, int(own[11]) + int(own[12])

    def __enter__(self) -> Contention:
        try:
            self._start = (time.perf_counter(), *self._ticks())
        except (OSError, ValueError, IndexError):
            self._start = None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._start is None:
            return
        wall, busy, own = self._start
        now_busy, now_own = self._ticks()
        hz = os.sysconf("SC_CLK_TCK")
        elapsed = time.perf_counter() - wall
        self.cores = max(0.0, (now_busy - busy) - (now_own - own)) / hz / elapsed


# --- machine ------------------------------------------------------------------------------
def machine() -> list[str]:
    import faiss
    import sentence_transformers
    import torch
    import transformers

    from index.embedding import native_bfloat16, resolve_precision

    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "index"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return [
        f"- CPU: {cpu}; {os.cpu_count()} logical CPUs, {usable} usable",
        f"- RAM: {ram}",
        f"- OS: {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; torch {torch.__version__} "
        f"({torch.get_num_threads()} threads, {torch.get_num_interop_threads()} interop); "
        f"faiss {faiss.__version__}; sentence-transformers {sentence_transformers.__version__}; "
        f"transformers {transformers.__version__}",
        f"- Embedding precision: {resolve_precision('auto')} (`EMBEDDING_PRECISION=auto`; "
        f"the CPU {'has' if native_bfloat16() else 'lacks'} native bfloat16); every floor "
        "encodes in the same precision",
        f"- Code: commit {commit or '?'}"
        + (" with uncommitted changes in index/" if dirty else ""),
        f"- Load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


# --- 1. warm service time -----------------------------------------------------------------
def latency_pairs(engine, questions: list[str], warm: list[str]) -> tuple[list, list, float]:
    """Service times of `engine.ask` and of its floor, interleaved question by question;
    and the cores other processes used meanwhile."""
    import faiss

    from index.model_thread import on_model_thread

    model, index = engine.embedder.model, engine._loaded.index
    k = min(ENTRY_CANDIDATES, index.ntotal)  # what the engine asks FAISS for
    faiss.omp_set_num_threads(1)  # as the engine searches (index.build.search)

    def bare_encode(q: str):
        with engine.embedder.autocast():  # the same precision as the engine's encode
            return model.encode([q], normalize_embeddings=True, convert_to_numpy=True)

    def floor(q: str) -> float:
        start = time.perf_counter()
        vector = on_model_thread(bare_encode, q)  # where the engine encodes (index.model_thread)
        index.search(vector, k)
        return time.perf_counter() - start

    def ask(q: str) -> float:
        start = time.perf_counter()
        engine.ask(q)
        return time.perf_counter() - start

    for q in warm:
        floor(q)
        ask(q)
    asked, bare = [], []
    with Contention() as load:
        for i, q in enumerate(questions):
            if i % 2:  # alternate which goes first
                bare.append(floor(q))
                asked.append(ask(q))
            else:
                asked.append(ask(q))
                bare.append(floor(q))
    return asked, bare, load.cores


def latency_table(asked: list[float], bare: list[float]) -> list[str]:
    p50, p95 = pct(asked, 50), pct(asked, 95)
    f50, f95 = pct(bare, 50), pct(bare, 95)
    return [
        "| | p50 | p95 | mean |",
        "|---|---|---|---|",
        f"| `engine.ask(q)` | {ms(p50)} | {ms(p95)} | {ms(statistics.mean(asked))} |",
        f"| floor: encode + search | {ms(f50)} | {ms(f95)} | {ms(statistics.mean(bare))} |",
        f"| **ratio** | **{p50 / f50:.2f}x** | **{p95 / f95:.2f}x** | "
        f"{statistics.mean(asked) / statistics.mean(bare):.2f}x |",
    ]


def bench_latency(cfg: Config, engine, res: Results) -> None:
    warm = corpus.questions(cfg.warmup, seed=99)
    asked, bare, cores = latency_pairs(engine, corpus.questions(cfg.questions, seed=1), warm)
    index = engine._loaded.index
    k = min(ENTRY_CANDIDATES, index.ntotal)
    ratio = pct(asked, 50) / pct(bare, 50)
    res.sections.append(
        (
            "1. Warm `Engine.ask` service time",
            [
                f"{len(asked)} distinct questions after {len(warm)} warm-up questions, one at a "
                f"time, on the bundled knowledge ({index.ntotal:,} entries: passages, curated "
                "answers and example questions; the learned models judge every question). "
                "Floor: "
                f"`model.encode([q], normalize_embeddings=True)` + FAISS search (k={k}) on the "
                "same index, interleaved question by question with `ask`.",
                "",
                *latency_table(asked, bare),
                "",
                f"Other processes used {cores:.2f} cores on average meanwhile.",
                "",
                f"Goal: p50 within {GOALS['ask_p50']}x of the floor: {verdict(ratio <= 1.5)} "
                f"({ratio:.2f}x).",
            ],
        )
    )
    res.goals.append(
        (f"warm ask p50 within 1.5x of encode+search: {ratio:.2f}x", "", ratio <= GOALS["ask_p50"])
    )


# --- 2. throughput ------------------------------------------------------------------------
def bench_throughput(cfg: Config, engine, res: Results) -> None:
    qs = corpus.questions(cfg.throughput_questions, seed=2)

    def sequential() -> float:
        start = time.perf_counter()
        for q in qs:
            engine.ask(q)
        return len(qs) / (time.perf_counter() - start)

    def concurrent() -> float:
        pending = list(reversed(qs))
        lock = threading.Lock()
        gate = threading.Barrier(cfg.threads + 1)

        def worker() -> None:
            gate.wait()
            while True:
                with lock:
                    if not pending:
                        return
                    q = pending.pop()
                engine.ask(q)

        threads = [threading.Thread(target=worker) for _ in range(cfg.threads)]
        for t in threads:
            t.start()
        gate.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        return len(qs) / (time.perf_counter() - start)

    encode = engine.embedder.encode_queries

    def bare(size: int) -> float:
        """The model alone: the same questions encoded in groups of `size`."""
        start = time.perf_counter()
        for i in range(0, len(qs), size):
            encode(qs[i : i + size])
        return len(qs) / (time.perf_counter() - start)

    concurrent()  # warm the batcher and the threads' connections
    seq, conc, one, many = [], [], [], []
    steps = [
        lambda: seq.append(sequential()),
        lambda: conc.append(concurrent()),
        lambda: one.append(bare(1)),
        lambda: many.append(bare(cfg.threads)),
    ]
    with Contention() as load:
        for r in range(cfg.throughput_rounds):
            for step in steps if r % 2 == 0 else reversed(steps):
                step()
    ratios = [c / s for c, s in zip(conc, seq, strict=True)]
    ratio = statistics.median(ratios)
    alone = statistics.median(m / o for m, o in zip(many, one, strict=True))
    res.sections.append(
        (
            "2. Throughput: 32 concurrent askers vs one at a time",
            [
                f"{len(qs)} questions per round, {cfg.throughput_rounds} rounds; in each round "
                f"the same questions are asked one at a time and by {cfg.threads} threads "
                "calling `engine.ask` (order alternates between rounds). Ratio: median over "
                "rounds of concurrent / sequential. For scale, each round also times the "
                "model alone (`encode_queries`) on the same questions one at a time and in "
                f"groups of {cfg.threads}: what batching buys the forward pass itself. A round "
                "starts and ends with a partly filled batch, so a round holds "
                f"{cfg.throughput_questions // cfg.threads} batches' worth of questions to "
                "measure mostly the steady state.",
                "",
                f"| round | ask, one at a time | ask, {cfg.threads} threads | **ratio** | "
                f"encode x1 | encode x{cfg.threads} | ratio |",
                "|---|---|---|---|---|---|---|",
                *(
                    f"| {i + 1} | {s:.1f} q/s | {c:.1f} q/s | **{c / s:.2f}x** | "
                    f"{o:.1f} q/s | {m:.1f} q/s | {m / o:.2f}x |"
                    for i, (s, c, o, m) in enumerate(zip(seq, conc, one, many, strict=True))
                ),
                "",
                f"Other processes used {load.cores:.2f} cores on average meanwhile.",
                "",
                f"Goal: 3x or more: {verdict(ratio >= GOALS['concurrency'])} ({ratio:.2f}x; "
                f"the model alone gains {alone:.2f}x from batches of {cfg.threads}).",
            ],
        )
    )
    res.goals.append(
        (
            f"32 concurrent askers 3x one at a time: {ratio:.2f}x (the model alone: {alone:.2f}x)",
            "",
            ratio >= GOALS["concurrency"],
        )
    )


# --- subprocess helpers -------------------------------------------------------------------
def run_child(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """Run a command; (wall seconds, stdout)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, proc.stdout


def child_env(knowledge: Path, data: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BOUNDARY_KNOWLEDGE_DIR=str(knowledge),
        BOUNDARY_DATA_DIR=str(data),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
    )
    env.pop("EMBEDDING_MODEL", None)
    env.pop("EMBEDDING_PRECISION", None)  # the default, "auto", as the floors assume
    return env


# --- 3. index build -----------------------------------------------------------------------
def bench_build(cfg: Config, embedder, tmp: Path, res: Results) -> tuple[Path, Path]:
    from index.build import build
    from index.documents import load_documents
    from index.embedding import BATCH_SIZE
    from index.model_thread import on_model_thread
    from index.sections import sections_and_entries
    from index.store import Store

    knowledge = tmp / "synthetic-knowledge"
    data = tmp / "synthetic-data"
    started = time.perf_counter()
    paths = corpus.write_corpus(knowledge, cfg.docs, cfg.sections)
    texts = [e.embed_text for e in sections_and_entries(load_documents(knowledge))[1]]
    took = time.perf_counter() - started
    say(f"corpus: {len(paths)} documents, {len(texts)} passages ({took:.1f} s)")
    model = embedder.model

    def warm() -> None:
        with embedder.autocast():  # bfloat16 weights run only under the embedder's autocast
            model.encode(texts[:BATCH_SIZE], batch_size=BATCH_SIZE)

    on_model_thread(warm)  # warm kernels

    # The floor is measured inside the build, interleaved with it batch by batch: the build
    # embeds in batches of 64 (length-sorted), and after (or before: the order alternates)
    # every n-th of its `model.encode` calls the same texts are encoded again by a bare
    # `model.encode`. Noise from other tenants then weighs on the build and on the floor
    # alike, which a floor measured minutes earlier or later cannot promise on this machine.
    n = cfg.floor_every
    real = model.encode
    calls: list[tuple[float, float | None]] = []  # (build's encode, bare encode or None)

    def bare(sentences: list[str]) -> float:
        start = time.perf_counter()
        with embedder.autocast():  # the same precision as the build's encode
            real(
                sentences,
                batch_size=BATCH_SIZE,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return time.perf_counter() - start

    def timed(sentences, *args, **kwargs):
        sampled = len(calls) % n == 0
        floor_first = sampled and (len(calls) // n) % 2 == 1
        floor = bare(sentences) if floor_first else None
        start = time.perf_counter()
        out = real(sentences, *args, **kwargs)
        own = time.perf_counter() - start
        if sampled and not floor_first:
            floor = bare(sentences)
        calls.append((own, floor))
        return out

    say("cold build (with the floor interleaved)")
    model.encode = timed
    try:
        with Contention() as load:
            wall, cpu = time.perf_counter(), time.process_time()
            report = build(knowledge, Store(data), embedder, progress=False)
            total, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        del model.encode
    floors = [(own, f) for own, f in calls if f is not None]
    floor_time = sum(f for _, f in floors)
    b_wall = total - floor_time  # the build alone
    b_encode = sum(own for own, _ in calls)
    s_encode = sum(own for own, _ in floors)
    f_wall = floor_time * b_encode / s_encode  # ratio estimate over all batches
    ratio = b_wall / f_wall
    per = len(texts) / f_wall

    edits = []
    for edit in range(cfg.edits):
        path = paths[(37 + 29 * edit) % len(paths)]
        corpus.edit_document(path, edit)
        start = time.perf_counter()
        again = build(knowledge, Store(data), embedder, progress=False)
        edits.append((path.name, again.embedded, time.perf_counter() - start))
        say(f"incremental rebuild after editing {path.name}: {edits[-1][2]:.2f} s")
    inc = statistics.median(s for _, _, s in edits) if edits else float("nan")

    from index import Engine

    say("warm ask on the synthetic index")
    big = Engine(knowledge, data, embedder=embedder, progress=False)
    asked, floors_10k, cores = latency_pairs(
        big, corpus.questions(cfg.questions // 2, seed=4), corpus.questions(10, seed=98)
    )
    res.sections.append(
        (
            f"3. Index build of a synthetic {len(texts):,}-passage corpus",
            [
                f"{cfg.docs} Markdown documents x {cfg.sections} `##` sections of 300-700 "
                "characters of template-generated guidance text (`bench/corpus.py`, seeded, "
                f"all {len(set(texts)):,} passages distinct). Cold build: `index.build.build` "
                "into an empty data directory (chunking, embedding with sentence vectors, "
                "SQLite + FTS5, FAISS).",
                "",
                f"Floor: a bare `model.encode` of the same texts (batch size {BATCH_SIZE}, "
                "normalized numpy output), measured inside the build: for every "
                f"{'' if n == 1 else f'{n}th '}batch the build embeds ({len(floors)} of "
                f"{len(calls)}), the same texts are encoded again right before or after "
                "(alternating), so that other tenants' load weighs on both alike. The floor "
                "for the whole corpus is the sampled floor time scaled by the build's own "
                "encode time over all batches / over the sampled ones; the build's time "
                "excludes the inserted floor calls.",
                "",
                "| | wall | passages/s |",
                "|---|---|---|",
                f"| cold build | {b_wall:.1f} s | {len(texts) / b_wall:.1f} |",
                f"| of which in the build's `model.encode` calls | {b_encode:.1f} s | |",
                f"| of which elsewhere (chunking, token offsets, sentence vectors, SQLite, "
                f"FTS5, FAISS) | {b_wall - b_encode:.1f} s | |",
                f"| floor: bare `model.encode` (sampled {floor_time:.1f} s, scaled) | "
                f"{f_wall:.1f} s | {per:.1f} |",
                f"| **ratio** | **{ratio:.2f}x** | |",
                "",
                f"The build reported {report.entries:,} passages, {report.embedded:,} embedded; "
                f"process CPU {cpu:.0f} s (all threads, floor calls included); "
                f"other processes used {load.cores:.2f} cores on average meanwhile.",
                "",
                f"Goal: cold build within {GOALS['build']}x of the bare encode: "
                f"{verdict(ratio <= GOALS['build'])} ({ratio:.2f}x).",
                "",
                "Incremental rebuild after editing one document (5 of its sections rewritten), "
                "`build()` on the same data directory:",
                "",
                "| edited | re-embedded | time |",
                "|---|---|---|",
                *(f"| {name} | {k} | {s:.2f} s |" for name, k, s in edits),
                "",
                f"Goal: under {GOALS['incremental_s']:.0f} s: "
                f"{verdict(inc < GOALS['incremental_s'])} (median {inc:.2f} s; the floor for "
                f"comparison is encoding 5 passages, about {5 / per:.2f} s).",
                "",
                f"Warm `engine.ask` on this {len(texts):,}-passage index (no goal; measured as in "
                f"section 1, {len(asked)} questions):",
                "",
                *latency_table(asked, floors_10k),
                "",
                f"Other processes used {cores:.2f} cores on average meanwhile. The synthetic "
                "texts share a small vocabulary with the questions, so nearly every question "
                "word matches thousands of passages and FTS5 ranks them all with BM25: the "
                "keyword search grows with the corpus (about 2 ms per question at 1,000 "
                "passages, on this machine), unlike FAISS at this size; the default ranking "
                "does not use it, only the hybrid modes of `boundary-bot eval --modes`.",
            ],
        )
    )
    res.goals.append((f"cold build within 1.2x of bare encode: {ratio:.2f}x", "", ratio <= 1.2))
    res.goals.append(
        (f"incremental rebuild under 3 s: {inc:.2f} s (median)", "", inc < GOALS["incremental_s"])
    )
    return knowledge, data


# --- 3b. editing the bundled knowledge ------------------------------------------------------
def bench_edit_bundled(cfg: Config, embedder, small: tuple[Path, Path], tmp: Path, res) -> None:
    """A running engine on copies of the bundled knowledge and its index: an admin adds an
    example question to one section; how long until the engine answers from the new index,
    and how long the models take to learn it in the background meanwhile."""
    from index import Engine

    knowledge, data = tmp / "edit-knowledge", tmp / "edit-data"
    shutil.copytree(small[0], knowledge)
    shutil.copytree(small[1], data)
    engine = Engine(knowledge, data, embedder=embedder, progress=False)
    assert not engine.last_build.rebuilt  # the copies are the same build
    docs = sorted(p for p in knowledge.glob("*.md") if "scope:" not in p.read_text())
    rows = []
    for edit in range(max(cfg.edits, 1)):
        path = docs[(7 + 5 * edit) % len(docs)]
        text = path.read_text(encoding="utf-8")
        path.write_text(
            text.replace("**Questions:**\n", f"**Questions:**\n- bench edit {edit}: is it ok\n", 1),
            encoding="utf-8",
        )
        start = time.perf_counter()
        report = engine.refresh(wait=False)
        answering = time.perf_counter() - start
        engine.ask("can i take a tip")  # answers meanwhile, from the previous models
        engine.wait_for_training()
        learned = time.perf_counter() - start
        rows.append((path.name, report.embedded, answering, learned))
        say(f"edit of {path.name}: answering in {answering:.2f} s, learned in {learned:.1f} s")
    inc = statistics.median(r[2] for r in rows)
    res.sections.append(
        (
            "3b. Editing the bundled knowledge",
            [
                "An engine running on copies of the bundled knowledge and its index; one "
                "example question is added to one section of one document, then "
                "`engine.refresh(wait=False)` (what a running bot does within "
                f"{FRESHNESS} s of a saved edit). *Answering*: until the engine answers from "
                "the new index (the new or edited section is found by the search at once); "
                "*learned*: until the models retrained in the background (a child process) "
                "answer too. Questions are answered all along.",
                "",
                "| edited | re-embedded | answering | learned |",
                "|---|---|---|---|",
                *(f"| {n} | {k} | {a:.2f} s | {lt:.0f} s |" for n, k, a, lt in rows),
                "",
                f"Goal: re-indexed in under {GOALS['incremental_s']:.0f} s: "
                f"{verdict(inc < GOALS['incremental_s'])} (median {inc:.2f} s).",
            ],
        )
    )
    res.goals.append(
        (
            f"editing one bundled document re-indexes in under 3 s: {inc:.2f} s (models "
            f"relearned in the background in {statistics.median(r[3] for r in rows):.0f} s)",
            "",
            inc < GOALS["incremental_s"],
        )
    )


# --- 4. cold start and memory -------------------------------------------------------------
COLD_QUESTION = "my client offered to fix my laptop for free, is that ok?"


def bench_cold_and_rss(
    cfg: Config, small: tuple[Path, Path], big: tuple[Path, Path], tmp: Path, res: Results
) -> None:
    from index.build import faiss_path
    from index.store import Store

    py = sys.executable
    cli = Path(py).with_name("boundary-bot")
    ask_cmd = (
        [str(cli), "ask", COLD_QUESTION]
        if cli.exists()
        else [py, "-m", "bot", "ask", COLD_QUESTION]
    )
    small_index = faiss_path(small[1], Store(small[1]).meta()["build_id"])
    floor_cmd = [py, str(HERE / "run.py"), "--child", "floor", str(small_index), COLD_QUESTION]
    env = child_env(*small)
    pyc = [py, "-c", "pass"]
    cold, bare, empty = [], [], []
    run_child(ask_cmd, env, tmp)  # the page cache holds the libraries from here on
    for _ in range(cfg.cold_runs):
        empty.append(run_child(pyc, env, tmp)[0])
        cold.append(run_child(ask_cmd, env, tmp)[0])
        bare.append(run_child(floor_cmd, env, tmp)[0])
    c, b, e = statistics.median(cold), statistics.median(bare), statistics.median(empty)

    # Peak RSS with the big index: the engine vs a process holding just the model and FAISS.
    big_index = faiss_path(big[1], Store(big[1]).meta()["build_id"])
    qs = str(cfg.rss_questions)
    _, eng_out = run_child(
        [py, str(HERE / "run.py"), "--child", "engine", str(big[0]), str(big[1]), qs],
        child_env(*big),
        tmp,
    )
    _, floor_out = run_child(
        [py, str(HERE / "run.py"), "--child", "floor-rss", str(big_index), qs],
        child_env(*big),
        tmp,
    )
    _, pack_out = run_child(
        [py, str(HERE / "run.py"), "--child", "engine", str(small[0]), str(small[1]), qs],
        child_env(*small),
        tmp,
    )
    eng, flo, pack = json.loads(eng_out), json.loads(floor_out), json.loads(pack_out)
    eng_rss, floor_rss, pack_rss = eng["peak_rss_mb"], flo["peak_rss_mb"], pack["peak_rss_mb"]
    worst = max(eng_rss, pack_rss)
    res.sections.append(
        (
            "4. Cold start and memory",
            [
                "Cold start to first answer: wall time of a fresh "
                f"`{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(ask_cmd[:2]))}"
                ' "..."` on the bundled knowledge with its index already built (libraries in '
                "the page cache: one untimed run first). Floor: a fresh Python process that "
                "imports sentence-transformers, loads the same model, reads the same FAISS "
                f"file, encodes the question and searches. Median of {cfg.cold_runs}, "
                "interleaved.",
                "",
                "| | wall (median) | runs |",
                "|---|---|---|",
                f"| `boundary-bot ask` | {c:.2f} s | {', '.join(f'{x:.2f}' for x in cold)} |",
                f"| floor: load model + encode + search | {b:.2f} s | "
                f"{', '.join(f'{x:.2f}' for x in bare)} |",
                f"| `python -c pass` | {e:.2f} s | {', '.join(f'{x:.2f}' for x in empty)} |",
                f"| **ratio** (ask / floor) | **{c / b:.2f}x** | |",
                "",
                "Peak RSS (`VmHWM` from the child's own `/proc/self/status` at exit) of a "
                "process that loads the "
                f"engine on the {eng['passages']:,}-passage synthetic index and answers "
                f"{cfg.rss_questions} questions, against a process that loads the model and "
                f"the same FAISS file and encodes and searches the same questions:",
                "",
                "| | peak RSS | startup |",
                "|---|---|---|",
                f"| engine, {eng['passages']:,} passages | {eng_rss:.0f} MB | "
                f"{eng['startup']:.2f} s |",
                f"| floor: model + FAISS | {floor_rss:.0f} MB | {flo['startup']:.2f} s |",
                f"| **ratio** | **{eng_rss / floor_rss:.2f}x** | |",
                f"| engine, bundled knowledge ({pack['passages']:,} sections, their example "
                f"questions and the learned models) | {pack_rss:.0f} MB | "
                f"{pack['startup']:.2f} s |",
                "",
                f"Goal: peak RSS under {GOALS['rss_mb']:.0f} MB: "
                f"{verdict(worst < GOALS['rss_mb'])} ({worst:.0f} MB at most). The learned "
                "models are trained in a child process (`index.build.train`), so the fitting "
                "(about 1.5 GB at its peak) never counts against a serving process.",
                "",
                "Not `ru_maxrss`: on Linux a child's `ru_maxrss` (from `getrusage` in the "
                "child, or `wait4`/`RUSAGE_CHILDREN` in the parent) starts at the parent's "
                "RSS when it forks, so a benchmark parent holding the model reports its own "
                "size for every child "
                f"(here the child's `ru_maxrss` read {eng['ru_maxrss_mb']:.0f} MB).",
            ],
        )
    )
    res.goals.append(
        (f"cold start to first answer (no goal): {c:.2f} s, {c / b:.2f}x the floor", "", True)
    )
    res.goals.append(
        (
            f"peak RSS under 800 MB: {eng_rss:.0f} MB with the 10,000-passage index "
            f"({eng_rss / floor_rss:.2f}x the floor), {pack_rss:.0f} MB on the bundled knowledge",
            "",
            worst < GOALS["rss_mb"],
        )
    )


# --- child processes ----------------------------------------------------------------------
def vm_hwm_mb() -> float:
    """This process's peak resident set size (its own, unlike `ru_maxrss` after a fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(args: list[str]) -> None:
    """What the subprocesses of section 4 run; prints one JSON line."""
    kind = args[0]
    if kind == "floor":  # cold-start floor: model + FAISS + one question
        import faiss

        from index.embedding import _quiet_offline_imports, autocast, resolve_model

        _quiet_offline_imports()
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(resolve_model(None), device="cpu")
        faiss.omp_set_num_threads(1)  # as the engine searches
        index = faiss.read_index(args[1])
        with autocast("auto"):  # the engine's default precision
            vector = model.encode([args[2]], normalize_embeddings=True)
        index.search(vector, min(ENTRY_CANDIDATES, index.ntotal))
        print(json.dumps({"ok": True}))
        return
    start = time.perf_counter()
    if kind == "engine":
        from index import Engine

        engine = Engine(Path(args[1]), Path(args[2]), progress=False)
        n = int(args[3])
        answer, passages = engine.ask, engine.store.count()
    else:  # floor-rss
        import faiss

        from index.embedding import (
            _quiet_offline_imports,
            autocast,
            resolve_model,
            resolve_precision,
        )

        _quiet_offline_imports()
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(resolve_model(None), device="cpu")
        faiss.omp_set_num_threads(1)  # as the engine searches
        index = faiss.read_index(args[1])
        n, passages = int(args[2]), index.ntotal
        precision = resolve_precision("auto")  # the engine's default; reads /proc/cpuinfo

        def answer(q: str) -> None:
            with autocast(precision):
                vector = model.encode([q], normalize_embeddings=True)
            index.search(vector, min(ENTRY_CANDIDATES, index.ntotal))

    startup = time.perf_counter() - start
    times = []
    for q in corpus.questions(n, seed=3):
        t = time.perf_counter()
        answer(q)
        times.append(time.perf_counter() - t)
    print(
        json.dumps(
            {
                "passages": passages,
                "startup": startup,
                "per_question": statistics.median(times),
                "peak_rss_mb": vm_hwm_mb(),
                "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


# --- report -------------------------------------------------------------------------------
def render(cfg: Config, info: list[str], res: Results, seconds: float) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `bench/run.py{' --quick' if cfg.quick else ''}` on "
        f"{time.strftime('%Y-%m-%d %H:%M %Z')} in {seconds / 60:.1f} minutes.",
    ]
    if cfg.quick:
        lines += [
            "",
            f"**Quick run** ({cfg.docs * cfg.sections} synthetic passages, fewer samples): "
            "for iterating, not for judging the goals.",
        ]
    lines += [
        "",
        "Each figure is a ratio to a floor measured in the same run, because the machine is "
        "shared and absolute times vary between runs; raw numbers are given beside it.",
        "",
        "## Machine",
        "",
        *info,
        f"- Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "",
        "## Goals",
        "",
        *(f"- [{'x' if ok else ' '}] {text}" for text, _, ok in res.goals),
        "",
    ]
    for title, body in res.sections:
        lines += [f"## {title}", "", *body, ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small corpus, fewer samples")
    parser.add_argument(
        "--out", help="write the report here (default: BENCHMARKS.md; --quick: stdout only)"
    )
    parser.add_argument(
        "--only", choices=["latency", "build", "cold"], help="run one part (for iterating)"
    )
    args = parser.parse_args()
    cfg = QUICK if args.quick else FULL
    out = Path(args.out) if args.out else (None if cfg.quick else ROOT / "BENCHMARKS.md")
    started = time.perf_counter()
    random.seed(0)

    from index import Engine
    from index.embedding import Embedder

    info = machine()
    res = Results()
    tmp = Path(tempfile.mkdtemp(prefix="boundary-bench-"))
    try:
        say("loading the model")
        embedder = Embedder()
        small = (ROOT / "knowledge", tmp / "bundled-data")
        engine = Engine(*small, embedder=embedder, progress=False)
        say(f"bundled knowledge: {engine.store.count()} sections")
        if args.only in (None, "latency"):
            say("1. warm service time")
            bench_latency(cfg, engine, res)
            say("2. throughput")
            bench_throughput(cfg, engine, res)
        if args.only in (None, "build", "cold"):
            if args.only == "cold":
                cfg = Config(**{**cfg.__dict__, "edits": 0})
            say("3. index build")
            big = bench_build(cfg, embedder, tmp, res)
            if args.only != "cold":
                say("3b. editing the bundled knowledge")
                bench_edit_bundled(cfg, embedder, small, tmp, res)
            if args.only != "build":
                say("4. cold start and memory")
                bench_cold_and_rss(cfg, small, big, tmp, res)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report = render(cfg, info, res, time.perf_counter() - started)
    if out:
        out.write_text(report, encoding="utf-8")
        say(f"wrote {out}")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
