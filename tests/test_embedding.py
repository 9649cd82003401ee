"""Embedding precision: bfloat16 autocast where the CPU has it, with float32's rankings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedding import (
    Embedder,
    _length_groups,
    autocast,
    native_bfloat16,
    resolve_precision,
)
from index.model_thread import on_model_thread

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


@pytest.fixture(scope="module")
def both() -> tuple[Embedder, Embedder]:
    """The default model loaded in float32 and in bfloat16 (emulated where the CPU lacks it)."""
    return Embedder(precision="float32"), Embedder(precision="bfloat16")


def test_bfloat16_vectors_match_float32(both: tuple[Embedder, Embedder]) -> None:
    """The embedding cache is shared between precisions, so they must agree closely."""
    exact_embedder, fast_embedder = both
    spans = [[(0, len(q))] for q in QUESTIONS]
    exact = exact_embedder.encode_queries(QUESTIONS)
    exact_passages = exact_embedder.encode_passages(QUESTIONS, spans)
    fast = fast_embedder.encode_queries(QUESTIONS)
    fast_passages = fast_embedder.encode_passages(QUESTIONS, spans)
    assert fast.dtype == np.float32
    assert not np.array_equal(fast, exact)  # bfloat16 really ran
    assert (fast * exact).sum(axis=1).min() > 0.9999
    for (vector, sentences), (exact_vector, exact_sentences) in zip(
        fast_passages, exact_passages, strict=True
    ):
        assert float(vector @ exact_vector) > 0.9999
        assert float((sentences * exact_sentences).sum()) > 0.9999


def test_bfloat16_weights_give_autocasts_vectors_bit_for_bit(
    both: tuple[Embedder, Embedder],
) -> None:
    """Keeping the linear weights in bfloat16 only saves autocast's per-call cast."""
    exact_embedder, fast_embedder = both

    def float32_weights_under_autocast() -> np.ndarray:
        with autocast("bfloat16"):
            return exact_embedder.model.encode(QUESTIONS, normalize_embeddings=True)

    assert np.array_equal(
        on_model_thread(float32_weights_under_autocast), fast_embedder.encode_queries(QUESTIONS)
    )


def test_a_long_question_is_encoded_apart_and_ordinary_ones_together() -> None:
    ordinary = [60 + 3 * i for i in range(32)]  # 60 to 153 characters
    assert _length_groups(ordinary) == [list(range(32))]
    assert _length_groups([85] * 31 + [400]) == [list(range(31)), [31]]
    assert _length_groups([400] + [85] * 31) == [list(range(1, 32)), [0]]
    assert _length_groups([]) == []
    groups = _length_groups([100] * 150, most=64)
    assert max(len(g) for g in groups) <= 64
    assert sorted(i for g in groups for i in g) == list(range(150))


def test_grouped_encoding_gives_each_question_its_own_vector(embedder) -> None:
    long = " ".join(QUESTIONS) * 4  # several hundred characters: encoded in its own pass
    texts = [*QUESTIONS, long, *QUESTIONS[::-1]]
    together = embedder.encode_queries(texts)
    alone = np.vstack([embedder.encode_queries([t]) for t in texts])
    assert together.shape == (len(texts), embedder.dim)
    assert (together * alone).sum(axis=1).min() > 0.9999
