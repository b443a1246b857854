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
QWidget#navigation-panel {{ background: #1f2933; }}
QLabel#key-legend {{ color: #9aa5b1; padding: 10px 14px; font-size: 11px; }}
QWidget#top-bar {{ background: white; border-bottom: 1px solid #d9dde3; }}
QLabel#store-heading {{ font-weight: bold; color: #1f2933; }}
QLabel#signed-in-user {{ color: #323f4b; }}
QLineEdit#global-search, QLineEdit#pin-field {{
    padding: 6px 8px; border: 1px solid #bcc3cc; border-radius: 6px; background: white;
    font-size: 14px;
}}
QLineEdit#global-search:focus, QLineEdit#pin-field:focus {{ border-color: {ACCENT}; }}
QLineEdit#pin-field {{ font-size: 22px; letter-spacing: 6px; }}
QListWidget#search-results {{
    background: white; border: 1px solid #9aa5b1; border-radius: 4px; font-size: 13px;
}}
QListWidget#search-results::item {{ padding: 3px 8px; }}
QListWidget#search-results::item:selected {{ background: {ACCENT}; color: white; }}
QListWidget#staff-list {{ font-size: 15px; }}
QListWidget#staff-list::item {{ padding: 8px; }}
QListWidget#staff-list::item:selected {{ background: {ACCENT}; color: white; }}
QLabel#sign-in-message {{ color: #323f4b; }}
QFrame#quick-peek {{ background: white; border-left: 1px solid #d9dde3; }}
QFrame#quick-peek QLabel#peek-heading {{ font-size: 16px; }}
QLabel#offline-banner {{
    background: #fff3bf; color: #5c4400; border-bottom: 1px solid #e0c050;
    padding: 8px 14px; font-weight: bold;
}}
QPushButton#sync-problems-link {{ border: none; padding: 0 6px; color: #1f2933; }}
QPushButton#sync-problems-link[alert="true"] {{ color: #b42318; font-weight: bold; }}
QGroupBox {{ font-weight: bold; }}
QGroupBox QLabel {{ font-weight: normal; }}
QStatusBar {{ background: #e4e7eb; color: #1f2933; }}
QStatusBar QLabel {{ padding: 0 8px; }}
"""
