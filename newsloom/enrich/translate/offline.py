"""The ``ctranslate2`` backend: an offline model in a local directory, no network.

Layouts read, per language pair, in ``translate_model_dir``:

- an Argos Translate package (``vi_en/`` or any directory whose ``metadata.json`` names the pair): ``model/``
  (a CTranslate2 model) and ``sentencepiece.model``;
- an OPUS-MT model converted with ``ct2-transformers-converter``: ``model.bin`` beside ``source.spm`` and
  ``target.spm`` in ``vi_en/`` (or ``opus-mt-vi-en/``).

Models load on first use and stay loaded; the ctranslate2 import is deferred so commands that never translate
pay nothing for it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsloom.enrich.translate.base import NoModelError, TranslationError, check_count

BATCH_SIZE = 32
MAX_DECODING = 256


@dataclass(slots=True)
class _Loaded:
    translator: Any
    source_sp: Any
    target_sp: Any
    directory: Path


def find_model(model_dir: Path, source: str, target: str) -> tuple[Path, Path, Path]:
    """(CTranslate2 model dir, source SentencePiece, target SentencePiece) for the pair, or ``NoModelError``
    ("no model for pt→en") with a hint saying how to install one."""
    if not model_dir.is_dir():
        raise NoModelError(
            source,
            target,
            f"model directory {model_dir} does not exist: run `newsloom models install {source} {target}` "
            "or set translate_model_dir",
        )
    candidates = [model_dir / f"{source}_{target}", model_dir / f"opus-mt-{source}-{target}", model_dir]
    for metadata in sorted(model_dir.glob("*/metadata.json")):
        try:
            meta = json.loads(metadata.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("from_code") == source and meta.get("to_code") == target:
            candidates.insert(0, metadata.parent)
    for candidate in candidates:
        if (candidate / "model" / "model.bin").is_file() and (candidate / "sentencepiece.model").is_file():
            spm = candidate / "sentencepiece.model"
            return candidate / "model", spm, spm
        if (candidate / "model.bin").is_file() and (candidate / "source.spm").is_file():
            return candidate, candidate / "source.spm", candidate / "target.spm"
    raise NoModelError(
        source,
        target,
        f"no {source}→{target} model in {model_dir} (looked for {source}_{target}/model/model.bin with "
        f"sentencepiece.model, or model.bin with source.spm): run `newsloom models install {source} {target}`",
    )


def installed_models(model_dir: Path) -> list[tuple[str, str, Path]]:
    """(source, target, directory) of every model installed in ``model_dir``, by directory name (``vi_en``)."""
    found: list[tuple[str, str, Path]] = []
    if not model_dir.is_dir():
        return found
    for path in sorted(model_dir.iterdir()):
        if path.is_dir() and "_" in path.name:
            source, _, target = path.name.partition("_")
            try:
                find_model(model_dir, source, target)
            except TranslationError:
                continue
            found.append((source, target, path))
    return found


class CTranslate2Translator:
    name = "ctranslate2"

    def __init__(self, model_dir: Path, threads: int = 1) -> None:
        self.model_dir = model_dir
        self.model = str(model_dir)  # the memory's key: constant for the run
        self.last_model: str | None = None  # the package last used, recorded on the edition
        self.threads = threads
        self._loaded: dict[tuple[str, str], _Loaded] = {}
        self._lock = threading.Lock()

    def supports(self, source: str, target: str) -> bool:
        """Whether a model for the pair is installed (a look at the directory; nothing is loaded)."""
        try:
            find_model(self.model_dir, source, target)
        except NoModelError:
            return False
        return True

    def _load(self, source: str, target: str) -> _Loaded:
        with self._lock:
            if (source, target) in self._loaded:
                return self._loaded[(source, target)]
            model_path, source_spm, target_spm = find_model(self.model_dir, source, target)
            try:
                import ctranslate2
                import sentencepiece
            except ImportError as error:  # the translation extra; the other backends need neither
                raise TranslationError(
                    f"the ctranslate2 backend needs the translation extra ({error.name} is not installed): "
                    "pip install 'newsloom[translation]'"
                ) from error
            try:
                loaded = _Loaded(
                    ctranslate2.Translator(str(model_path), device="cpu", inter_threads=1, intra_threads=self.threads),
                    sentencepiece.SentencePieceProcessor(model_file=str(source_spm)),
                    sentencepiece.SentencePieceProcessor(model_file=str(target_spm)),
                    model_path,
                )
            except (RuntimeError, OSError, ValueError) as error:
                raise TranslationError(f"cannot load the {source}→{target} model in {model_path}: {error}") from error
            self._loaded[(source, target)] = loaded
            return loaded

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        loaded = self._load(source, target)
        package = loaded.directory.parent if loaded.directory.name == "model" else loaded.directory
        self.last_model = package.name
        tokens = [loaded.source_sp.encode(text, out_type=str) for text in texts]
        # Batched by length bucket: similar lengths decode together (less padding), and a segment's decoding
        # limit depends on its own length only, so a sentence translates the same in any batch.
        buckets: dict[int, list[int]] = {}
        for index, item in enumerate(tokens):
            limit = min(MAX_DECODING, -(-(2 * len(item) + 10) // 16) * 16)
            buckets.setdefault(limit, []).append(index)
        results: list[str | None] = [None] * len(texts)
        try:
            for limit, indices in sorted(buckets.items()):
                for start in range(0, len(indices), BATCH_SIZE):
                    chunk = indices[start : start + BATCH_SIZE]
                    outputs = loaded.translator.translate_batch(
                        [tokens[i] for i in chunk], beam_size=2, max_batch_size=BATCH_SIZE, max_decoding_length=limit
                    )
                    for i, output in zip(chunk, outputs, strict=True):
                        results[i] = loaded.target_sp.decode(output.hypotheses[0])
        except (RuntimeError, ValueError) as error:
            raise TranslationError(f"ctranslate2 failed: {error}") from error
        return check_count(texts, [r for r in results if r is not None], self.name)
        return check_count(texts, results, self.name)
