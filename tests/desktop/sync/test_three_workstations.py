"""Three workstations of one store, as a hypothesis state machine, against the REAL service.

Each example gets a fresh tenant and three freshly paired workstations (A, B, C) talking to
the sync service on loopback (real PostgreSQL) through the fault-injecting transport. The
rules partition and heal workstations (offline = every request refused before it reaches
the service), sell one-of-a-kind pieces through the desktop services (the same piece may be
sold on two offline workstations), adjust the stock of a quantity item, edit a contact and
sync. Finally everything is healed and every workstation synced until quiet, then:

* all replicas equal: each workstation holds exactly the service's live rows, table by
  table (decoded entities), and so all three workstations are equal to each other;
* stock of the quantity item = start + every adjustment made anywhere;
* each one-of-a-kind piece is on at most one finalized sale, or has an open oversell
  exception for it;
* document numbers are unique (invoices, work orders, StockIDs);
* every rejected op is visible: outbox status ``rejected`` ⇔ listed by the service's
  ``GET /v1/sync/problems`` as rejected (the same for ``conflict``), and each workstation's
  own problem list shows exactly its rejected and conflicting ops.

Work orders: jobs are opened and moved between lanes (illegal moves a counter already knows
about are refused locally; concurrent offline moves may be rejected or flagged by the
service, which the last invariant then checks). Customer memos: a ring goes out on memo
from one counter, and any counter converts it to an invoice or takes it back.

Clocks: each workstation's clock (``LocalStore.clock``, which stamps its ops) may be set
hours ahead or behind at any step. The service orders ops by its own versions, so skewed
stamps must change nothing but the recorded times; the invariants above hold regardless,
and each sale a skewed counter made carries that counter's time on the service too.

``JT_SYNC_EXAMPLES`` (default 8) sets the number of examples.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine

from jeweltrak_core.clock import utc_now
from jeweltrak_core.errors import JewelTrakError
from jeweltrak_core.memos.rules import MemoLineStatus
from jeweltrak_core.sales.entities import InvoiceStatus
from jeweltrak_core.work_orders.rules import WorkOrderStatus
from jeweltrak_desktop.services import contacts, inventory, memos, work_orders
from jeweltrak_desktop.sync.errors import SyncError
from tests.desktop.sync.conftest import (
    OpenStation,
    PairedStation,
    assert_equal_to_service,
    drop_request,
    server_entities,
)
from tests.desktop.sync.sales import new_piece, sell
from tests.server.conftest import TenantFixture, make_tenant

STATIONS = 3
RINGS = 3
QUIET_ROUNDS = 20

SETTINGS = settings(
    max_examples=int(os.environ.get("JT_SYNC_EXAMPLES", "8")),
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

station_ix = st.integers(0, STATIONS - 1)


def _sync_until_quiet(station: PairedStation) -> None:
    """Upload, then pull, until nothing is pending and a pull brings nothing new."""
    for _ in range(QUIET_ROUNDS):
        station.sync.upload()
        applied = station.sync.pull()
        if station.local.pending_ops() == 0 and applied == 0:
            return
    raise AssertionError(f"{station.device.ctx.workstation_code} never became quiet")


def _service_problems(service_url: str, station: PairedStation) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{service_url}/v1/sync/problems",
        headers={"Authorization": f"Bearer {station.device.token}"},
        timeout=10,
    )
    response.raise_for_status()
    problems: list[dict[str, Any]] = response.json()["problems"]
    return problems


class ThreeWorkstations(RuleBasedStateMachine):
    """One store, three counters, random outages; converges once the network is back."""

    def __init__(self, engine: Engine, open_station: OpenStation, service_url: str) -> None:
        super().__init__()
        self.service_url = service_url
        self.tenant: TenantFixture = make_tenant(engine, "Three Counters")
        #: Each workstation's clock error; its LocalStore stamps ops with now + this.
        self.skews = [timedelta(0)] * STATIONS
        self.stations = [
            open_station(self.tenant, label, clock=self._clock_of(i))
            for i, label in enumerate("ABC")
        ]
        self.offline = [False] * STATIONS
        a = self.stations[0]
        a.sync.sync_once()
        self.rings = [new_piece(a.local, description=f"Solitaire {n}") for n in range(RINGS)]
        self.chain = new_piece(
            a.local, description="Rope chain by the unit", is_quantity_item=True,
            qty_purchased=3,
        )
        self.start_qty = self.chain.ledger.expected_quantity
        self.contact = contacts.create_contact(a.local, first_name="Ana", last_name="García")
        self.jobs = [work_orders.open_work_order(
            a.local, contact_id=self.contact.id, item_description="Resize ring"
        ).id]
        for station in self.stations:
            station.sync.sync_once()
        self.deltas: list[int] = []
        self.sales_made = 0
        self.memos: list[UUID] = []
        #: Finalized sales and the time their counter stamped on them.
        self.stamps: dict[UUID, datetime] = {}

    def _clock_of(self, i: int) -> Callable[[], datetime]:
        return lambda: utc_now() + self.skews[i]

    # --- network --------------------------------------------------------------------

    @rule(i=station_ix)
    def partition(self, i: int) -> None:
        """The workstation loses the network: every request is refused."""
        if not self.offline[i]:
            self.stations[i].faults.add("/", drop_request, times=10**9)
            self.offline[i] = True

    @rule(i=station_ix)
    def heal(self, i: int) -> None:
        """The network comes back."""
        self.stations[i].faults.clear()
        self.offline[i] = False

    @rule(i=station_ix)
    def sync(self, i: int) -> None:
        """One round of the background worker: offline it fails, and that is fine."""
        try:
            self.stations[i].sync.sync_once()
        except SyncError:
            assert self.offline[i], "an online workstation failed to sync"

    @initialize(hours=st.lists(st.integers(-14, 14), min_size=STATIONS, max_size=STATIONS))
    def set_clocks(self, hours: list[int]) -> None:
        """Counter PCs rarely agree on the time: each starts off by some hours."""
        for i, h in enumerate(hours):
            self.skew_clock(i, h)

    @rule(i=station_ix, hours=st.integers(-14, 14))
    def skew_clock(self, i: int, hours: int) -> None:
        """The counter PC's clock drifts (or someone sets it wrong) by hours."""
        self.skews[i] = timedelta(hours=hours, minutes=hours * 7 % 60)

    # --- counter work ---------------------------------------------------------------

    @rule(i=station_ix, n=st.integers(0, RINGS - 1))
    def sell_ring(self, i: int, n: int) -> None:
        """Sell a one-of-a-kind ring; refused locally only when this counter knows it is sold."""
        try:
            invoice = sell(self.stations[i].local, self.rings[n])
        except JewelTrakError:
            return
        self.sales_made += 1
        assert invoice.finalized_at is not None
        # The sale carries this counter's (possibly skewed) time, not the true time.
        assert abs(invoice.finalized_at - (utc_now() + self.skews[i])) < timedelta(minutes=1)
        self.stamps[invoice.id] = invoice.finalized_at

    @rule(i=station_ix, j=station_ix, n=st.integers(0, RINGS - 1))
    def sell_on_two_offline(self, i: int, j: int, n: int) -> None:
        """Both counters are cut off and each sells the same one-of-a-kind ring."""
        for k in {i, j}:
            self.partition(k)
            self.sell_ring(k, n)

    @rule(i=station_ix, code=st.sampled_from(["DUP-1", "DUP-2"]))
    def add_piece_by_hand(self, i: int, code: str) -> None:
        """A StockID typed by hand: two counters may pick the same one (one is rejected)."""
        with suppress(JewelTrakError):  # this counter already knows the StockID is taken
            new_piece(self.stations[i].local, stock_id=code, description=f"Hand-tagged {code}")

    @rule(i=station_ix)
    def open_job(self, i: int) -> None:
        """Repair intake, numbered by the workstation."""
        self.jobs.append(work_orders.open_work_order(
            self.stations[i].local, contact_id=self.contact.id, item_description="Solder chain"
        ).id)

    @rule(i=station_ix, k=st.integers(0, 3), to=st.sampled_from(list(WorkOrderStatus)))
    def move_job(self, i: int, k: int, to: WorkOrderStatus) -> None:
        """Move a job on the board; a move this counter knows is illegal is refused."""
        job = self.jobs[k % len(self.jobs)]
        with suppress(JewelTrakError):
            work_orders.move_work_order(self.stations[i].local, job, to)

    @rule(i=station_ix, delta=st.integers(-3, 4).filter(bool))
    def adjust_chain(self, i: int, delta: int) -> None:
        """Received, damaged or found units of the quantity item."""
        inventory.adjust_stock(self.stations[i].local, self.chain.id, delta, reason="count")
        self.deltas.append(delta)

    @rule(i=station_ix, field=st.sampled_from(["notes", "ring_sizes", "spouse_name"]),
          value=st.text("abcxyz ", min_size=1, max_size=8))
    def edit_contact(self, i: int, field: str, value: str) -> None:
        """A clerk edits one field of the shared customer."""
        contacts.patch_contact(self.stations[i].local, self.contact.id, **{field: value})

    @rule(i=station_ix, n=st.integers(0, RINGS - 1))
    def send_on_memo(self, i: int, n: int) -> None:
        """A ring goes out on approval (refused if this counter knows it is gone)."""
        try:
            memo = memos.issue_memo(
                self.stations[i].local, contact_id=self.contact.id,
                codes=[self.rings[n].stock_id],
            )
        except JewelTrakError:
            return
        self.memos.append(memo.id)

    @rule(i=station_ix, k=st.integers(0, 3), keep=st.booleans())
    def settle_memo(self, i: int, k: int, keep: bool) -> None:
        """The customer keeps the ring (invoiced) or brings it back."""
        if not self.memos:
            return
        local = self.stations[i].local
        memo = memos.get_memo(local, self.memos[k % len(self.memos)])
        if memo is None:  # issued on another counter, not synced here yet
            return
        out = [line.id for line in memo.lines if line.status is MemoLineStatus.OUT]
        if not out:
            return
        with suppress(JewelTrakError):
            if keep:
                memos.convert_memo_to_invoice(local, memo.id, out)
            else:
                memos.return_memo_lines(local, memo.id, out)

    # --- after the storm --------------------------------------------------------------

    def teardown(self) -> None:
        try:
            self._converge_and_check()
        finally:
            for station in self.stations:
                station.transport.close()
                station.local.close()

    def _converge_and_check(self) -> None:
        for i in range(STATIONS):
            self.heal(i)
        for _ in range(2):
            for station in self.stations:
                _sync_until_quiet(station)

        # All replicas equal (each to the service, hence to each other).
        for station in self.stations:
            assert station.local.pending_ops() == 0
            assert_equal_to_service(station.local, self.tenant)

        # Stock = start + all deltas.
        pieces = server_entities(self.tenant, "pieces")
        chain = pieces[str(self.chain.id)]
        assert chain.qty_adjustments == sum(self.deltas)
        assert chain.ledger.expected_quantity == self.start_qty + sum(self.deltas)

        # Each piece sold at most once, or an open oversell exception for it.
        invoices = server_entities(self.tenant, "invoices")
        sold: Counter[UUID] = Counter(
            line.piece_id
            for inv in invoices.values()
            if inv.status is not InvoiceStatus.VOIDED and inv.finalized_at is not None
            for line in inv.lines
            if line.piece_id is not None
        )
        open_oversells = {
            e.piece_id
            for e in server_entities(self.tenant, "oversell_exceptions").values()
            if e.resolved_at is None
        }
        for ring in self.rings:
            assert sold[ring.id] <= 1 or ring.id in open_oversells, (
                f"{ring.stock_id} sold {sold[ring.id]} times without an oversell exception"
            )

        # Skewed clocks: the service keeps each sale's own counter time, whatever the skew.
        for invoice_id, stamp in self.stamps.items():
            assert invoices[str(invoice_id)].finalized_at == stamp

        # Document numbers unique.
        numbers = [inv.number for inv in invoices.values()]
        assert len(numbers) == len(set(numbers)), numbers
        jobs = [w.number for w in server_entities(self.tenant, "work_orders").values()]
        assert len(jobs) == len(set(jobs)), jobs
        memo_numbers = [m.number for m in server_entities(self.tenant, "customer_memos").values()]
        assert len(memo_numbers) == len(set(memo_numbers)), memo_numbers
        stock_ids = [p.stock_id for p in pieces.values()]
        assert len(stock_ids) == len(set(stock_ids)), stock_ids

        # Every rejected op visible: outbox rejected ⇔ the service lists it as rejected;
        # the same for conflicts, and the workstation's own problem list shows each of them.
        problems = _service_problems(self.service_url, self.stations[0])
        for status in ("rejected", "conflict"):
            here = {
                str(e["op_id"])
                for station in self.stations
                for e in station.local.outbox_entries()
                if e["status"] == status
            }
            there = {p["op_id"] for p in problems if p["status"] == status}
            assert here == there, status
        for station in self.stations:
            shown = {(p.seq, p.status) for p in station.sync.status().problems}
            flagged = {
                (int(e["seq"]), e["status"]) for e in station.local.outbox_entries()
                if e["status"] in ("rejected", "conflict")
            }
            assert shown == flagged
        event(f"oversell exceptions: {len(open_oversells)}")
        event(f"service problems: {sorted(Counter(p['status'] for p in problems).items())}")
        event(f"finalized sales: {sum(sold.values())}")
        event(f"memos issued: {min(len(memo_numbers), 2)}+" if memo_numbers else "no memos")
        event("clocks skewed" if any(self.skews) else "clocks true")


def test_three_workstations_converge(
    engine: Engine, open_station: OpenStation, service_url: str
) -> None:
    run_state_machine_as_test(
        lambda: ThreeWorkstations(engine, open_station, service_url), settings=SETTINGS
    )

