"""A small Code128 reader for rendered pages, so tests can scan what a scanner would scan.

It looks for a pixel row that decodes as a complete Code128 symbol (start code, data,
checksum, stop). Each 6-element character is read the way scanners do, by its four
edge-to-edge distances (bar + space, space + bar) in modules of that character's own width
(11 modules), which ignores ink spread and anti-aliasing; the stop character's extra final
bar is skipped. Widths come from reportlab's table (upper-case letters bars, lower-case
spaces, A = one module).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from reportlab.graphics.barcode.code128 import _patterns


def _edges(widths: list[int | float]) -> tuple[int, ...]:
    return tuple(round(widths[i] + widths[i + 1]) for i in range(4))


_EDGES = {_edges([ord(c.upper()) - ord("A") + 1 for c in p[:6]]): v for v, p in _patterns.items()}
_START_B, _START_C, _STOP = 104, 105, 106
_CODE_B, _CODE_C = 100, 99


def _runs(row: bytes) -> list[int]:
    """Widths of alternating dark/light runs, starting at the first dark pixel."""
    runs: list[int] = []
    dark = True
    count = 0
    started = False
    for value in row:
        is_dark = value < 128
        if not started:
            if not is_dark:
                continue
            started = True
        if is_dark == dark:
            count += 1
        else:
            runs.append(count)
            dark, count = is_dark, 1
    if count:
        runs.append(count)
    return runs


def _decode_runs(runs: list[int]) -> str | None:
    if len(runs) < 6 + 6 + 7:
        return None
    values: list[int] = []
    index = 0
    while index + 6 <= len(runs):
        group = runs[index:index + 6]
        module = sum(group) / 11
        value = _EDGES.get(_edges([r / module for r in group]))
        if value is None:
            return None
        values.append(value)
        index += 6
        if value == _STOP:
            break
    if len(values) < 3 or values[-1] != _STOP or values[0] not in (_START_B, _START_C):
        return None
    data, check = values[1:-2], values[-2]
    total = values[0] + sum(v * (i + 1) for i, v in enumerate(data))
    if total % 103 != check:
        return None
    text, code_set = [], "C" if values[0] == _START_C else "B"
    for value in data:
        if value == _CODE_B:
            code_set = "B"
        elif value == _CODE_C:
            code_set = "C"
        elif code_set == "C":
            text.append(f"{value:02d}")
        else:
            text.append(chr(value + 32))
    return "".join(text)


def read_code128(png: Path) -> list[str]:
    """Every distinct Code128 value found on the page image."""
    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.tobytes()
    found: list[str] = []
    for y in range(0, height, 2):
        runs = _runs(pixels[y * width:(y + 1) * width])
        # Try every dark run as the start of a symbol (text may come first on the row).
        for start in range(0, len(runs) - 18, 2):
            value = _decode_runs(runs[start:])
            if value is not None and value not in found:
                found.append(value)
                break
    return found
