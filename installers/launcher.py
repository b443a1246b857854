"""The frozen counter app's entry script: does what ``python -m jeweltrak_desktop`` does.

PyInstaller puts the folder of its entry script on the module search path while it
analyses imports; a script inside ``jeweltrak_desktop/`` would let that package's
modules (``config``, ``demo``, ``app`` …) pass for top-level ones, so the script lives here.
"""

import sys

from jeweltrak_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
