"""The bundled knowledge pack against the dev set: guards the calibration of the engine.

Floors sit a little under the figures measured when the thresholds were set, so a change to
the knowledge or the engine that makes answers worse fails here.
"""

from __future__ import annotations

from bot.evaluate import evaluate, load_cases
from tests.conftest import ROOT


def test_devset_is_big_enough_and_covers_every_kind() -> None:
    cases = load_cases(ROOT / "tests" / "devset.jsonl")
    kinds = [c.kind for c in cases]
    assert len(cases) >= 60
    assert kinds.count("out_of_scope") >= 10 and kinds.count("urgent") >= 10


def test_pack_quality_on_devset(pack_engine) -> None:
    report = evaluate(pack_engine, load_cases(ROOT / "tests" / "devset.jsonl"))
    hybrid = report.retrieval["hybrid"]
    assert hybrid["hit@3"] >= 0.80, report.misses
    assert hybrid["mrr"] >= 0.72
    assert hybrid["mrr"] >= report.retrieval["keyword"]["mrr"]
    assert report.rejection_rate >= 0.9
    assert report.false_rejection_rate <= 0.1
    assert report.urgent_rate >= 0.9
    assert report.false_urgent_rate <= 0.05
