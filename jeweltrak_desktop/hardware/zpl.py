"""Barbell tags in ZPL for 2.2" × 0.5" thermal-transfer jewelry labels at 203 dpi.

A barbell (dumbbell) tag has two printable wings joined by a thin tail that wraps around
the piece; nothing is printed on the tail. Layout, in dots (203 per inch):

    left wing  x 0–152:   Code128 barcode · StockID · hidden cost code
    tail       x 152–295: blank
    right wing x 295–447: retail price · short description (two lines)

The barcode is the piece's barcode, or its StockID when it has none (the Sell screen's scan
field finds a piece by either). Code128 at 1 dot per module leaves room for 9 symbols on a
wing: 9 characters, or 18 digits (all-digit data uses subset C, two digits a symbol).

Text goes through ``^FH`` (hex escapes) under ``^CI28`` (UTF-8): ``^``, ``~``, ``_`` and
every non-ASCII character are sent as ``_XX`` UTF-8 bytes, so a description can never inject
a ZPL command and the output is plain ASCII. Latin accents print with the printer's resident
font 0; CJK glyphs need a font loaded on the printer and otherwise print blank.
"""

from __future__ import annotations

import re
import socket
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from jeweltrak_core.errors import ValidationError
from jeweltrak_core.inventory.entities import Piece, validate_barcode
from jeweltrak_core.money import format_money
from jeweltrak_core.store.entities import Store
from jeweltrak_desktop.hardware.cost_code import check_cost_code_letters, cost_code
from jeweltrak_desktop.hardware.errors import TAG_ADVICE, PrinterError, no_answer

#: Printer resolution and label size: 2.2" × 0.5" at 203 dpi.
DOTS_PER_INCH = 203
LABEL_WIDTH_DOTS = 447
LABEL_HEIGHT_DOTS = 102
#: Each wing is 0.75" wide; the tail between them is not printed on.
WING_DOTS = 152
LEFT_X = 8
RIGHT_X = LABEL_WIDTH_DOTS - WING_DOTS + 6
#: Room on a wing for a barcode (Code128 at 1 dot per module) or a line of text.
BARCODE_ROOM_DOTS = WING_DOTS - 2 * LEFT_X
BARCODE_HEIGHT_DOTS = 36
#: Characters of description per line: font 0 at 20×16 dots averages under 9 dots a
#: character, so 15 fill the 140 dots of the right wing; CJK characters count double.
DESCRIPTION_CHARS_PER_LINE = 15
DESCRIPTION_LINES = 2

_DIGIT_PAIRS = re.compile(r"^(?:[0-9]{2})+$")


def zpl_text(text: str) -> str:
    """Field data for ``^FH^FD``: ASCII as is, ``^ ~ _`` and non-ASCII as ``_XX`` UTF-8 bytes."""
    out: list[str] = []
    for char in text:
        if " " <= char <= "~" and char not in "^~_":
            out.append(char)
        else:
            out.append("".join(f"_{byte:02X}" for byte in char.encode("utf-8")))
    return "".join(out)


def _plain(text: str | None) -> str:
    """One line of text: control characters dropped, runs of spaces collapsed."""
    kept = (
        " " if c.isspace() or unicodedata.category(c).startswith("C") else c
        for c in unicodedata.normalize("NFC", text or "")
    )
    return " ".join("".join(kept).split())


def _width(char: str) -> int:
    """Columns a character takes: two for East Asian wide/full-width characters."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def description_lines(text: str | None) -> list[str]:
    """The description over at most two tag lines, cut with "..." when it is longer."""
    words = _plain(text).split(" ")
    lines: list[str] = []
    current = ""
    for word in filter(None, words):
        candidate = f"{current} {word}" if current else word
        if sum(map(_width, candidate)) <= DESCRIPTION_CHARS_PER_LINE:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while sum(map(_width, current)) > DESCRIPTION_CHARS_PER_LINE:
            head = _cut(current, DESCRIPTION_CHARS_PER_LINE)
            lines.append(head)
            current = current[len(head) :]
    if current:
        lines.append(current)
    if len(lines) > DESCRIPTION_LINES:
        lines = [*lines[: DESCRIPTION_LINES - 1], _ellipsized(lines[DESCRIPTION_LINES - 1])]
    return lines


def _ellipsized(line: str) -> str:
    """``line`` ending in "..." within the line's width, cut at a word when there is one."""
    room = DESCRIPTION_CHARS_PER_LINE - 3
    if sum(map(_width, line)) > room:
        cut = _cut(line, room)
        line = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return line.rstrip() + "..."


def _cut(text: str, columns: int) -> str:
    """The longest start of ``text`` that fits in ``columns``."""
    used = 0
    for index, char in enumerate(text):
        used += _width(char)
        if used > columns:
            return text[:index]
    return text


def code128_symbols(data: str) -> int:
    """Data symbols Code128 needs for ``data`` as this module encodes it."""
    return len(data) // 2 if _DIGIT_PAIRS.match(data) else len(data)


def code128_width_dots(data: str, module_dots: int = 1) -> int:
    """Printed width: start + data + check symbols (11 modules each) and stop (13)."""
    return (11 * (code128_symbols(data) + 2) + 13) * module_dots


def tag_barcode(piece: Piece) -> str:
    """What the tag's barcode encodes: the barcode, or the StockID when that is all that fits."""
    candidates = [c for c in (piece.barcode, piece.stock_id) if c]
    for data in candidates:
        validate_barcode(data)
        if code128_width_dots(data) <= BARCODE_ROOM_DOTS:
            return data
    raise ValidationError(
        f"The barcode “{candidates[0]}” of {piece.stock_id} is too long for a barbell tag "
        "(at most 9 characters, or 18 digits). Give the piece a shorter barcode.",
        field="barcode",
    )


def _barcode_field(data: str) -> str:
    # ">;" starts subset C (digit pairs); otherwise ^BC starts in subset B.
    encoded = f">;{data}" if _DIGIT_PAIRS.match(data) else data
    return f"^BY1^BCN,{BARCODE_HEIGHT_DOTS},N,N,N^FD{encoded}^FS"


def _text(x: int, y: int, height: int, width: int, text: str) -> str:
    return f"^FO{x},{y}^A0N,{height},{width}^FH^FD{zpl_text(text)}^FS"


def tag_zpl(piece: Piece, store: Store, *, copies: int = 1) -> str:
    """One barbell tag (``copies`` of it) for ``piece``, framed by ^XA … ^XZ."""
    if isinstance(copies, bool) or not isinstance(copies, int) or not 1 <= copies <= 999:
        raise ValidationError("Print between 1 and 999 copies of a tag.", field="copies")
    code = cost_code(piece.cost_cents, store.cost_code)
    price = format_money(piece.retail_cents)
    stock_id = _plain(piece.stock_id)
    price_size = (28, 24) if len(price) <= 9 else (22, 18)
    id_size = (22, 20) if len(stock_id) <= 12 else (16, 10)
    fields = [
        "^XA",
        "^CI28",
        f"^PW{LABEL_WIDTH_DOTS}",
        f"^LL{LABEL_HEIGHT_DOTS}",
        "^LH0,0",
        f"^FO{LEFT_X},6{_barcode_field(tag_barcode(piece))}",
        _text(LEFT_X, 46, *id_size, stock_id[:24]),
        _text(LEFT_X, 72, 18, 16, code),
        _text(RIGHT_X, 6, *price_size, price),
    ]
    for index, line in enumerate(description_lines(piece.description)):
        fields.append(_text(RIGHT_X, 40 + 22 * index, 20, 16, line))
    fields += [f"^PQ{copies}", "^XZ"]
    return "\n".join(fields) + "\n"


def batch_zpl(pieces: Iterable[Piece], store: Store) -> str:
    """Tags for many pieces (a quantity item gets one tag per unit on hand, at least one)."""
    check_cost_code_letters(store.cost_code)
    labels = []
    for piece in pieces:
        copies = max(piece.ledger.expected_quantity, 1) if piece.is_quantity_item else 1
        labels.append(tag_zpl(piece, store, copies=min(copies, 999)))
    return "".join(labels)


def send_zpl(zpl: str, host: str, port: int = 9100, timeout: float = 5.0) -> None:
    """Send ZPL to a network tag printer (raw TCP, usually port 9100)."""
    printer = f"tag printer at {host}:{port}"
    try:
        with socket.create_connection((host, port), timeout=timeout) as conn:
            conn.sendall(zpl.encode("utf-8"))
            conn.shutdown(socket.SHUT_WR)
    except OSError as exc:
        raise no_answer(printer, exc, TAG_ADVICE) from exc


def save_zpl(zpl: str, path: str | Path) -> None:
    """Save ZPL to a file (to print later, or through a printer share)."""
    target = Path(path)
    try:
        target.write_bytes(zpl.encode("utf-8"))
    except OSError as exc:
        why = exc.strerror or "error"
        raise PrinterError(
            f"The tags could not be saved to “{target}” ({why}). Choose another folder.",
            reason="unwritable",
            printer=str(target),
        ) from exc
