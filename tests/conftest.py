"""Settings every test run needs; fixtures live in the conftest.py of each test folder."""

import os

# Qt must never try to open a real display in tests (CI has none).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
