"""The job: push a tenant's finalized sales to QuickBooks, each exactly once.

Exactly once rests on two things. The link table records every sale QuickBooks accepted
(a linked invoice is never sent again). And each create carries a ``requestid`` derived
from our invoice ID, so when QuickBooks created the document but its answer was lost, the
next run's identical request is answered with the original document instead of a second
one; the link is then written. Runs may overlap: links are ``ON CONFLICT DO NOTHING`` and
the request IDs are the same.

A sale voided after it was pushed is voided in QuickBooks too (it stays in the books at
zero, as voids do in our own history); one voided before it was pushed is never sent.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import httpx
from sqlalchemy import Engine

from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.sales.entities import Invoice
from jeweltrak_core.store.entities import Store
from sync_server.db.engine import tenant_transaction
from sync_server.db.names import TenantRef
from sync_server.integrations import connections
from sync_server.integrations.connections import IntegrationConnection
from sync_server.integrations.quickbooks import mapping, repository
from sync_server.integrations.quickbooks.api import AccessDenied, AccountingApi, quote
from sync_server.integrations.quickbooks.errors import Rejected, Unavailable
from sync_server.integrations.quickbooks.oauth import IntuitOAuth
from sync_server.integrations.quickbooks.settings import QuickBooksSettings
from sync_server.integrations.quickbooks.tokens import fresh_connection
from sync_server.integrations.vault import TokenVault
from sync_server.kit import entity_docs

log = logging.getLogger(__name__)
T = TypeVar("T")
WALK_IN = uuid.uuid5(uuid.NAMESPACE_URL, "jeweltrak:quickbooks:walk-in")
WALK_IN_NAME = "Walk-in customer (JewelTrak)"


@dataclass
class PushCounts:
    """What a run did."""

    pushed: int = 0
    voided: int = 0
    problems: int = 0
    skipped: int = 0
    stopped: str | None = None  # why the run ended early (QuickBooks unreachable)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@contextmanager
def _client(qbo: QuickBooksSettings, http: httpx.Client | None) -> Iterator[httpx.Client]:
    if http is not None:
        yield http
        return
    with httpx.Client(timeout=qbo.timeout_seconds) as own:
        yield own


def push_pending_sales(engine: Engine, tenant: TenantRef, *, vault: TokenVault,
                       qbo: QuickBooksSettings, http: httpx.Client | None = None,
                       limit: int | None = None) -> PushCounts:
    """Push finalized, not yet linked invoices (and voids of pushed ones) for one tenant."""
    with _client(qbo, http) as client:
        oauth = IntuitOAuth(qbo, client)
        pusher = _Pusher(engine, tenant, vault, qbo, oauth, client)
        return pusher.run(limit or qbo.push_batch)


class _Pusher:
    def __init__(self, engine: Engine, tenant: TenantRef, vault: TokenVault,
                 qbo: QuickBooksSettings, oauth: IntuitOAuth, http: httpx.Client) -> None:
        self.engine, self.tenant, self.vault = engine, tenant, vault
        self.qbo, self.oauth, self.http = qbo, oauth, http
        self.connection: IntegrationConnection = fresh_connection(engine, tenant, vault,
                                                                  oauth, qbo)
        self.counts = PushCounts()

    # --- calls, with one forced refresh when QuickBooks says 401 ----------------------
    def _api(self) -> AccountingApi:
        return AccountingApi(self.qbo, self.http, realm_id=self.connection.account_ref,
                             access_token=self.connection.access_token)

    def call(self, fn: Callable[[AccountingApi], T]) -> T:
        try:
            return fn(self._api())
        except AccessDenied:
            self.connection = fresh_connection(self.engine, self.tenant, self.vault,
                                               self.oauth, self.qbo, force=True)
            return fn(self._api())

    # --- the run ----------------------------------------------------------------------
    def run(self, limit: int) -> PushCounts:
        with tenant_transaction(self.engine, self.tenant) as conn:
            pending = repository.finalized_not_pushed(conn, limit)
            voids = repository.voided_after_push(conn, limit)
            problems = repository.problems(conn)
        try:
            for invoice in pending:
                self._push_sale(invoice, int(problems.get(str(invoice.id), {}).get("attempt", 0)))
            for invoice, remote in voids:
                self._push_void(invoice, remote)
        except Unavailable as exc:
            self.counts.stopped = exc.message
            log.warning("quickbooks push stopped: tenant=%s (%s)", self.tenant.id, exc.code)
        log.info("quickbooks push: tenant=%s pushed=%d voided=%d problems=%d", self.tenant.id,
                 self.counts.pushed, self.counts.voided, self.counts.problems)
        return self.counts

    def _refused(self, invoice: Invoice, exc: Rejected, attempt: int) -> None:
        with tenant_transaction(self.engine, self.tenant) as conn:
            repository.record_problem(conn, invoice, exc.message, attempt + 1)
        self.counts.problems += 1
        log.warning("quickbooks refused invoice %s: fault %s", invoice.id, exc.fault_code)

    def _push_sale(self, invoice: Invoice, attempt: int) -> None:
        if invoice.total_cents < 0:
            with tenant_transaction(self.engine, self.tenant) as conn:
                repository.record_problem(
                    conn, invoice, "This invoice refunds more than it sells; QuickBooks "
                    "takes that as a refund receipt, which JewelTrak does not send yet. "
                    "Enter it in QuickBooks by hand.", attempt)
            self.counts.skipped += 1
            return
        kind = mapping.document_kind(invoice)
        try:
            customer = self._customer_ref(invoice, required=kind == mapping.INVOICE)
            with tenant_transaction(self.engine, self.tenant) as conn:
                store = entity_docs.load(conn, Store, invoice.store_id)
            body = mapping.transaction_body(
                invoice, customer_ref=customer,
                item_ref=str(self.connection.settings.get("item_ref")
                             or self.qbo.default_item_ref),
                timezone=store.timezone if store is not None else "UTC")
            created = self.call(lambda api: api.create(
                kind, body, request_id=mapping.request_id("inv", invoice.id, attempt)))
        except Rejected as exc:
            self._refused(invoice, exc, attempt)
            return
        with tenant_transaction(self.engine, self.tenant) as conn:
            connections.link(conn, repository.PROVIDER, repository.SALE,
                             mapping.remote_ref(kind, str(created["Id"])), invoice.id)
            repository.clear_problem(conn, invoice.id)
        self.counts.pushed += 1

    def _push_void(self, invoice: Invoice, remote: str) -> None:
        kind, remote_id = mapping.parse_remote_ref(remote)
        try:
            current = self.call(lambda api: api.read(kind, remote_id))
            # A lost answer is harmless here too: the same request ID replays the void.
            self.call(lambda api: api.void(
                kind, remote_id, str(current.get("SyncToken", "0")),
                request_id=mapping.request_id("void", invoice.id)))
        except Rejected as exc:
            self._refused(invoice, exc, 0)
            return
        with tenant_transaction(self.engine, self.tenant) as conn:
            connections.link(conn, repository.PROVIDER, repository.VOID, remote, invoice.id)
            repository.clear_problem(conn, invoice.id)
        self.counts.voided += 1

    # --- customers --------------------------------------------------------------------
    def _customer_ref(self, invoice: Invoice, *, required: bool) -> str | None:
        if invoice.contact_id is None:
            return self._walk_in() if required else None
        with tenant_transaction(self.engine, self.tenant) as conn:
            known = connections.remote_id(conn, repository.PROVIDER, repository.CONTACT,
                                          invoice.contact_id)
            contact = entity_docs.load(conn, Contact, invoice.contact_id)
        if known is not None:
            return known
        if contact is None:  # deleted since: the sale still books, to the walk-in customer
            return self._walk_in() if required else None
        return self._find_or_create(contact)

    def _find_or_create(self, contact: Contact) -> str:
        name = mapping.display_name(contact)
        rows = self.call(lambda api: api.query(
            f"select * from Customer where DisplayName = {quote(name)}", "Customer"))
        email = contact.emails[0].lower() if contact.emails else None
        for row in rows:
            theirs = str((row.get("PrimaryEmailAddr") or {}).get("Address", "")).lower()
            with tenant_transaction(self.engine, self.tenant) as conn:
                owner = connections.local_id(conn, repository.PROVIDER, repository.CONTACT,
                                             str(row["Id"]))
            same_person = owner in (None, contact.id) and (not email or not theirs
                                                           or theirs == email)
            if same_person:
                self._link_contact(contact.id, str(row["Id"]))
                return str(row["Id"])
        # The name belongs to someone else (DisplayName is unique in QuickBooks).
        if rows:
            name = mapping.display_name(contact, suffix=contact.id.hex[:6])
        created = self.call(lambda api: api.create(
            "Customer", mapping.customer_body(contact, name),
            request_id=mapping.request_id("cus", contact.id)))
        self._link_contact(contact.id, str(created["Id"]))
        return str(created["Id"])

    def _walk_in(self) -> str:
        with tenant_transaction(self.engine, self.tenant) as conn:
            known = connections.remote_id(conn, repository.PROVIDER, repository.CONTACT,
                                          WALK_IN)
        if known is not None:
            return known
        rows = self.call(lambda api: api.query(
            f"select * from Customer where DisplayName = {quote(WALK_IN_NAME)}", "Customer"))
        if rows:
            remote = str(rows[0]["Id"])
        else:
            remote = str(self.call(lambda api: api.create(
                "Customer", {"DisplayName": WALK_IN_NAME},
                request_id=mapping.request_id("cus", WALK_IN)))["Id"])
        self._link_contact(WALK_IN, remote)
        return remote

    def _link_contact(self, local: uuid.UUID, remote: str) -> None:
        with tenant_transaction(self.engine, self.tenant) as conn:
            connections.link(conn, repository.PROVIDER, repository.CONTACT, remote, local)
