"""Where UI tests save the screenshots the docs use.

``make screenshots`` sets ``JT_SCREENSHOTS_DIR=docs/screenshots``; a plain test run saves
into a temporary folder, so running the tests never changes the committed images.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

SCREENSHOTS = Path(
    os.environ.get("JT_SCREENSHOTS_DIR") or Path(tempfile.gettempdir()) / "jeweltrak-screens"
)
SCREENSHOTS.mkdir(parents=True, exist_ok=True)
