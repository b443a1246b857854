"""Counter hardware: ESC/POS receipt printers with their cash drawer, and ZPL barbell tags.

Nothing here imports Qt: the Settings screen stores a ``PrinterConfig`` and the UI runs these
functions off the UI thread. Every printer failure surfaces as one ``PrinterError`` whose
message a clerk can act on; a failed print never touches the sale that was printed.
"""
