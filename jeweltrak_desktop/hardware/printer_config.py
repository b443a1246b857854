"""``PrinterConfig``: how the receipt printer is reached, as the Settings screen stores it.

``TagPrinterConfig`` says where tags go; ``PrinterSettings`` (both printers and the cost-code
letters) is kept in ``printers.json`` beside the workstation's database.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal, TypeGuard, get_args

from jeweltrak_core.errors import ValidationError

PrinterKind = Literal["network", "usb", "file"]
PRINTER_KINDS: tuple[str, ...] = get_args(PrinterKind)


@dataclass(frozen=True, kw_only=True)
class PrinterConfig:
    """How to reach the receipt printer: by network (raw TCP, port 9100), USB or a file.

    ``timeout_s`` bounds each network/USB operation (connect, each write, each status read).
    ``check_status`` asks the printer whether it is online before each job (DLE EOT, network
    printers only); leave it off for printers that do not answer status requests, or every
    job would wait for the timeout and report a failure.
    """

    kind: PrinterKind
    host: str = ""
    port: int = 9100
    usb_vendor_id: int | None = None
    usb_product_id: int | None = None
    file_path: str = ""
    timeout_s: float = 5.0
    #: Characters per line in font A: 48 on 80 mm paper, 32 on 58 mm.
    columns: int = 48
    #: Drawer connector pin the kick pulse goes to (2 or 5; most drawers use 2).
    drawer_pin: int = 2
    check_status: bool = False

    def __post_init__(self) -> None:
        """Refuse a configuration that cannot reach any printer."""
        if self.kind not in PRINTER_KINDS:
            raise ValidationError(
                "Choose how the receipt printer is connected: network, USB or file.", field="kind"
            )
        if self.kind == "network":
            _check_network(self.host, self.port)
        elif self.kind == "usb":
            _check_usb_id("usb_vendor_id", self.usb_vendor_id)
            _check_usb_id("usb_product_id", self.usb_product_id)
        elif not isinstance(self.file_path, str) or not self.file_path.strip():
            raise ValidationError("Choose the file the receipts are written to.", field="file_path")
        _check_job_settings(self)

    @property
    def label(self) -> str:
        """The printer as a clerk knows it: "receipt printer at 192.168.1.50:9100"."""
        if self.kind == "network":
            return f"receipt printer at {self.host}:{self.port}"
        if self.kind == "usb":
            return f"receipt printer on USB ({self.usb_vendor_id:04X}:{self.usb_product_id:04X})"
        return f"receipt printer file “{self.file_path}”"

    def to_settings(self) -> dict[str, Any]:
        """Plain values for the settings file."""
        return asdict(self)

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> PrinterConfig:
        """Rebuild from ``to_settings`` output; unknown keys (from a newer version) are ignored."""
        known = {name: values[name] for name in cls.__dataclass_fields__ if name in values}
        if "kind" not in known:
            raise ValidationError("The receipt printer is not set up yet.", field="kind")
        return cls(**known)


def _is_int(value: object) -> TypeGuard[int]:
    """A real int (``True`` is not a port number)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _check_network(host: str, port: int) -> None:
    """A host name or address and a TCP port."""
    if not isinstance(host, str) or not host.strip() or any(c.isspace() for c in host):
        raise ValidationError(
            "A network printer needs its address, e.g. 192.168.1.50.", field="host"
        )
    if not _is_int(port) or not 0 < port < 65536:
        raise ValidationError(
            "The printer port must be between 1 and 65535 (usually 9100).", field="port"
        )


def _check_usb_id(field: str, value: int | None) -> None:
    """A USB vendor or product ID: 1 to FFFF."""
    if not _is_int(value) or not 0 < value <= 0xFFFF:
        raise ValidationError(
            "A USB printer needs its vendor and product IDs (four hex digits each, "
            "e.g. 04B8 and 0E15).",
            field=field,
        )


def _check_job_settings(config: PrinterConfig) -> None:
    """Timeout, paper width, drawer pin and status checking."""
    timeout = config.timeout_s
    if not (_is_int(timeout) or isinstance(timeout, float)) or not 0 < timeout <= 60:
        raise ValidationError(
            "The printer timeout must be between 0 and 60 seconds.", field="timeout_s"
        )
    if not _is_int(config.columns) or not 24 <= config.columns <= 80:
        raise ValidationError("Characters per line must be between 24 and 80.", field="columns")
    if config.drawer_pin not in (2, 5) or not _is_int(config.drawer_pin):
        raise ValidationError("The cash drawer is on pin 2 or pin 5.", field="drawer_pin")
    if config.check_status and config.kind != "network":
        raise ValidationError(
            "Only a network printer can be asked for its status.", field="check_status"
        )


# --- the tag printer, and the printer settings file of a workstation ----------------------

TagPrinterKind = Literal["network", "file"]
#: The printer settings file, kept beside the workstation's database.
PRINTER_SETTINGS_FILE = "printers.json"


@dataclass(frozen=True, kw_only=True)
class TagPrinterConfig:
    """How tags leave the workstation: ZPL to a network printer, or saved to a file."""

    kind: TagPrinterKind = "network"
    host: str = ""
    port: int = 9100
    file_path: str = ""

    def __post_init__(self) -> None:
        """Refuse a configuration that cannot print or save tags."""
        if self.kind == "network":
            _check_network(self.host, self.port)
        elif self.kind == "file":
            if not isinstance(self.file_path, str) or not self.file_path.strip():
                raise ValidationError("Choose the file the tags are saved to.", field="file_path")
        else:
            raise ValidationError(
                "Choose how tags are printed: network printer or file.", field="kind"
            )

    @property
    def label(self) -> str:
        """The tag printer as a clerk knows it."""
        if self.kind == "network":
            return f"tag printer at {self.host}:{self.port}"
        return f"tag file “{self.file_path}”"


@dataclass(frozen=True)
class PrinterSettings:
    """A workstation's printers and the cost-code letters its tags print (None: not set)."""

    receipt: PrinterConfig | None = None
    tag: TagPrinterConfig | None = None
    cost_code: str | None = None


def printer_settings_path(database: Path) -> Path:
    """The printer settings file of the workstation whose database is ``database``."""
    return Path(database).with_name(PRINTER_SETTINGS_FILE)


def load_printer_settings(path: Path) -> PrinterSettings:
    """Read the settings file; a missing file means nothing is set up yet."""
    try:
        values = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return PrinterSettings()
    except (OSError, ValueError) as exc:
        raise ValidationError(
            f"The printer settings in “{path}” could not be read; set the printers up again.",
            field="printers",
        ) from exc
    receipt, tag = values.get("receipt"), values.get("tag")
    known = TagPrinterConfig.__dataclass_fields__
    return PrinterSettings(
        receipt=PrinterConfig.from_settings(receipt) if receipt else None,
        tag=TagPrinterConfig(**{k: v for k, v in tag.items() if k in known}) if tag else None,
        cost_code=values.get("cost_code") or None,
    )


def save_printer_settings(path: Path, settings: PrinterSettings) -> None:
    """Write the settings file (replaced whole, so a crash never leaves half a file)."""
    values = {
        "receipt": settings.receipt.to_settings() if settings.receipt else None,
        "tag": asdict(settings.tag) if settings.tag else None,
        "cost_code": settings.cost_code,
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(target.name + ".part")
    temp.write_text(json.dumps(values, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temp, target)
