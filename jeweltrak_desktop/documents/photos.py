"""Photos: downscaled once when they are saved, embedded as they are when a document prints.

A phone photo is 4000–6000 px and several MB; printed at two or three inches it needs
about 1200 px. ``prepare_photo`` makes that copy when a clerk attaches the photo, so a
document embeds the small JPEG byte for byte (no decoding, no re-encoding) and stays small
and fast. A document never fails because of a photo: a missing or unreadable file prints
as a labelled placeholder box, and a photo that was never prepared (too large, not a
JPEG, rotated by EXIF) is downscaled in memory just for that document.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError
from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Image

from jeweltrak_core.errors import ValidationError
from jeweltrak_desktop.documents.fonts import SANS, draw_text, fit_text

#: Long side of a saved photo, in pixels.
MAX_EDGE_PX = 1200
JPEG_QUALITY = 85
#: A JPEG up to this size is embedded as is (a prepared photo, or one close enough).
PASSTHROUGH_MAX_EDGE_PX = 1600
_EXIF_ORIENTATION = 0x0112
_PLACEHOLDER_FILL = Color(0.95, 0.95, 0.95)
_PLACEHOLDER_INK = Color(0.45, 0.45, 0.45)
_DECODE_ERRORS = (OSError, UnidentifiedImageError, ValueError, PILImage.DecompressionBombError)


class PhotoUnreadable(ValidationError):
    """A photo file that is missing, not an image, or damaged."""

    code = "photo_unreadable"


def _normalized(image: PILImage.Image) -> PILImage.Image:
    """Upright (EXIF orientation applied), RGB on white, at most MAX_EDGE_PX on the long side."""
    if image.format == "JPEG":
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale: a 6000 px photo loads in a fraction.
        image.draft("RGB", (MAX_EDGE_PX, MAX_EDGE_PX))
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        flat = PILImage.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    upright.thumbnail((MAX_EDGE_PX, MAX_EDGE_PX), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
    return upright


def _jpeg_bytes(image: PILImage.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def prepare_photo(src: Path, dest_dir: Path) -> Path:
    """Save a print-ready copy of ``src`` in ``dest_dir``: ≤ 1200 px, upright, JPEG.

    The file is named by its content, so saving the same photo twice yields one file.
    Raises PhotoUnreadable with a sentence for the clerk when ``src`` cannot be used.
    """
    src = Path(src)
    if not src.is_file():
        raise PhotoUnreadable(f"The photo “{src.name}” was not found; pick the file again.")
    try:
        with PILImage.open(src) as image:
            data = _jpeg_bytes(_normalized(image))
    except _DECODE_ERRORS as exc:
        raise PhotoUnreadable(
            f"“{src.name}” is not a photo this app can read (damaged or not an image); "
            "save it as JPEG or PNG and try again.",
            path=str(src),
        ) from exc
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    target = dest_dir / f"{hashlib.sha256(data).hexdigest()[:20]}.jpg"
    if not target.exists():
        # Write beside the target and rename: a crash never leaves half a photo behind.
        fd, temp = tempfile.mkstemp(dir=dest_dir, suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    return target


@dataclass(frozen=True)
class LoadedPhoto:
    """A photo ready to embed: a JPEG file path (embedded as is) or in-memory JPEG data."""

    source: str | io.BytesIO
    width_px: int
    height_px: int


def load_photo(path: Path) -> LoadedPhoto | str:
    """The photo at ``path`` ready to embed, or why it cannot be: "missing" / "unreadable"."""
    if not path.is_file():
        return "missing"
    try:
        with PILImage.open(path) as image:
            if _embeddable_as_is(image):
                width, height = image.size
                # Decoding at 1/8 scale is cheap and still reads every byte of the scan, so
                # a truncated or garbled file is caught here and not in the PDF viewer.
                image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                image.load()
                return LoadedPhoto(str(path), width, height)
            small = _normalized(image)
            data = _jpeg_bytes(small)
            return LoadedPhoto(io.BytesIO(data), small.width, small.height)
    except _DECODE_ERRORS:
        return "unreadable"


def _embeddable_as_is(image: PILImage.Image) -> bool:
    """A JPEG small enough, in RGB or gray, upright: what ``prepare_photo`` writes."""
    return (
        image.format == "JPEG"
        and image.mode in ("RGB", "L")
        and max(image.size) <= PASSTHROUGH_MAX_EDGE_PX
        and image.getexif().get(_EXIF_ORIENTATION, 1) == 1
    )


class PhotoPlaceholder(Flowable):  # type: ignore[misc]
    """A grey box where a photo should be, saying which file and what is wrong with it."""

    def __init__(self, name: str, problem: str, width: float, height: float) -> None:
        super().__init__()
        self.name, self.problem = name, problem
        self.width, self.height = width, height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setFillColor(_PLACEHOLDER_FILL)
        canv.setStrokeColor(_PLACEHOLDER_INK)
        canv.setDash(3, 2)
        canv.rect(0, 0, self.width, self.height, stroke=1, fill=1)
        canv.setFillColor(_PLACEHOLDER_INK)
        room = self.width - 8
        middle = self.height / 2
        draw_text(canv, self.width / 2, middle + 2, fit_text("Photo unavailable", SANS, 8, room),
                  size=8, align="center")
        detail = fit_text(f"{self.name} ({self.problem})", SANS, 6.5, room)
        draw_text(canv, self.width / 2, middle - 8, detail, size=6.5, align="center")
        canv.restoreState()


def photo_flowable(path: Path, max_width: float, max_height: float) -> Flowable:
    """The photo scaled to fit the box (aspect kept), or a placeholder the size of the box."""
    loaded = load_photo(path)
    if isinstance(loaded, str):
        problem = "file missing" if loaded == "missing" else "file damaged or not an image"
        return PhotoPlaceholder(path.name, problem, max_width, max_height)
    scale = min(max_width / loaded.width_px, max_height / loaded.height_px)
    return Image(loaded.source, width=loaded.width_px * scale, height=loaded.height_px * scale)
