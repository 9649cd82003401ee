"""Embedding precision: bfloat16 autocast where the CPU has it, with float32's rankings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedding import native_bfloat16, resolve_precision

QUESTIONS = [
    "my client offered to fix my laptop for free, is that ok?",
    "she wants to give me her late husband's watch",
    "the homeowner keeps texting my personal phone at night",
]


@pytest.mark.parametrize(
    ("flags", "native"),
    [
        ("fpu sse2 avx2 avx512f avx512_bf16 avx512_vnni", True),
        ("fpu sse2 avx2 amx_bf16 amx_tile", True),
        ("fpu sse2 avx2 avx512f avx512bw", False),
    ],
)
def test_native_bfloat16_reads_the_cpu_flags(tmp_path: Path, flags: str, native: bool) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(f"processor\t: 0\nflags\t\t: {flags}\n")
    assert native_bfloat16(cpuinfo) is native


def test_auto_precision_follows_the_cpu_and_explicit_choices_win() -> None:
    assert resolve_precision("auto") == ("bfloat16" if native_bfloat16() else "float32")
    assert resolve_precision("float32") == "float32"
    assert resolve_precision("bfloat16") == "bfloat16"
    assert native_bfloat16(Path("/nonexistent/cpuinfo")) is False


def test_bfloat16_vectors_match_float32(embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """The embedding cache is shared between precisions, so they must agree closely."""
    spans = [[(0, len(q))] for q in QUESTIONS]
    monkeypatch.setattr(embedder, "precision", "float32")
    exact = embedder.encode_queries(QUESTIONS)
    exact_passages = embedder.encode_passages(QUESTIONS, spans)
    monkeypatch.setattr(embedder, "precision", "bfloat16")
    fast = embedder.encode_queries(QUESTIONS)
    fast_passages = embedder.encode_passages(QUESTIONS, spans)
    assert fast.dtype == np.float32
    assert not np.array_equal(fast, exact)  # autocast really ran
    assert (fast * exact).sum(axis=1).min() > 0.9999
    for (vector, sentences), (exact_vector, exact_sentences) in zip(
        fast_passages, exact_passages, strict=True
    ):
        assert float(vector @ exact_vector) > 0.9999
        assert float((sentences * exact_sentences).sum()) > 0.9999
