"""``python -m jeweltrak_desktop``: start the desktop app."""

from jeweltrak_desktop.app import main

if __name__ == "__main__":
    raise SystemExit(main())
