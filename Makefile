# JewelTrak developer commands. `make test` is the one command CI runs.

VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

# Debian packages that Qt's offscreen/xcb platform plugins load at run time, plus the
# tools tests use (pdftotext for PDFs, Xvfb for a real X display when wanted).
DEBIAN_PACKAGES := \
	libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 \
	libglib2.0-0 poppler-utils xvfb \
	libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
	libxcb-render-util0 libxcb-shape0 libxcb-xkb1

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps-debian setup run test bench lint screenshots package clean distclean

deps-debian:
	@if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then \
		echo "warning: apt-get/dpkg-query not found; install the Qt runtime libraries" \
		     "($(DEBIAN_PACKAGES)) with your system's package manager." >&2; \
		exit 0; \
	fi; \
	missing=""; \
	for pkg in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$pkg" 2>/dev/null | grep -q "install ok installed" \
			|| missing="$$missing $$pkg"; \
	done; \
	if [ -z "$$missing" ]; then \
		echo "Debian packages: all present."; \
	else \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --upgrade pip
	$(PY) -m pip install -e '.[dev]'
	touch $@

setup: deps-debian $(VENV)/.installed

# The whole system: the sync service (embedded PostgreSQL unless DATABASE_URL is set),
# the demo business and store, this workstation paired and synced, then the desktop.
# Stops the service it started when the window closes. RUN_ARGS: e.g. --port 8766.
RUN_ARGS ?=
run: setup
	$(PY) -m jeweltrak_desktop.system $(RUN_ARGS)

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks are scripts, not tests: run each bench/*.py (helpers start with `_`),
# keep going after a failure so every figure is printed, and fail if any failed.
bench: setup
	@failed=""; ran=0; \
	for script in bench/*.py; do \
		[ -e "$$script" ] || continue; \
		case "$$(basename "$$script")" in _*) continue ;; esac; \
		ran=$$((ran + 1)); \
		echo "=== $$script"; \
		QT_QPA_PLATFORM=offscreen $(PY) "$$script" || failed="$$failed $$script"; \
	done; \
	echo "=== $$ran benchmark(s) run"; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed" >&2; exit 1; fi

# The committed screenshots of every screen (docs/screenshots), made from demo stores:
# the sign-in screen and each section, then richer record screens, the inventory
# dialogs and a sale in progress.
SHOTS := docs/screenshots
screenshots: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m jeweltrak_desktop --screens $(SHOTS)
	QT_QPA_PLATFORM=offscreen $(PY) tests/desktop/ui/records/make_screenshots.py
	QT_QPA_PLATFORM=offscreen $(PY) -m jeweltrak_desktop.ui.printing.screens $(SHOTS)
	QT_QPA_PLATFORM=offscreen JT_SCREENSHOTS_DIR=$(SHOTS) $(PY) -m pytest -q -p no:cacheprovider \
		tests/desktop/ui/sell/test_screenshots.py tests/desktop/ui/payments/test_sell_card.py \
		tests/desktop/ui/payments/test_readers_and_deposits.py \
		tests/desktop/ui/sell/test_sale_settings.py tests/desktop/ui/work_orders/test_email_ticket.py

# The installable counter app (docs/packaging.md): installs the `build` extra (PyInstaller),
# freezes the app with build.spec into dist/jeweltrak/, then, where dpkg-deb exists (Debian,
# Ubuntu), builds dist/jeweltrak_<version>_<arch>.deb from it. Windows and macOS installers
# are made on those systems by installers/windows/build.ps1 and installers/macos/build_macos.sh.
package: setup
	@if ! command -v objdump >/dev/null 2>&1 || ! command -v strip >/dev/null 2>&1; then \
		echo "Installing binutils (PyInstaller reads and strips binaries with it)"; \
		$(SUDO) apt-get update && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends binutils; \
	fi
	$(PY) -m pip install -e '.[build]'
	$(PY) -m PyInstaller --noconfirm --clean --distpath dist --workpath build/pyinstaller build.spec
	@if command -v dpkg-deb >/dev/null 2>&1; then \
		$(PY) installers/linux/build_deb.py --bundle dist/jeweltrak --out dist; \
	else \
		echo "dpkg-deb not found: dist/jeweltrak/ is built, no .deb."; \
	fi

TYPED_PACKAGES := jeweltrak_core jeweltrak_desktop sync_server

# Runs both tools even if the first fails. mypy aborts on a directory without Python
# files, so a package that is still empty is skipped rather than hiding the others.
lint: setup
	@status=0; \
	$(PY) -m ruff check . || status=1; \
	packages=""; \
	for pkg in $(TYPED_PACKAGES); do \
		if [ -n "$$(find "$$pkg" -name '*.py' -print -quit 2>/dev/null)" ]; then \
			packages="$$packages $$pkg"; \
		else \
			echo "mypy: skipping $$pkg (no Python files yet)"; \
		fi; \
	done; \
	if [ -n "$$packages" ]; then $(PY) -m mypy $$packages || status=1; fi; \
	exit $$status

clean:
	rm -rf build dist *.egg-info .mypy_cache .ruff_cache .pytest_cache .hypothesis
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
