"""Checking a fetched image and making its renditions (Pillow).

An image is accepted only if Pillow recognises it as one of the real raster types (JPEG, PNG, GIF, WebP), its
pixel count is under ``image_max_pixels`` (Pillow's decompression-bomb limit, enforced before decoding) and its
file under ``image_max_bytes``. SVG is refused: it is a document that may carry script. Renditions are made at
the widths of ``RENDITIONS`` not wider than the original (and the original width when it is narrower than the
largest), each as WebP and in a fallback format browsers without WebP read (JPEG, or PNG for transparency).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from newsloom.errors import NewsloomError

RENDITIONS = {"thumbnail": 320, "card": 640, "full": 1280}
ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
SMALLEST_SIDE = 16  # tracking pixels and spacers are not pictures


class ImageRejected(NewsloomError):
    """The bytes are not an image the portal keeps (type, size, pixels, or damage)."""


@dataclass(frozen=True, slots=True)
class Renditions:
    digest: str
    mime: str
    width: int
    height: int
    files: dict[str, bytes]  # storage name -> bytes
    widths: tuple[int, ...]

    @staticmethod
    def name(digest: str, width: int, extension: str) -> str:
        return f"{digest[:2]}/{digest}-{width}.{extension}"


def fallback_extension(mime: str | None) -> str:
    return "jpg" if mime == "image/jpeg" else "png"


def make_renditions(data: bytes, *, max_bytes: int, max_pixels: int, origin: str = "") -> Renditions:
    if len(data) > max_bytes:
        raise ImageRejected(f"image larger than {max_bytes} bytes", origin)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format or ""
                width, height = probe.size
                if kind not in ACCEPTED:
                    raise ImageRejected(f"not an accepted image type ({kind or 'unknown'})", origin)
                if width * height > max_pixels:
                    raise ImageRejected(f"image of {width}x{height} pixels exceeds {max_pixels}", origin)
                if min(width, height) < SMALLEST_SIDE:
                    raise ImageRejected(f"image of {width}x{height} pixels is too small to show", origin)
                probe.load()
                picture = ImageOps.exif_transpose(probe)
    except ImageRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected(f"not an image: {error}", origin) from None
    except (OSError, ValueError, SyntaxError) as error:  # truncated or damaged files
        raise ImageRejected(f"damaged image: {error}", origin) from None
    mime = ACCEPTED[kind]
    digest = hashlib.sha256(data).hexdigest()
    width, height = picture.size
    has_alpha = picture.mode in ("RGBA", "LA", "PA") or (picture.mode == "P" and "transparency" in picture.info)
    picture = picture.convert("RGBA" if has_alpha else "RGB")
    fallback = "png" if has_alpha or mime != "image/jpeg" else "jpg"
    widths = sorted({w for w in RENDITIONS.values() if w < width} | {min(width, max(RENDITIONS.values()))})
    files: dict[str, bytes] = {}
    for target in widths:
        scaled = picture if target == width else picture.resize(
            (target, max(1, round(height * target / width))), Image.Resampling.LANCZOS
        )  # fmt: skip
        files[Renditions.name(digest, target, "webp")] = _encode(scaled, "WEBP", quality=80, method=4)
        if fallback == "jpg":
            files[Renditions.name(digest, target, "jpg")] = _encode(scaled, "JPEG", quality=82, optimize=True)
        else:
            files[Renditions.name(digest, target, "png")] = _encode(scaled, "PNG", optimize=True)
    return Renditions(digest, mime, width, height, files, tuple(widths))


def _encode(picture: Image.Image, kind: str, **options: object) -> bytes:
    out = io.BytesIO()
    picture.save(out, kind, **options)
    return out.getvalue()
