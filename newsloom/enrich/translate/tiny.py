"""A tiny translation model built on the spot: random Transformer weights through CTranslate2's spec API and a
SentencePiece model trained on a few lines.

Why it exists: the real models (Argos Translate, OPUS-MT) are downloads this machine and CI cannot make, yet the
offline path (loading a model directory, tokenising, batching, decoding, caching, storing) must run for real in
tests and benchmarks. Its output is nonsense in the target's vocabulary; its speed per sentence is a lower bound
of a real model's cost. The directory it writes has an Argos package's layout (``model/`` and
``sentencepiece.model``), so it also stands in for an installed package.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np

D_MODEL = 32
FFN = 64


def train_sentencepiece(lines: Iterable[str], vocab_size: int = 200) -> bytes:
    """A SentencePiece model (bytes) trained on ``lines``."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=model,
        vocab_size=vocab_size,
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return model.getvalue()


def _fill(spec: object, vocabulary_size: int, rng: np.random.Generator) -> None:
    """Random weights for every required variable, shaped by where it sits in the Transformer."""
    from ctranslate2.specs import model_spec

    def shape_for(scope: str, name: str) -> tuple[int, ...]:
        parts = scope.split("/")
        if name in ("gamma", "beta"):
            return (D_MODEL,)
        if "embeddings" in parts[-1] or parts[-1] == "projection":
            return (vocabulary_size, D_MODEL)
        if parts[-2] == "ffn":
            return (FFN, D_MODEL) if parts[-1] == "linear_0" else (D_MODEL, FFN)
        if parts[-1].startswith("linear_"):
            index = int(parts[-1].split("_")[1])
            fused = {("self_attention", 0): 3, ("attention", 1): 2}
            return (fused.get((parts[-2], index), 1) * D_MODEL, D_MODEL)
        raise ValueError(f"no shape known for {scope}/{name}")

    def visit(layer: object, scope: str) -> None:
        for name, value in list(vars(layer).items()):
            if isinstance(value, list):
                for index, item in enumerate(value):
                    visit(item, f"{scope}/{name}_{index}")
            elif isinstance(value, model_spec.LayerSpec):
                visit(value, f"{scope}/{name}")
            elif value is None:
                weights = rng.normal(0, 0.5, size=shape_for(f"{scope}/{name}".rsplit("/", 1)[0], name))
                if name == "gamma":
                    weights = np.ones(D_MODEL)
                setattr(layer, name, weights.astype(np.float32))

    visit(spec, "")


def build_tiny_model(directory: Path, source_lines: list[str], target_lines: list[str], seed: int = 7) -> Path:
    """Writes an Argos-style package directory (``model/``, ``sentencepiece.model``) and returns it."""
    import sentencepiece as spm
    from ctranslate2 import specs

    directory.mkdir(parents=True, exist_ok=True)
    sp_bytes = train_sentencepiece([*source_lines, *target_lines])
    (directory / "sentencepiece.model").write_bytes(sp_bytes)
    processor = spm.SentencePieceProcessor(model_proto=sp_bytes)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    vocabulary = ["<blank>", "<s>", "</s>", *[p for p in pieces if p not in ("<unk>", "<s>", "</s>")]]
    vocabulary.insert(0, "<unk>")
    spec = specs.TransformerSpec.from_config(num_layers=2, num_heads=2)
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    _fill(spec, len(vocabulary), np.random.default_rng(seed))
    spec.validate()
    spec.optimize()
    (directory / "model").mkdir(exist_ok=True)
    spec.save(str(directory / "model"))
    return directory
