"""The demo store: a realistic jewelry store to try the app and to benchmark with.

``python -m jeweltrak_desktop.demo PATH [--pieces N]`` builds one. Inventory and contacts
are seeded in bulk (they are the store's starting state, not counter actions); the sales,
memos, repairs and appraisals are made through the real services, so they exercise the
rules and leave operations in the outbox — marked ``demo`` so a local demo store never
tries to upload them.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, update

from jeweltrak_core.appraisals.entities import AppraisalLine
from jeweltrak_core.appraisals.rules import AppraisalPurpose
from jeweltrak_core.contacts.entities import Contact
from jeweltrak_core.ids import new_id
from jeweltrak_core.inventory.entities import Piece
from jeweltrak_core.inventory.pricing import price_tiers_from_cost
from jeweltrak_core.inventory.stock import Family
from jeweltrak_core.payments.rules import Tender
from jeweltrak_core.permissions import Permission
from jeweltrak_core.sales.tax import LineKind
from jeweltrak_core.store.entities import PermissionGroup, Store, User
from jeweltrak_core.work_orders.rules import WorkOrderStatus
from jeweltrak_desktop.services import appraisals, memos, payments, sales, work_orders
from jeweltrak_desktop.services.local_store import DeviceIdentity, LocalStore
from jeweltrak_desktop.services.staff import hash_pin
from jeweltrak_desktop.store.codec import entity_to_row
from jeweltrak_desktop.store.repository import SqliteRepository
from jeweltrak_desktop.store.schema import outbox, table_of

DEMO_STORE_CODE = "D"
_FAMILY_WEIGHTS = [
    (Family.JEWELRY, 55),
    (Family.WATCH, 8),
    (Family.DIAMOND, 20),
    (Family.COLORED_STONE, 10),
    (Family.PEARL, 7),
]
_METALS = [
    ("yellow gold", 14),
    ("white gold", 14),
    ("yellow gold", 18),
    ("rose gold", 14),
    ("platinum", None),
    ("sterling silver", None),
]
_CATEGORIES = [
    "ring",
    "engagement ring",
    "wedding band",
    "pendant",
    "necklace",
    "bracelet",
    "earrings",
    "brooch",
    "anklet",
    "cuff links",
]
_SHAPES = ["round", "oval", "princess", "cushion", "emerald", "pear", "marquise", "radiant"]
_COLORS = list("DEFGHIJK")
_CLARITIES = ["IF", "VVS1", "VVS2", "VS1", "VS2", "SI1", "SI2", "I1"]
_GEMS = [
    ("sapphire", "blue"),
    ("ruby", "red"),
    ("emerald", "green"),
    ("tanzanite", "violet"),
    ("aquamarine", "blue"),
    ("morganite", "pink"),
    ("tourmaline", "green"),
]
_WATCHES = [
    ("Rolex", "Submariner", "126610LN"),
    ("Omega", "Seamaster", "210.30.42"),
    ("Cartier", "Tank", "WSTA0041"),
    ("Tudor", "Black Bay", "M79230N"),
    ("Breitling", "Navitimer", "AB0138"),
]
_FIRST = [
    "Maria",
    "James",
    "Ana",
    "Robert",
    "Linda",
    "Michael",
    "Sofia",
    "David",
    "Elena",
    "William",
    "José",
    "Chloé",
    "Wei",
    "Priya",
    "Noah",
    "Olivia",
    "Liam",
    "Emma",
]
_LAST = [
    "García",
    "Smith",
    "Johnson",
    "Nguyen",
    "Brown",
    "Martínez",
    "Davis",
    "Lopez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Moore",
    "Chen",
    "Patel",
    "Rossi",
    "Kim",
]


def demo_store_settings(store_id: Any) -> Store:
    """The demo store: Florida sales tax with the county surtax cap."""
    return Store(
        id=store_id,
        name="Demo Fine Jewelers",
        code=DEMO_STORE_CODE,
        address="100 Main Street, Sarasota, FL 34236",
        phone="(941) 555-0100",
        tax_number="FL-78-8012345678-9",
        timezone="America/New_York",
        tax_rate=Decimal("0.06"),
        surtax_rate=Decimal("0.01"),
        surtax_threshold_cents=500_000,
        disclaimer="All sales final after 30 days. Appraisals are opinions of value.",
    )


#: What the demo's Sales group may not do: see cost, void, override prices, discount.
SALES_WITHHELD = frozenset(
    {
        Permission.VIEW_COST,
        Permission.VOID_INVOICE,
        Permission.OVERRIDE_PRICE,
        Permission.DISCOUNT,
        Permission.REOPEN_INVOICE,
        Permission.REFUND,
        Permission.RESOLVE_EXCEPTIONS,
        Permission.MANAGE_SETTINGS,
        Permission.MANAGE_USERS,
        Permission.PAIR_DEVICES,
    }
)
#: The demo's staff: (name, PIN, group name). Demo PINs only, printed in the README.
DEMO_STAFF = (("Dana Owner", "1111", "Owners"), ("Sam Clerk", "2222", "Sales"))


def demo_staff() -> list[PermissionGroup | User]:
    """The demo's two groups (Owners: everything; Sales: no cost, void, override, discount)
    and its two staff members with their PIN verifiers."""
    groups = {
        "Owners": PermissionGroup(
            id=new_id(), name="Owners", permissions=sorted(p.value for p in Permission)
        ),
        "Sales": PermissionGroup(
            id=new_id(),
            name="Sales",
            permissions=sorted(p.value for p in Permission if p not in SALES_WITHHELD),
        ),
    }
    users = [
        User(id=new_id(), name=name, pin_verifier=hash_pin(pin), group_ids=[groups[group].id])
        for name, pin, group in DEMO_STAFF
    ]
    return [*groups.values(), *users]


def add_demo_staff(store: LocalStore) -> bool:
    """Write the demo staff into a local demo store that has no staff yet; True if added."""
    with store.engine.begin() as conn:
        repo = SqliteRepository(conn)
        if repo.rows("SELECT id FROM users LIMIT 1"):
            return False
        for entity in demo_staff():
            repo.put(entity)
    return True


def make_pieces(rng: random.Random, store: Store, count: int, *, start: int = 1) -> Iterator[Piece]:
    """``count`` realistic pieces with StockIDs D100001, D100002 ..."""
    families = [f for f, _ in _FAMILY_WEIGHTS]
    weights = [w for _, w in _FAMILY_WEIGHTS]
    multipliers = store.multipliers
    now = datetime.now(UTC)
    for n in range(start, start + count):
        family = rng.choices(families, weights)[0]
        fields = _family_fields(rng, family)
        cost = rng.randrange(5_000, 1_500_000, 100)
        tiers = price_tiers_from_cost(cost, multipliers)
        yield Piece(
            id=new_id(),
            store_id=store.id,
            stock_id=f"{store.code}{100000 + n}",
            family=family,
            barcode=f"{store.code}{100000 + n}",
            cost_cents=cost,
            price1_cents=tiers.price1_cents,
            price2_cents=tiers.price2_cents,
            price3_cents=tiers.price3_cents,
            retail_cents=tiers.retail_cents,
            location=rng.choice(["Case 1", "Case 2", "Case 3", "Safe", "Window"]),
            created_at=now - timedelta(days=rng.randrange(0, 900)),
            **fields,
        )


def _family_fields(rng: random.Random, family: Family) -> dict[str, Any]:
    if family is Family.JEWELRY:
        metal, karat = rng.choice(_METALS)
        category = rng.choice(_CATEGORIES)
        grams = Decimal(rng.randrange(150, 4000)) / 100
        stone = rng.choice(["", " with diamonds", f" with {rng.choice(_GEMS)[0]}"])
        label = f"{karat}K " if karat else ""
        return {
            "category": category,
            "metal_type": metal,
            "karat": karat,
            "metal_weight_g": grams,
            "style_no": f"ST-{rng.randrange(1000, 9999)}",
            "description": f"{label}{metal} {category}{stone}",
            "size": str(rng.choice([5, 6, 6.5, 7, 8])) if "ring" in category else None,
        }
    if family is Family.WATCH:
        brand, model, ref = rng.choice(_WATCHES)
        return {
            "brand": brand,
            "model": model,
            "reference": ref,
            "serial_no": f"{rng.randrange(10**7, 10**8)}",
            "box_papers": rng.random() < 0.7,
            "description": f"{brand} {model} ref. {ref}",
            "dial": "black",
            "band": "steel",
        }
    if family is Family.DIAMOND:
        carats = Decimal(rng.randrange(30, 350)) / 100
        shape = rng.choice(_SHAPES)
        color, clarity = rng.choice(_COLORS), rng.choice(_CLARITIES)
        return {
            "shape": shape,
            "carat_weight": carats,
            "color": color,
            "clarity": clarity,
            "cut": rng.choice(["Excellent", "Very Good", "Good"]),
            "lab": "GIA",
            "certificate_no": str(rng.randrange(10**9, 10**10)),
            "description": f"{carats} ct {shape} diamond {color} {clarity}",
        }
    if family is Family.COLORED_STONE:
        gem, color = rng.choice(_GEMS)
        carats = Decimal(rng.randrange(50, 800)) / 100
        return {
            "shape": rng.choice(_SHAPES),
            "carat_weight": carats,
            "color": color,
            "treatments": rng.choice(["none", "heated", None]),
            "description": f"{carats} ct {color} {gem}",
        }
    size = Decimal(rng.randrange(60, 120)) / 10
    count = rng.choice([1, 2, 45, 60])
    kind = rng.choice(["Akoya", "South Sea", "Tahitian", "freshwater"])
    return {
        "shape": "round",
        "color": rng.choice(["white", "cream", "black", "golden"]),
        "pearl_size_mm": size,
        "stone_count": count,
        "description": f"{kind} pearl {'strand' if count > 2 else 'pair'} {size} mm",
    }


def make_contacts(rng: random.Random, count: int) -> Iterator[Contact]:
    """Customers (and a few vendors) with phones and emails."""
    for n in range(count):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        vendor = n % 25 == 0
        yield Contact(
            id=new_id(),
            first_name="" if vendor else first,
            last_name="" if vendor else last,
            company=f"{last} Gems Wholesale" if vendor else "",
            is_customer=not vendor,
            is_vendor=vendor,
            phones=[f"(941) 555-{rng.randrange(1000, 9999)}"],
            emails=[
                f"{first.lower()}.{last.lower()}{n}@example.com".encode("ascii", "ignore").decode()
            ],
            ring_sizes=str(rng.choice([5, 6, 7, 8])) if not vendor else None,
            created_at=datetime.now(UTC),
        )


def bulk_insert(conn: Connection, entities: list[Any]) -> None:
    """Seed rows of one entity type in one executemany (no operations: starting state)."""
    et = table_of(type(entities[0]))
    columns = [c.name for c in et.table.columns]
    computed = list(et.computed.items())
    rows = []
    for entity in entities:
        row = entity_to_row(entity)
        for column, compute in computed:
            row[column] = compute(entity)
        rows.append(tuple(row[c] for c in columns))
    placeholders = ", ".join("?" * len(columns))
    conn.exec_driver_sql(
        f"INSERT INTO {et.table.name} ({', '.join(columns)}) VALUES ({placeholders})", rows
    )


def build_demo_store(
    path: Path, *, pieces: int = 2000, contacts: int = 300, seed: int = 7, history: bool = True
) -> LocalStore:
    """Create and fill a demo store database at ``path`` (which must not exist)."""
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    store = LocalStore(path)
    store_id = new_id()
    settings = demo_store_settings(store_id)
    store.set_up(
        DeviceIdentity(
            device_id=new_id(), store_id=store_id, store_code=DEMO_STORE_CODE, workstation_code="A"
        ),
        settings,
    )
    add_demo_staff(store)
    with store.engine.begin() as conn:
        batch: list[Piece] = []
        for piece in make_pieces(rng, settings, pieces):
            batch.append(piece)
            if len(batch) == 5000:
                bulk_insert(conn, batch)
                batch = []
        if batch:
            bulk_insert(conn, batch)
        bulk_insert(conn, list(make_contacts(rng, contacts)))
    if history:
        make_history(store, rng)
    with store.engine.begin() as conn:
        conn.execute(update(outbox).where(outbox.c.status == "pending").values(status="demo"))
    return store


def make_history(store: LocalStore, rng: random.Random) -> None:
    """Sales, a memo, repairs and an appraisal made through the real services."""
    with store.reader() as repo:
        customers = repo.list(Contact, table_of(Contact).table.c.is_customer.is_(True), limit=40)
        stock = repo.list(Piece, table_of(Piece).table.c.is_quantity_item.is_(False), limit=60)
    payments.open_drawer(store, 20_000)
    for i in range(12):
        invoice = sales.new_invoice(store, contact_id=customers[i].id)
        invoice = sales.add_piece(store, invoice.id, stock[i].stock_id)
        if i % 3 == 0:
            invoice = sales.add_charge(
                store,
                invoice.id,
                kind=LineKind.SERVICE,
                description="Ring sizing",
                price_cents=4_500,
            )
        invoice = sales.finalize_invoice(store, invoice.id)
        if i % 2:
            payments.take_cash(store, invoice.id, invoice.balance_cents + 5_000)
        else:
            payments.take_payment(
                store,
                invoice.id,
                tender=Tender.CHECK,
                amount_cents=invoice.balance_cents,
                check_number=str(1000 + i),
            )
    memo = memos.issue_memo(
        store,
        contact_id=customers[20].id,
        codes=[p.stock_id for p in stock[20:23]],
        due_date=date.today() + timedelta(days=14),
        terms="Net 14",
    )
    memos.return_memo_lines(store, memo.id, [memo.lines[0].id])
    for j in range(6):
        order = work_orders.open_work_order(
            store,
            contact_id=customers[25 + j].id,
            rush=j == 0,
            item_description=rng.choice(
                [
                    "14K ring — size down 2",
                    "Prong re-tip, 4 prongs",
                    "Rhodium plate white gold band",
                    "Engrave 'Forever'",
                ]
            ),
            estimate_cents=rng.choice([4_500, 8_500, 12_000]),
            promised_date=date.today() + timedelta(days=7 + j),
            warranty_days=90,
        )
        if j % 2:
            work_orders.move_work_order(store, order.id, WorkOrderStatus.IN_PROGRESS)
    appraisal = appraisals.create_appraisal(
        store,
        purpose=AppraisalPurpose.INSURANCE,
        appraisal_date=date.today(),
        contact_id=customers[30].id,
        appraiser_name="Dana Reyes",
        appraiser_credentials="GIA Graduate Gemologist",
        lines=[
            AppraisalLine(
                id=new_id(),
                description="Platinum solitaire engagement ring",
                value_cents=1_250_000,
                metal="platinum",
                weight_g=Decimal("5.20"),
                stone_shape="round",
                stone_carat=Decimal("1.01"),
                stone_color="G",
                stone_clarity="VS1",
                condition="excellent",
            )
        ],
    )
    appraisals.finalize_appraisal(store, appraisal.id)


def open_demo_store(path: Path, *, pieces: int = 2000) -> LocalStore:
    """The demo store at ``path``, built on first use (an older one gets the demo staff)."""
    if path.exists():
        store = LocalStore(path)
        if store.is_set_up and not _is_paired(store):
            add_demo_staff(store)
        return store
    path.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the target and rename into place: an interrupted build never leaves a
    # half-filled store that the next start would open as if it were complete.
    building = path.with_name(f"{path.name}.building")
    for leftover in path.parent.glob(f"{building.name}*"):
        leftover.unlink()
    store = build_demo_store(building, pieces=pieces)
    store.close()
    with sqlite3.connect(building) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    building.replace(path)
    for leftover in path.parent.glob(f"{building.name}-*"):
        leftover.unlink()
    return LocalStore(path)


def _is_paired(store: LocalStore) -> bool:
    with store.reader() as repo:
        rows = repo.rows("SELECT paired FROM device WHERE id = 1")
    return bool(rows and rows[0]["paired"])


def main(argv: list[str] | None = None) -> int:
    """Command line: build a demo store database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("path", type=Path)
    parser.add_argument("--pieces", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=300)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    store = build_demo_store(args.path, pieces=args.pieces, contacts=args.contacts)
    store.close()
    print(f"built {args.path} with {args.pieces} pieces in {time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
