"""The Sell screen's look: a big scan field, bold totals, red for problems."""

from __future__ import annotations

from jeweltrak_desktop.ui.style import ACCENT

SELL_STYLE = f"""
QLineEdit#sell-scan {{
    padding: 8px 10px; border: 2px solid #bcc3cc; border-radius: 6px; background: white;
    font-size: 17px;
}}
QLineEdit#sell-scan:focus {{ border-color: {ACCENT}; }}
QLabel[pageTitle="true"] {{ font-size: 22px; font-weight: bold; color: #1f2933; }}
QLabel#sell-invoice {{ color: #52606d; font-size: 15px; padding-left: 12px; }}
QLabel#sell-customer {{ font-size: 14px; font-weight: bold; color: #1f2933; }}
QLabel#sell-split {{ color: #52606d; font-size: 13px; padding-left: 6px; }}
QLabel#sell-exempt {{ color: #8a4b00; background: #fff4e0; border: 1px solid #f0c987;
    border-radius: 4px; padding: 4px 8px; }}
QLabel#sell-message {{ color: #1f6f43; min-height: 20px; }}
QLabel#sell-message[error="true"] {{ color: #b42318; font-weight: bold; }}
QLabel#sell-legend {{ color: #323f4b; background: #e4e7eb; padding: 6px 8px;
    border-radius: 4px; }}
QTableView#sell-lines {{
    background: white; alternate-background-color: #f7f8fa; border: 1px solid #d9dde3;
    selection-background-color: {ACCENT}; selection-color: white; font-size: 14px;
}}
QTableView#sell-lines::item {{ padding: 0 6px; }}
QTableView#sell-lines QHeaderView::section {{ padding: 5px 6px; }}
QFrame#sell-totals {{ background: white; border: 1px solid #d9dde3; border-radius: 8px; }}
QFrame#sell-totals QLabel {{ font-size: 14px; }}
QFrame#sell-totals QLabel[totalEmphasis="true"] {{ font-size: 17px; font-weight: bold; }}
QLabel#sell-change {{ font-size: 20px; font-weight: bold; color: #1f6f43; }}
QLabel#sell-payments, QLabel#sell-card-reason {{ color: #52606d; }}
QPushButton {{ padding: 5px 10px; }}
QPushButton#sell-finalize {{ background: {ACCENT}; color: white; font-weight: bold;
    border-radius: 4px; padding: 8px; }}
QPushButton#sell-finalize:disabled {{ background: #9aa5b1; }}
"""
