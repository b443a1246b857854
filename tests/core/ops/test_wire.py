"""The operation wire format: every op type round-trips; malformed ops are refused by path."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from jeweltrak_core.appraisals.entities import AppraisalLine
from jeweltrak_core.appraisals.operations import FinalizeAppraisal, SaveAppraisal
from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.contacts.operations import CreateContact, MergeContacts, PatchContact
from jeweltrak_core.errors import (
    InvalidMoney,
    JewelTrakError,
    UnsupportedOperation,
    ValidationError,
)
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.operations import (
    AdjustStock,
    ChangePieceStatus,
    CountStock,
    CreatePiece,
    RepricePieces,
    UpdatePiece,
)
from jeweltrak_core.inventory.pricing import MultiplierMode
from jeweltrak_core.inventory.stock import StockAction
from jeweltrak_core.memos.operations import (
    ConvertMemoToInvoice,
    IssueMemo,
    MemoLineDraft,
    ReceiveVendorMemo,
    ReturnMemoLines,
    ReturnToVendor,
    ReverseMemoLine,
    SettleVendorMemoLines,
    VendorMemoLineDraft,
)
from jeweltrak_core.payments.operations import (
    AddPayment,
    CloseDrawer,
    OpenDrawer,
    RefundPayment,
    TakeDeposit,
    TenderDetails,
)
from jeweltrak_core.payments.rules import RefundReason, Tender
from jeweltrak_core.sales.operations import (
    DeleteInvoice,
    FinalizeInvoice,
    ReopenInvoice,
    SaveInvoice,
    VoidInvoice,
)
from jeweltrak_core.store.operations import ResolveOversell
from jeweltrak_core.sync.ops import (
    SCHEMA_VERSION,
    Operation,
    OpPayload,
    apply_operation,
    op_types,
)
from jeweltrak_core.sync.wire import decode, encode
from jeweltrak_core.work_orders.operations import (
    AddWorkOrderNote,
    AttachWorkOrderFile,
    MoveWorkOrder,
    OpenWorkOrder,
    UpdateWorkOrder,
)
from jeweltrak_core.work_orders.rules import WorkOrderStatus, WorkOrderType

from .builders import FLORIDA, create_chain, draft, misc_line, piece, piece_line
from .memory_repo import DEVICE_ID, LOCAL, STORE_ID, MemoryRepository, make_op, wire_trip

_ID = new_id
CASH = TenderDetails(tender=Tender.CASH)

#: One valid payload of every operation type (with nested entities, lists, dicts, enums,
#: Decimals, dates) — so a new op type cannot be added without a wire test.
SAMPLES: dict[str, Callable[[], OpPayload]] = {
    "create_piece": lambda: CreatePiece(piece=piece(metal_weight_g=Decimal("3.25"),
                                                    photos=["a.jpg"])),
    "update_piece": lambda: UpdatePiece(piece_id=_ID(), changes={"location": "Case 2",
                                                                 "cost_cents": 100}),
    "adjust_stock": lambda: AdjustStock(piece_id=_ID(), delta=-2, reason="damaged"),
    "count_stock": lambda: CountStock(piece_id=_ID(), observed=4, expected_seen=5,
                                      as_of_version=77),
    "change_piece_status": lambda: ChangePieceStatus(piece_id=_ID(), action=StockAction.SCRAP),
    "reprice_pieces": lambda: RepricePieces(
        piece_ids=[_ID(), _ID()], multiplier_price1=Decimal("1.5"),
        multiplier_price2=Decimal("1.75"), multiplier_price3=Decimal("2"),
        multiplier_retail=Decimal("2.5"), mode=MultiplierMode.STACKED),
    "create_contact": lambda: CreateContact(contact=Contact(
        id=_ID(), first_name="Ada", birthday=date(1815, 12, 10), phones=["305-555-0101"],
        field_versions={"phones": 3})),
    "patch_contact": lambda: PatchContact(contact_id=_ID(), changes={
        "phones": ["305-555-0101"], "is_vendor": True, "birthday": "1990-01-31"}),
    "merge_contacts": lambda: MergeContacts(keep_id=_ID(), merge_id=_ID()),
    "save_invoice": lambda: SaveInvoice(invoice=draft(
        [piece_line(piece(), 300_000, adjustment_cents=500), misc_line(1_000)],
        contact_id=_ID(), **FLORIDA)),
    "finalize_invoice": lambda: FinalizeInvoice(invoice_id=_ID(), expected_total_cents=963_000),
    "reopen_invoice": lambda: ReopenInvoice(invoice_id=_ID(), reason="add a line"),
    "void_invoice": lambda: VoidInvoice(invoice_id=_ID(), reason="wrong customer"),
    "delete_invoice": lambda: DeleteInvoice(invoice_id=_ID()),
    "add_payment": lambda: AddPayment(payment_id=_ID(), invoice_id=_ID(), details=CASH,
                                      amount_cents=10_700, handed_cents=20_000,
                                      drawer_session_id=_ID()),
    "refund_payment": lambda: RefundPayment(
        refund_id=_ID(), payment_id=_ID(), reason=RefundReason.DUPLICATE, amount_cents=None,
        details=TenderDetails(tender=Tender.CHECK, check_number="12")),
    "take_deposit": lambda: TakeDeposit(deposit_id=_ID(), payment_id=_ID(), contact_id=_ID(),
                                        details=CASH, amount_cents=5_000),
    "open_drawer": lambda: OpenDrawer(session_id=_ID(), opening_float_cents=20_000),
    "close_drawer": lambda: CloseDrawer(session_id=_ID(), counted_cents={"cash": 1, "check": 2}),
    "issue_memo": lambda: IssueMemo(memo_id=_ID(), number="M-1", contact_id=_ID(),
                                    due_date=date(2025, 4, 1),
                                    lines=[MemoLineDraft(line_id=_ID(), piece_id=_ID(),
                                                         price_cents=90_000)]),
    "return_memo_lines": lambda: ReturnMemoLines(memo_id=_ID(), line_ids=[_ID()]),
    "convert_memo_to_invoice": lambda: ConvertMemoToInvoice(
        memo_id=_ID(), line_ids=[_ID()], invoice_id=_ID(), invoice_number="A1-9",
        new_line_ids=[_ID()], tax_rate=Decimal("0.06")),
    "reverse_memo_line": lambda: ReverseMemoLine(memo_id=_ID(), line_id=_ID()),
    "receive_vendor_memo": lambda: ReceiveVendorMemo(
        vendor_memo_id=_ID(), vendor_id=_ID(), vendor_memo_no="V-1",
        memo_date=date(2025, 3, 1), lines=[VendorMemoLineDraft(line_id=_ID(), piece=piece())]),
    "return_to_vendor": lambda: ReturnToVendor(vendor_memo_id=_ID(), line_ids=[_ID()]),
    "settle_vendor_memo_lines": lambda: SettleVendorMemoLines(
        vendor_memo_id=_ID(), line_ids=[_ID()], paid_cents={str(_ID()): 100}),
    "open_work_order": lambda: OpenWorkOrder(
        work_order_id=_ID(), number="W-1", type=WorkOrderType.CUSTOM, contact_id=_ID(),
        item_description="Pendant", promised_date=date(2025, 4, 2), photos=["x.jpg"]),
    "move_work_order": lambda: MoveWorkOrder(work_order_id=_ID(),
                                             to_status=WorkOrderStatus.IN_PROGRESS),
    "add_work_order_note": lambda: AddWorkOrderNote(work_order_id=_ID(), note_id=_ID(),
                                                    text="called"),
    "attach_work_order_file": lambda: AttachWorkOrderFile(work_order_id=_ID(),
                                                          attachment_id=_ID(), ref="p.jpg"),
    "update_work_order": lambda: UpdateWorkOrder(work_order_id=_ID(),
                                                 changes={"price_cents": 100}),
    "save_appraisal": lambda: SaveAppraisal(
        appraisal_id=_ID(), number="AP-1", purpose=AppraisalPurpose.ESTATE,
        appraisal_date=date(2025, 3, 14),
        lines=[AppraisalLine(id=_ID(), description="Ring", value_cents=1,
                             stone_carat=Decimal("0.5"))]),
    "finalize_appraisal": lambda: FinalizeAppraisal(appraisal_id=_ID()),
    "resolve_oversell": lambda: ResolveOversell(exception_id=_ID(), resolution="refunded"),
}


def wire(payload: OpPayload, **envelope: Any) -> dict[str, Any]:
    """A JSON-decoded wire dict of an op carrying ``payload``."""
    op = make_op(payload, seq=1, device_id=DEVICE_ID, store_id=STORE_ID)
    data: dict[str, Any] = json.loads(json.dumps(op.to_wire()))
    data.update(envelope)
    return data


def refused(data: object, error: type[JewelTrakError]) -> JewelTrakError:
    with pytest.raises(JewelTrakError) as info:
        Operation.from_wire(data)  # type: ignore[arg-type]
    assert type(info.value) is error, repr(info.value)
    return info.value


def assert_path(err: JewelTrakError, path: str) -> None:
    assert err.details.get("path") == path, err.details
    assert path in err.message


# --- round trips -------------------------------------------------------------------------


def test_there_is_a_sample_of_every_operation_type() -> None:
    assert set(SAMPLES) == set(op_types())
    assert all(SAMPLES[name]().op_type == name for name in SAMPLES)


@pytest.mark.parametrize("op_type", sorted(SAMPLES))
def test_every_operation_type_round_trips(op_type: str) -> None:
    payload = SAMPLES[op_type]()
    op = make_op(payload, seq=3, device_id=DEVICE_ID, store_id=STORE_ID, user_id=_ID(),
                 base_version=12)
    data = op.to_wire()
    assert data["op_type"] == op_type
    assert data["schema_version"] == SCHEMA_VERSION
    received = wire_trip(op)
    assert received == op
    assert type(received.payload) is type(payload)


def test_datetimes_travel_as_utc() -> None:
    data = wire(SAMPLES["delete_invoice"](), client_ts="2025-03-14T10:30:00-05:00")
    op = Operation.from_wire(data)
    assert op.client_ts == datetime(2025, 3, 14, 15, 30, tzinfo=UTC)
    assert op.to_wire()["client_ts"] == "2025-03-14T15:30:00Z"


def test_decimals_travel_as_text() -> None:
    data = wire(SAMPLES["reprice_pieces"]())
    assert data["payload"]["multiplier_price2"] == "1.75"


# --- refusals ----------------------------------------------------------------------------


def test_unknown_op_type() -> None:
    err = refused(wire(SAMPLES["delete_invoice"](), op_type="teleport_invoice"),
                  UnsupportedOperation)
    assert err.details["op_type"] == "teleport_invoice"
    data = wire(SAMPLES["delete_invoice"]())
    del data["op_type"]
    refused(data, UnsupportedOperation)


def test_newer_schema_version_is_unsupported() -> None:
    err = refused(wire(SAMPLES["delete_invoice"](), schema_version=SCHEMA_VERSION + 1),
                  UnsupportedOperation)
    assert err.details["schema_version"] == SCHEMA_VERSION + 1
    assert "Update the app" in err.message
    refused(wire(SAMPLES["delete_invoice"](), schema_version=0), UnsupportedOperation)


@pytest.mark.parametrize("version", ["1", 1.0, True, None])
def test_schema_version_must_be_a_whole_number(version: object) -> None:
    refused(wire(SAMPLES["delete_invoice"](), schema_version=version), ValidationError)


@pytest.mark.parametrize(
    ("op_type", "mutate", "path"),
    [
        # a float or a bool where an int is expected
        ("adjust_stock", lambda d: d["payload"].update(delta=2.0), "payload.delta"),
        ("adjust_stock", lambda d: d["payload"].update(delta=True), "payload.delta"),
        ("count_stock", lambda d: d["payload"].update(observed="4"), "payload.observed"),
        # a float where a Decimal is expected
        ("reprice_pieces", lambda d: d["payload"].update(multiplier_price1=1.5),
         "payload.multiplier_price1"),
        ("save_invoice", lambda d: d["payload"]["invoice"].update(tax_rate=0.06),
         "payload.invoice.tax_rate"),
        ("reprice_pieces", lambda d: d["payload"].update(multiplier_retail="NaN"),
         "payload.multiplier_retail"),
        # unknown fields
        ("add_payment", lambda d: d["payload"].update(discount_cents=5), "payload"),
        ("save_invoice", lambda d: d["payload"]["invoice"]["lines"][1].update(colour="red"),
         "payload.invoice.lines[1]"),
        ("delete_invoice", lambda d: d.update(priority=1), "op"),
        # missing fields
        ("add_payment", lambda d: d["payload"].pop("amount_cents"), "payload.amount_cents"),
        ("create_piece", lambda d: d["payload"]["piece"].pop("stock_id"),
         "payload.piece.stock_id"),
        ("delete_invoice", lambda d: d.pop("op_id"), "op.op_id"),
        ("delete_invoice", lambda d: d.pop("payload"), "payload"),
        # naive or malformed datetimes and dates
        ("delete_invoice", lambda d: d.update(client_ts="2025-03-14T15:30:00"), "op.client_ts"),
        ("delete_invoice", lambda d: d.update(client_ts=1710430200), "op.client_ts"),
        ("issue_memo", lambda d: d["payload"].update(due_date="04/01/2025"),
         "payload.due_date"),
        # bad UUIDs
        ("delete_invoice", lambda d: d["payload"].update(invoice_id="INV-1"),
         "payload.invoice_id"),
        ("delete_invoice", lambda d: d.update(device_id="workstation-1"), "op.device_id"),
        ("return_memo_lines", lambda d: d["payload"].update(line_ids=["x"]),
         "payload.line_ids[0]"),
        # wrong shapes and enum values
        ("add_payment", lambda d: d["payload"]["details"].update(tender="bitcoin"),
         "payload.details.tender"),
        ("return_memo_lines", lambda d: d["payload"].update(line_ids="x"), "payload.line_ids"),
        ("delete_invoice", lambda d: d.update(payload=[]), "payload"),
        ("delete_invoice", lambda d: d.update(seq="1"), "op.seq"),
        ("finalize_invoice", lambda d: d["payload"].update(expected_total_cents=None),
         "payload.expected_total_cents"),
    ],
)
def test_malformed_operation_is_refused_naming_the_path(
        op_type: str, mutate: Callable[[dict[str, Any]], object], path: str) -> None:
    data = wire(SAMPLES[op_type]())
    mutate(data)
    assert_path(refused(data, ValidationError), path)


@pytest.mark.parametrize(
    ("op_type", "mutate", "path"),
    [
        ("add_payment", lambda d: d["payload"].update(amount_cents=10700.0),
         "payload.amount_cents"),
        ("add_payment", lambda d: d["payload"].update(amount_cents="107.00"),
         "payload.amount_cents"),
        ("add_payment", lambda d: d["payload"].update(handed_cents=2e4), "payload.handed_cents"),
        ("save_invoice",
         lambda d: d["payload"]["invoice"]["lines"][0].update(unit_price_cents=300000.5),
         "payload.invoice.lines[0].unit_price_cents"),
        ("close_drawer", lambda d: d["payload"]["counted_cents"].update(cash=1.5),
         "payload.counted_cents.cash"),
        ("finalize_invoice", lambda d: d["payload"].update(expected_total_cents=False),
         "payload.expected_total_cents"),
    ],
)
def test_an_amount_that_is_not_whole_cents_is_invalid_money(
        op_type: str, mutate: Callable[[dict[str, Any]], object], path: str) -> None:
    data = wire(SAMPLES[op_type]())
    mutate(data)
    assert_path(refused(data, InvalidMoney), path)


def test_a_float_amount_built_in_process_is_refused_on_decode() -> None:
    payload = AddPayment(payment_id=_ID(), invoice_id=_ID(), details=CASH,
                         amount_cents=107.5)  # type: ignore[arg-type]
    data = json.loads(json.dumps(make_op(payload, seq=1, device_id=DEVICE_ID,
                                         store_id=STORE_ID).to_wire()))
    assert_path(refused(data, InvalidMoney), "payload.amount_cents")


def test_tender_refusal_lists_the_allowed_values() -> None:
    data = wire(SAMPLES["add_payment"]())
    data["payload"]["details"]["tender"] = "bitcoin"
    err = refused(data, ValidationError)
    assert "cash" in err.message and "store_credit" in err.message


def test_envelope_rules() -> None:
    refused([1, 2], ValidationError)
    refused(wire(SAMPLES["delete_invoice"](), seq=0), ValidationError)


def test_from_wire_runs_the_payload_checks() -> None:
    err = refused(wire(AdjustStock(piece_id=_ID(), delta=0)), ValidationError)
    assert "non-zero" in err.message
    refused(wire(MergeContacts(keep_id=(same := _ID()), merge_id=same)), ValidationError)


def test_a_naive_datetime_cannot_be_sent() -> None:
    op = make_op(SAMPLES["delete_invoice"](), seq=1, device_id=DEVICE_ID, store_id=STORE_ID,
                 client_ts=datetime(2025, 3, 14, 15, 30))
    with pytest.raises(ValidationError, match="naive"):
        op.to_wire()
    with pytest.raises(ValidationError, match="cannot be sent"):
        encode(object())


def test_decode_entity_field_by_field() -> None:
    with pytest.raises(ValidationError) as info:
        decode(Contact, {"id": str(_ID()), "phones": "305-555-0101"}, "contact")
    assert info.value.details["path"] == "contact.phones"


def test_a_patch_may_set_a_field_to_null() -> None:
    data = wire(UpdatePiece(piece_id=_ID(), changes={"location": None}))
    op = Operation.from_wire(data)
    assert op.payload == UpdatePiece(piece_id=op.payload.piece_id,  # type: ignore[attr-defined]
                                     changes={"location": None})


def test_apply_operation_runs_the_payload_checks() -> None:
    repo = MemoryRepository()
    chain = create_chain(repo, purchased=5)
    before = repo.snapshot()
    op = make_op(AdjustStock(piece_id=chain.id, delta=0), seq=1, device_id=DEVICE_ID,
                 store_id=STORE_ID)
    with pytest.raises(ValidationError):
        apply_operation(op, repo, authority=LOCAL)
    assert repo.snapshot() == before


@pytest.mark.parametrize("text", ["ring\x00", "\ud800 ring", "caf\udce9"])
def test_text_that_no_database_can_store_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="first name"):
        decode(Contact, {"id": "0190a6a0-0000-7000-8000-000000000001", "first_name": text})


def test_a_date_time_outside_the_calendar_in_utc_is_refused() -> None:
    from jeweltrak_core.sync.wire import _decode

    with pytest.raises(ValidationError, match="between the years 1 and 9999"):
        _decode(datetime, "0001-01-01T00:00:00+05:00", "$.client_ts")
    assert _decode(datetime, "2026-11-25T10:00:00+01:00", "$.t").hour == 9
