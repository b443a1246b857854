"""The write path (DESIGN.md): every service operation writes its rows and appends one
outbox operation in the same SQLite transaction; seq is gap-free from 1; the envelope
alone reproduces the change."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.errors import IllegalTransition, NotFound
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.payments.rules import RefundReason, Tender
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.sync.ops import Authority, Operation, apply_operation
from jeweltrak_core.work_orders.rules import WorkOrderStatus
from jeweltrak_desktop.services import (
    appraisals,
    contacts,
    inventory,
    local_store,
    memos,
    payments,
    sales,
    work_orders,
)
from jeweltrak_desktop.services.local_store import LocalStore
from jeweltrak_desktop.store.db import open_engine
from jeweltrak_desktop.store.repository import SqliteRepository

from .helpers import (
    assert_refused,
    changed_rows,
    entity_rows,
    last_seq,
    nothing_written,
    outbox_rows,
    records_one_op,
)

_TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def counter_day(store: LocalStore, pieces: list[Piece], customer: Contact) -> list[str]:
    """A morning at the counter across every domain; returns the op types in order."""
    first, second, third = pieces
    steps: list[tuple[str, Callable[[], Any]]] = []
    state: dict[str, Any] = {}

    def step(op_type: str, action: Callable[[], Any], key: str | None = None) -> None:
        steps.append((op_type, action))
        with records_one_op(store, op_type):
            result = action()
        if key:
            state[key] = result

    step("open_drawer", lambda: payments.open_drawer(store, 15_000))
    step("save_invoice", lambda: sales.new_invoice(store, contact_id=customer.id), "inv")
    step("save_invoice", lambda: sales.add_piece(store, state["inv"].id, first.stock_id), "inv")
    step(
        "save_invoice",
        lambda: sales.add_charge(
            store, state["inv"].id, kind=LineKind.MISC, description="Gift box", price_cents=500
        ),
        "inv",
    )
    step("finalize_invoice", lambda: sales.finalize_invoice(store, state["inv"].id), "inv")
    step("add_payment", lambda: payments.take_cash(store, state["inv"].id, 400_000), "cash")
    step(
        "refund_payment",
        lambda: payments.refund_payment(
            store, state["cash"].id, reason=RefundReason.DUPLICATE, amount_cents=500
        ),
    )
    step(
        "issue_memo",
        lambda: memos.issue_memo(store, contact_id=customer.id, codes=[second.stock_id]),
        "memo",
    )
    step(
        "return_memo_lines",
        lambda: memos.return_memo_lines(store, state["memo"].id, [state["memo"].lines[0].id]),
    )
    step(
        "open_work_order",
        lambda: work_orders.open_work_order(
            store, contact_id=customer.id, item_description="Clasp repair"
        ),
        "wo",
    )
    step(
        "move_work_order",
        lambda: work_orders.move_work_order(store, state["wo"].id, WorkOrderStatus.IN_PROGRESS),
    )
    step(
        "save_appraisal",
        lambda: appraisals.create_appraisal(
            store, purpose=AppraisalPurpose.RESALE, appraisal_date=date(2026, 4, 1),
            contact_id=customer.id,
        ),
    )
    step("patch_contact", lambda: contacts.patch_contact(store, customer.id, notes="VIP"))
    step("update_piece", lambda: inventory.update_piece(store, third.id, location="Window"))
    step("close_drawer", lambda: payments.close_drawer(store, {"cash": 335_000}))
    return [op_type for op_type, _ in steps]


def test_seq_is_gap_free_from_one_and_every_op_is_pending(
    store: LocalStore, three_pieces: list[Piece], customer: Contact
) -> None:
    # The fixtures already created 3 pieces and a contact: seq 1..4.
    assert [r["op_type"] for r in outbox_rows(store)] == ["create_piece"] * 3 + [
        "create_contact"
    ]
    assert_refused(store, NotFound, sales.add_piece, store, sales.new_invoice(store).id, "NOPE")
    op_types = counter_day(store, three_pieces, customer)

    rows = outbox_rows(store)
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert last_seq(store) == len(rows)
    assert [r["op_type"] for r in rows[5:]] == op_types
    assert len({r["op_id"] for r in rows}) == len(rows)
    assert {r["status"] for r in rows} == {"pending"}
    assert store.pending_ops() == len(rows)
    assert [e["seq"] for e in store.outbox_entries()] == [r["seq"] for r in rows]
    for row in rows:
        op = Operation.from_wire(json.loads(row["envelope"]))
        assert (op.seq, str(op.op_id), op.op_type) == (row["seq"], row["op_id"], row["op_type"])
        assert _TIMESTAMP.match(row["created_at"]), row["created_at"]
        assert op.schema_version == 1


def test_a_refusal_leaves_no_gap_in_seq(store: LocalStore, three_pieces: list[Piece]) -> None:
    sold = sales.new_invoice(store)
    sold = sales.add_piece(store, sold.id, three_pieces[0].stock_id)
    sales.finalize_invoice(store, sold.id)
    seq = last_seq(store)
    assert_refused(store, IllegalTransition, sales.finalize_invoice, store, sold.id)
    with records_one_op(store, "save_invoice") as rec:
        sales.new_invoice(store)
    assert rec.row["seq"] == seq + 1


def test_the_outbox_and_seq_survive_closing_and_reopening(
    store: LocalStore, three_pieces: list[Piece]
) -> None:
    before = outbox_rows(store)
    identity = store.identity
    store.close()
    reopened = LocalStore(store.path)
    try:
        assert reopened.identity == identity
        assert outbox_rows(reopened) == before
        with records_one_op(reopened, "update_piece") as rec:
            inventory.update_piece(reopened, three_pieces[0].id, notes="Re-tagged")
        assert rec.row["seq"] == len(before) + 1
    finally:
        reopened.close()


def test_a_crash_between_the_rows_and_the_outbox_row_writes_neither(
    store: LocalStore, three_pieces: list[Piece], monkeypatch: pytest.MonkeyPatch
) -> None:
    invoice = sales.new_invoice(store)
    invoice = sales.add_piece(store, invoice.id, three_pieces[0].stock_id)

    def crash(_value: object) -> str:
        raise RuntimeError("power cut")

    # The rows are written by the time the outbox row is built; this fails that step.
    monkeypatch.setattr(local_store, "format_datetime", crash)
    with nothing_written(store), pytest.raises(RuntimeError, match="power cut"):
        sales.finalize_invoice(store, invoice.id)
    monkeypatch.undo()
    assert inventory.get_piece(store, three_pieces[0].id).status.value == "in_stock"
    with records_one_op(store, "finalize_invoice"):
        sales.finalize_invoice(store, invoice.id)


def _backup(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def test_replaying_each_envelope_on_the_previous_state_reproduces_the_rows(
    store: LocalStore, three_pieces: list[Piece], customer: Contact, tmp_path: Path
) -> None:
    """What the service receives is enough: applying the stored envelope to the database as
    it was before the operation yields exactly the rows the workstation wrote."""
    first, second, _ = three_pieces
    actions: list[Callable[[], Any]] = []
    state: dict[str, Any] = {}

    def invoice_id() -> Any:
        return state["inv"].id

    actions = [
        lambda: state.__setitem__("inv", sales.new_invoice(store, contact_id=customer.id)),
        lambda: sales.add_piece(store, invoice_id(), first.stock_id),
        lambda: sales.add_trade_in(
            store, invoice_id(), description="Old band", allowance_cents=20_000
        ),
        lambda: sales.finalize_invoice(store, invoice_id()),
        lambda: payments.take_payment(
            store, invoice_id(), tender=Tender.CHECK, amount_cents=400_000, check_number="9"
        ),
        lambda: memos.issue_memo(store, contact_id=customer.id, codes=[second.stock_id]),
        lambda: work_orders.open_work_order(
            store, contact_id=customer.id, item_description="Engrave 'Forever'"
        ),
        lambda: sales.void_invoice(store, invoice_id(), "Rang up the wrong ring"),
    ]
    for number, action in enumerate(actions):
        snapshot = tmp_path / f"before-{number}.sqlite3"
        _backup(store.path, snapshot)
        seq = last_seq(store)
        action()
        (row,) = outbox_rows(store, after_seq=seq)
        op = Operation.from_wire(json.loads(row["envelope"]))

        engine = open_engine(snapshot)
        try:
            with engine.begin() as conn:
                repo = SqliteRepository(conn)
                apply_operation(op, repo, authority=Authority.LOCAL)
                replay_touched = set(repo.touched)
        finally:
            engine.dispose()
        expected = entity_rows(store.path)
        replayed = entity_rows(snapshot)
        assert changed_rows(replayed, expected) == set(), f"{op.op_type} replayed differently"
        assert replay_touched == set(row["touched"])
