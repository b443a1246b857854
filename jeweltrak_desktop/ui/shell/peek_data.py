"""What the quick peek shows for a search hit, read through the services (no Qt here)."""

from __future__ import annotations

from dataclasses import dataclass, field

from jeweltrak_core.appraisals.entities import Appraisal
from jeweltrak_core.errors import NotFound
from jeweltrak_core.money import format_money
from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.services import contacts, inventory, memos, sales, work_orders
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.services.search import SearchHit
from jeweltrak_desktop.ui.labels import family_name, status_name

#: How many recent purchases a contact's peek lists.
RECENT_PURCHASES = 3


@dataclass(frozen=True)
class Peek:
    """A record in a few lines: kind, heading, and label/value rows."""

    kind: str
    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    #: Extra lines under the rows (a contact's recent purchases).
    notes: list[str] = field(default_factory=list)


def _words(value: object) -> str:
    return str(value).replace("_", " ").capitalize()


def peek_of(store: LocalStore, hit: SearchHit) -> Peek:
    """The peek of one hit, as the signed-in clerk may see it (cost only with view_cost)."""
    readers = {
        "piece": _piece,
        "contact": _contact,
        "invoice": _invoice,
        "memo": _memo,
        "work_order": _work_order,
        "appraisal": _appraisal,
    }
    reader = readers.get(hit.kind)
    if reader is None:
        raise NotFound(f"Nothing to show for a {hit.kind.replace('_', ' ')}.")
    return reader(store, hit)


def _piece(store: LocalStore, hit: SearchHit) -> Peek:
    piece = inventory.get_piece(store, hit.id)
    rows = [
        ("StockID", piece.stock_id),
        ("Family", family_name(piece.family)),
        ("Status", status_name(piece.status)),
        ("Price", format_money(piece.retail_cents)),
    ]
    if Permission.VIEW_COST in store.actor.permissions:
        rows.append(("Cost", format_money(piece.cost_cents)))
    return Peek("piece", piece.description or piece.stock_id, rows)


def _contact(store: LocalStore, hit: SearchHit) -> Peek:
    contact = contacts.get_contact(store, hit.id)
    history = contacts.contact_history(store, hit.id)
    rows = [("Phones", ", ".join(contact.phones) or "none on file")]
    if contact.emails:
        rows.append(("E-mail", ", ".join(contact.emails)))
    notes = [
        f"{inv.number} · {inv.created_at.astimezone():%b %d, %Y} · {format_money(inv.total_cents)}"
        if inv.created_at
        else f"{inv.number} · {format_money(inv.total_cents)}"
        for inv in history.invoices[:RECENT_PURCHASES]
    ]
    return Peek("contact", contact.display_name, rows, notes or ["No purchases yet."])


def _invoice(store: LocalStore, hit: SearchHit) -> Peek:
    invoice = sales.get_invoice(store, hit.id)
    return Peek("invoice", f"Invoice {invoice.number}", [
        ("Status", _words(invoice.status)),
        ("Total", format_money(invoice.total_cents)),
        ("Balance", format_money(invoice.balance_cents)),
    ])


def _memo(store: LocalStore, hit: SearchHit) -> Peek:
    memo = memos.get_memo(store, hit.id)
    if memo is None:
        raise NotFound("That memo is no longer on this workstation.")
    total = sum(line.price_cents for line in memo.lines)
    return Peek("memo", f"Memo {memo.number}", [
        ("Status", _words(memo.status)),
        ("Pieces", str(len(memo.lines))),
        ("Total", format_money(total)),
    ])


def _work_order(store: LocalStore, hit: SearchHit) -> Peek:
    order = work_orders.get_work_order(store, hit.id)
    if order is None:
        raise NotFound("That work order is no longer on this workstation.")
    return Peek("work_order", f"Work order {order.number}", [
        ("Status", _words(order.status) + (" · rush" if order.rush else "")),
        ("Item", order.item_description),
        ("Total", format_money(order.price_cents or order.estimate_cents)),
    ])


def _appraisal(store: LocalStore, hit: SearchHit) -> Peek:
    with store.reader() as repo:
        appraisal = repo.get(Appraisal, hit.id)
    if appraisal is None:
        raise NotFound("That appraisal is no longer on this workstation.")
    return Peek("appraisal", f"Appraisal {appraisal.number}", [
        ("Status", _words(appraisal.status)),
        ("Purpose", _words(appraisal.purpose)),
        ("Total", format_money(appraisal.total_cents)),
    ])
