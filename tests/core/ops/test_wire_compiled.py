"""The generated fast decoder of a dataclass gives exactly what the field-by-field decoder
gives: the same object for a good document, the same error (type, message, path) for a bad
one. Documents are every operation sample of ``test_wire`` plus a full piece, each mutated
at random: fields removed, replaced by any JSON value, unknown fields added."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.stock import Family, PieceStatus
from jeweltrak_core.sync.ops import OpPayload
from jeweltrak_core.sync.wire import _dataclass_decoder, encode

from .test_wire import SAMPLES


def _piece() -> Piece:
    return Piece(
        id=new_id(), store_id=new_id(), stock_id="R-1001", family=Family.JEWELRY,
        description="18K white gold solitaire", barcode="0001001",
        status=PieceStatus.IN_STOCK, vendor_id=new_id(), cost_cents=120_000,
        retail_cents=350_000, photos=["a.jpg", "b.jpg"], karat=18,
        metal_weight_g=Decimal("3.25"), carat_weight=Decimal("1.01"), box_papers=True,
        created_at=datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC),
        updated_at=datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC), version=7,
    )


def _documents() -> list[tuple[type, dict[str, Any]]]:
    found: list[tuple[type, dict[str, Any]]] = [(Piece, encode(_piece()))]
    for make in SAMPLES.values():
        payload: OpPayload = make()
        found.append((type(payload), json.loads(json.dumps(encode(payload)))))
    return found


DOCUMENTS = _documents()

JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["", "jewelry", "in_stock", "R-1001", "2026-01-02T03:04:05Z",
                       "2026-01-02T03:04:05", "1.5", "NaN", "00000000-0000-0000-0000-000000000000",
                       "ring\x00", "\ud800"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=3),
    max_leaves=6,
)


def _outcome(cls: type, data: Any, *, compiled: bool) -> tuple[str, Any]:
    decoder = _dataclass_decoder(cls, compiled=compiled)
    try:
        return "ok", decoder(data, "$")
    except JewelTrakError as exc:
        return type(exc).__name__, (exc.message, exc.details)


def _same(cls: type, data: Any) -> None:
    assert _outcome(cls, data, compiled=True) == _outcome(cls, data, compiled=False)


@pytest.mark.parametrize(("cls", "doc"), DOCUMENTS, ids=[c.__name__ for c, _ in DOCUMENTS])
def test_good_documents_decode_the_same(cls: type, doc: dict[str, Any]) -> None:
    kind, value = _outcome(cls, doc, compiled=True)
    assert kind == "ok"
    assert encode(value) == doc
    _same(cls, doc)


@settings(max_examples=400, deadline=None)
@given(
    which=st.integers(0, len(DOCUMENTS) - 1),
    edits=st.lists(
        st.tuples(st.sampled_from(["drop", "set", "add"]), st.integers(0, 200), JSON),
        min_size=1, max_size=3,
    ),
)
def test_mutated_documents_fail_or_pass_the_same(
    which: int, edits: list[tuple[str, int, Any]]
) -> None:
    cls, doc = DOCUMENTS[which]
    data = json.loads(json.dumps(doc))
    for action, index, value in edits:
        keys = sorted(data)
        if action == "add":
            data[f"extra_{index}"] = value
        elif keys and action == "drop":
            data.pop(keys[index % len(keys)])
        elif keys:
            data[keys[index % len(keys)]] = value
    _same(cls, data)


@pytest.mark.parametrize("data", [None, [], "piece", 3, {"id": None}])
def test_not_an_object_or_nothing_right(data: Any) -> None:
    _same(Piece, data)


TRICKY: list[Any] = [
    None, True, 0, 1, -1, 2**64, 1.0, 1.5, "", "ring\x00", "\ud800", "é", "jewelry",
    "in_stock", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05", "2026-01-02", "1.25", "NaN",
    "00000000-0000-0000-0000-000000000000", "not-an-id", [], ["x"], [1], {}, {"id": "x"},
]


@pytest.mark.parametrize(("cls", "doc"), DOCUMENTS, ids=[c.__name__ for c, _ in DOCUMENTS])
def test_every_field_with_every_tricky_value(cls: type, doc: dict[str, Any]) -> None:
    for key in doc:
        for value in TRICKY:
            data = dict(doc)
            data[key] = value
            _same(cls, data)
        data = dict(doc)
        del data[key]
        _same(cls, data)
