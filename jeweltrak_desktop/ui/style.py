"""The app's style sheet: light cards on a grey page, one accent colour."""

from __future__ import annotations

ACCENT = "#2b6cb0"

MAIN_WINDOW_STYLE = f"""
QMainWindow {{ background: #f3f4f6; }}
QListWidget#navigation {{
    background: #1f2933; color: #e4e7eb; border: none; padding: 8px 0; outline: none;
    font-size: 14px;
}}
QListWidget#navigation::item {{ padding: 9px 18px; }}
QListWidget#navigation::item:selected {{ background: {ACCENT}; color: white; }}
QFrame[card="true"] {{
    background: white; border: 1px solid #d9dde3; border-radius: 8px;
}}
QFrame[card="true"] QLabel {{ background: transparent; border: none; }}
QLabel[cardTitle="true"] {{ color: #52606d; font-weight: bold; }}
QLabel[tileValue="true"] {{ font-size: 26px; font-weight: bold; color: #1f2933; }}
QLabel[tileCaption="true"] {{ color: #52606d; }}
QLabel[countValue="true"] {{ font-weight: bold; color: #1f2933; }}
QLabel#store-name, QLabel[pageTitle="true"] {{
    font-size: 22px; font-weight: bold; color: #1f2933;
}}
QLabel#store-codes, QLabel[muted="true"] {{ color: #52606d; }}
QLabel[sectionTitle="true"] {{ font-weight: bold; color: #1f2933; }}
QLabel#results-caption {{ color: #52606d; }}
QLabel[notice="true"] {{ font-size: 15px; color: #7b8794; font-style: italic; }}
QLineEdit#piece-search {{
    padding: 6px 8px; border: 1px solid #bcc3cc; border-radius: 6px; background: white;
    font-size: 14px;
}}
QLineEdit#piece-search:focus {{ border-color: {ACCENT}; }}
QTableView#piece-results {{
    background: white; alternate-background-color: #f7f8fa; border: 1px solid #d9dde3;
    selection-background-color: {ACCENT}; selection-color: white;
}}
QTableView#piece-results::item {{ padding: 0 10px; }}
QHeaderView::section {{
    background: #eef0f3; color: #323f4b; font-weight: bold; padding: 5px 10px;
    border: none; border-bottom: 1px solid #d9dde3;
}}
QStatusBar {{ background: #e4e7eb; color: #1f2933; }}
QStatusBar QLabel {{ padding: 0 8px; }}
"""
