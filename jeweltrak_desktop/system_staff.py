"""The demo business's counter staff on the sync service, for ``make run``.

The synced workstation gets its staff from the service, so the owner signed up by
``system.py`` needs a counter PIN, and the README's second demo clerk (Sam, Sales group)
must exist there too — the same people and PINs as the local demo store
(``demo.DEMO_STAFF``). Idempotent: what already exists is left as it is.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from jeweltrak_core.permissions import Permission
from jeweltrak_desktop.demo import DEMO_STAFF, SALES_WITHHELD
from jeweltrak_desktop.sync.pairing import UserSession, call

log = logging.getLogger(__name__)

SALES_GROUP = "Sales"


def ensure_demo_staff(client: httpx.Client, session: UserSession, *, owner_email: str) -> None:
    """Give the owner the demo owner's PIN, and add the Sales group and clerk if absent."""
    (owner_name, owner_pin, _), (clerk_name, clerk_pin, _) = DEMO_STAFF
    users: list[dict[str, Any]] = call(client, "GET", "/v1/users", token=session.token)
    owner = next((u for u in users if u["email"] == owner_email), None)
    if owner is not None and not owner["has_pin"]:
        call(client, "PUT", f"/v1/users/{owner['id']}/pin", token=session.token,
             json={"pin": owner_pin})
        log.info("demo owner %s can sign in at the counter with PIN %s", owner_name, owner_pin)
    groups: list[dict[str, Any]] = call(client, "GET", "/v1/groups", token=session.token)
    sales = next((g for g in groups if g["name"] == SALES_GROUP), None)
    if sales is None:
        sales = call(client, "POST", "/v1/groups", token=session.token, json={
            "name": SALES_GROUP,
            "permissions": sorted(p.value for p in Permission if p not in SALES_WITHHELD),
        })
    clerk = next((u for u in users if u["name"] == clerk_name), None)
    if clerk is None:
        clerk = call(client, "POST", "/v1/users", token=session.token,
                     json={"name": clerk_name, "group_ids": [sales["id"]]})
    if not clerk["has_pin"]:
        call(client, "PUT", f"/v1/users/{clerk['id']}/pin", token=session.token,
             json={"pin": clerk_pin})
