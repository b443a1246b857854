"""Document numbers: ``{prefix}{store code}{workstation code}-{n}``, unique across the
workstations of a store even offline, stable once given."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.errors import IllegalTransition
from jeweltrak_core.inventory.stock import Family
from jeweltrak_desktop.services import appraisals, contacts, inventory, memos, sales, work_orders
from jeweltrak_desktop.services.local_store import LocalStore

from .helpers import assert_refused

PREFIXES = {"invoice": "", "memo": "M", "work_order": "R", "appraisal": "A"}


def make_documents(store: LocalStore, count: int) -> dict[str, list[str]]:
    """``count`` invoices, memos, work orders and appraisals made on this workstation."""
    customer = contacts.create_contact(store, first_name="Liam", last_name="Kim")
    numbers: dict[str, list[str]] = {kind: [] for kind in PREFIXES}
    for n in range(count):
        numbers["invoice"].append(sales.new_invoice(store, contact_id=customer.id).number)
        piece = inventory.create_piece(
            store, family=Family.JEWELRY, description=f"Band {n}", cost_cents=10_000
        )
        memo = memos.issue_memo(store, contact_id=customer.id, codes=[piece.stock_id])
        numbers["memo"].append(memo.number)
        order = work_orders.open_work_order(
            store, contact_id=customer.id, item_description=f"Sizing {n}"
        )
        numbers["work_order"].append(order.number)
        appraisal = appraisals.create_appraisal(
            store, purpose=AppraisalPurpose.INSURANCE, appraisal_date=date(2026, 5, 1)
        )
        numbers["appraisal"].append(appraisal.number)
    return numbers


def test_numbers_follow_prefix_store_workstation_counter(store: LocalStore) -> None:
    numbers = make_documents(store, 2)
    assert numbers == {
        "invoice": ["DA-1001", "DA-1002"],
        "memo": ["MDA-1", "MDA-2"],
        "work_order": ["RDA-1", "RDA-2"],
        "appraisal": ["ADA-1", "ADA-2"],
    }


def test_two_workstations_of_one_store_never_produce_the_same_number(
    store: LocalStore, open_workstation, tmp_path: Path
) -> None:
    other = open_workstation(
        tmp_path / "ws-b" / "jeweltrak.sqlite3",
        store_id=store.identity.store_id,
        workstation_code="B",
    )
    assert other.identity.store_code == store.identity.store_code
    assert other.identity.device_id != store.identity.device_id
    on_a = make_documents(store, 3)
    on_b = make_documents(other, 3)
    for kind, prefix in PREFIXES.items():
        assert all(re.fullmatch(rf"{prefix}DA-\d+", n) for n in on_a[kind]), on_a[kind]
        assert all(re.fullmatch(rf"{prefix}DB-\d+", n) for n in on_b[kind]), on_b[kind]
        assert len(set(on_a[kind]) | set(on_b[kind])) == 6
    stock_a = {p.stock_id for p in inventory.list_pieces(store)}
    stock_b = {p.stock_id for p in inventory.list_pieces(other)}
    assert len(stock_a | stock_b) == 6


def test_a_number_is_stable_and_a_refused_document_uses_none(
    store: LocalStore, three_pieces, customer
) -> None:
    invoice = sales.new_invoice(store, contact_id=customer.id)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)
    sales.finalize_invoice(store, invoice.id)
    sales.reopen_invoice(store, invoice.id, "Add sizing")
    assert sales.finalize_invoice(store, invoice.id).number == "DA-1001"

    # A memo refused because its piece is sold does not consume a number.
    assert_refused(
        store, IllegalTransition, memos.issue_memo, store, contact_id=customer.id,
        codes=[three_pieces[0].stock_id],
    )
    memo = memos.issue_memo(store, contact_id=customer.id, codes=[three_pieces[1].stock_id])
    assert memo.number == "MDA-1"
    assert sales.new_invoice(store).number == "DA-1002"


def test_generated_stock_ids_are_unique_across_workstations(
    open_workstation, tmp_path: Path
) -> None:
    first = open_workstation(tmp_path / "ws1" / "db.sqlite3", workstation_code="1")
    second = open_workstation(
        tmp_path / "ws11" / "db.sqlite3",
        store_id=first.identity.store_id,
        workstation_code="11",
    )
    # Workstation 1 has already created 10,000 pieces (its stock counter is at 11000).
    with closing(sqlite3.connect(first.path)) as conn, conn:
        conn.execute("INSERT INTO number_sequences (kind, next_value) VALUES ('stock', 11000)")
    on_first = inventory.create_piece(
        first, family=Family.JEWELRY, description="Ring", cost_cents=1_000
    )
    on_second = inventory.create_piece(
        second, family=Family.JEWELRY, description="Ring", cost_cents=1_000
    )
    assert on_first.stock_id.upper() != on_second.stock_id.upper()
