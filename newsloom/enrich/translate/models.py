"""Installing offline models: Argos Translate packages (a zip: ``model/``, ``sentencepiece.model``,
``metadata.json``) unpacked into ``translate_model_dir/<source>_<target>``.

The index and packages are downloaded only by ``newsloom models install`` (never at import time), with a short
timeout; where the network does not allow it, the error says how to install a package from a file.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import httpx

from newsloom.enrich.translate.offline import installed_models
from newsloom.errors import NewsloomError

__all__ = ["ModelInstallError", "install_from_file", "install_from_index", "installed_models"]
from newsloom.settings import Settings

ARGOS_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"


class ModelInstallError(NewsloomError):
    pass


def _manual(source: str, target: str, model_dir: Path) -> str:
    return (
        f"download the Argos Translate package translate-{source}_{target}-*.argosmodel on a machine with network "
        f"access (listed in {ARGOS_INDEX}), copy it here and run `newsloom models install {source} {target} --file "
        f"PATH.argosmodel`; or put a CTranslate2 model (model.bin with source.spm/target.spm, e.g. OPUS-MT converted "
        f"with ct2-transformers-converter) in {model_dir / f'{source}_{target}'}"
    )


def install_from_file(package: Path, model_dir: Path, source: str, target: str) -> Path:
    """Unpack an .argosmodel into ``model_dir/<source>_<target>`` and check that it loads as that pair."""
    destination = model_dir / f"{source}_{target}"
    try:
        with zipfile.ZipFile(package) as archive, tempfile.TemporaryDirectory(dir=_parent(model_dir)) as scratch:
            for member in archive.namelist():
                if member.startswith("/") or ".." in Path(member).parts:
                    raise ModelInstallError(f"{package}: unsafe path in the package: {member}")
            archive.extractall(scratch)
            roots = [p for p in Path(scratch).iterdir() if p.is_dir()]
            root = roots[0] if len(roots) == 1 and not (Path(scratch) / "model").exists() else Path(scratch)
            meta_file = root / "metadata.json"
            if meta_file.is_file():
                meta = json.loads(meta_file.read_text(encoding="utf-8"))
                pair = (meta.get("from_code"), meta.get("to_code"))
                if pair != (source, target):
                    raise ModelInstallError(f"{package} translates {pair[0]}→{pair[1]}, not {source}→{target}")
            if not ((root / "model" / "model.bin").is_file() and (root / "sentencepiece.model").is_file()):
                raise ModelInstallError(
                    f"{package} is not an Argos Translate package (no model/ and sentencepiece.model)"
                )
            if destination.exists():
                shutil.rmtree(destination)
            shutil.move(str(root), destination)
    except zipfile.BadZipFile as error:
        raise ModelInstallError(f"{package} is not a zip file (an .argosmodel is one)") from error
    except (OSError, ValueError) as error:
        raise ModelInstallError(f"{package}: {error}") from error
    return destination


def _parent(model_dir: Path) -> Path:
    model_dir.mkdir(parents=True, exist_ok=True)
    return model_dir


def install_from_index(source: str, target: str, model_dir: Path, settings: Settings) -> Path:
    """Find the pair in the Argos index, download and install it; a plain message when the network refuses."""
    try:
        with httpx.Client(
            timeout=15.0, follow_redirects=True, headers={"User-Agent": settings.http_user_agent}
        ) as client:
            index = client.get(ARGOS_INDEX)
            index.raise_for_status()
            entries = [e for e in index.json() if e.get("from_code") == source and e.get("to_code") == target]
            if not entries:
                raise ModelInstallError(f"the Argos index has no {source}→{target} package")
            links = entries[-1].get("links") or []
            if not links:
                raise ModelInstallError(f"the Argos index lists {source}→{target} without a download link")
            with tempfile.NamedTemporaryFile(suffix=".argosmodel", dir=_parent(model_dir)) as handle:
                with client.stream("GET", links[0]) as response:
                    response.raise_for_status()
                    for chunk in response.iter_bytes():
                        handle.write(chunk)
                handle.flush()
                return install_from_file(Path(handle.name), model_dir, source, target)
    except (httpx.HTTPError, ValueError) as error:
        raise ModelInstallError(
            f"cannot download the {source}→{target} model ({type(error).__name__}: {error}); to install without "
            f"network: {_manual(source, target, model_dir)}"
        ) from error
