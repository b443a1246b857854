"""``python -m jeweltrak_desktop.system``: what ``make run`` runs."""

from jeweltrak_desktop.system.cli import main

raise SystemExit(main())
