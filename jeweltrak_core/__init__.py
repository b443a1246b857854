"""JewelTrak's business rules, once: pure Python, shared by the desktop and the sync service.

Imports neither Qt, FastAPI, nor SQLAlchemy (a test enforces this).
"""

__version__ = "0.1.0"
