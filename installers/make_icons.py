"""Draw the JewelTrak app icon and write it in every format the installers use.

    .venv/bin/python installers/make_icons.py

Writes ``resources/icons/``: ``jeweltrak-<N>.png`` for the Linux icon theme (hicolor
sizes), ``jeweltrak.ico`` (Windows: the .exe and the installer) and ``jeweltrak.icns``
(macOS). The outputs are committed; run this again only to change the drawing. The
icon is a cut gem in the app's accent blue on the navigation panel's dark slate, drawn
once at 1024 px and scaled down, so every size comes from the same picture.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

REPO_ROOT = Path(__file__).resolve().parents[1]
ICON_DIR = REPO_ROOT / "resources" / "icons"
BASE_NAME = "jeweltrak"
#: Sizes of the PNGs installed into the Linux icon theme (hicolor/<N>x<N>/apps).
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
CANVAS = 1024

SLATE = (31, 41, 51, 255)  # the navigation panel, #1f2933
ACCENT = (43, 108, 176, 255)  # the app's accent, #2b6cb0
LIGHT = (144, 190, 238, 255)
PALE = (214, 232, 250, 255)
DEEP = (26, 72, 122, 255)


def draw_icon(size: int = CANVAS) -> Image.Image:
    """The icon at ``size`` pixels (drawn at 1024 and scaled: one picture for every size)."""
    image = Image.new("RGBA", (CANVAS, CANVAS), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin, radius = 40, 200
    draw.rounded_rectangle(
        (margin, margin, CANVAS - margin, CANVAS - margin), radius=radius, fill=SLATE
    )
    # A brilliant seen from the side: table, crown facets, pavilion down to the culet.
    left, right, girdle, top, culet = 190, 834, 430, 260, 850
    table_left, table_right = 360, 664
    crown_mid_left, crown_mid_right = 275, 749
    draw.polygon([(left, girdle), (table_left, top), (crown_mid_left + 60, girdle)], fill=LIGHT)
    draw.polygon(
        [(table_left, top), (table_right, top), (512, girdle)], fill=PALE
    )
    draw.polygon(
        [(table_left, top), (512, girdle), (crown_mid_left + 60, girdle)], fill=ACCENT
    )
    draw.polygon(
        [(table_right, top), (crown_mid_right - 60, girdle), (512, girdle)], fill=ACCENT
    )
    draw.polygon(
        [(table_right, top), (right, girdle), (crown_mid_right - 60, girdle)], fill=LIGHT
    )
    draw.polygon([(left, girdle), (crown_mid_left + 60, girdle), (512, culet)], fill=ACCENT)
    draw.polygon(
        [(crown_mid_left + 60, girdle), (512, girdle), (512, culet)], fill=LIGHT
    )
    draw.polygon(
        [(512, girdle), (crown_mid_right - 60, girdle), (512, culet)], fill=ACCENT
    )
    draw.polygon([(crown_mid_right - 60, girdle), (right, girdle), (512, culet)], fill=DEEP)
    outline = [(left, girdle), (table_left, top), (table_right, top), (right, girdle),
               (512, culet)]
    draw.line([*outline, outline[0]], fill=PALE, width=14, joint="curve")
    draw.line([(left, girdle), (right, girdle)], fill=PALE, width=10)
    if size == CANVAS:
        return image
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(folder: Path = ICON_DIR) -> list[Path]:
    """Write every icon file into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    master = draw_icon()
    written: list[Path] = []
    for size in PNG_SIZES:
        path = folder / f"{BASE_NAME}-{size}.png"
        master.resize((size, size), Image.Resampling.LANCZOS).save(path, optimize=True)
        written.append(path)
    ico = folder / f"{BASE_NAME}.ico"
    master.save(ico, sizes=[(s, s) for s in ICO_SIZES])
    written.append(ico)
    icns = folder / f"{BASE_NAME}.icns"
    master.save(icns)
    written.append(icns)
    return written


def main() -> int:
    for path in write_icons():
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
