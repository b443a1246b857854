"""Permission names and how a user's effective set is computed (default deny)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Permission(StrEnum):
    """What a user may do; nothing is allowed unless a group or override grants it."""

    SELL = "sell"
    VIEW_COST = "view_cost"
    DISCOUNT = "discount"
    OVERRIDE_PRICE = "override_price"
    VOID_INVOICE = "void_invoice"
    REOPEN_INVOICE = "reopen_invoice"
    REFUND = "refund"
    MANAGE_INVENTORY = "manage_inventory"
    MANAGE_CONTACTS = "manage_contacts"
    MANAGE_MEMOS = "manage_memos"
    MANAGE_WORK_ORDERS = "manage_work_orders"
    MANAGE_APPRAISALS = "manage_appraisals"
    CLOSE_DRAWER = "close_drawer"
    VIEW_REPORTS = "view_reports"
    RESOLVE_EXCEPTIONS = "resolve_exceptions"
    MANAGE_SETTINGS = "manage_settings"
    MANAGE_USERS = "manage_users"
    PAIR_DEVICES = "pair_devices"


def effective_permissions(
    group_permissions: Iterable[Iterable[str]],
    *,
    granted: Iterable[str] = (),
    revoked: Iterable[str] = (),
) -> frozenset[Permission]:
    """Union of the user's groups, plus per-user grants, minus per-user revocations."""
    known = {p.value for p in Permission}
    names: set[str] = set()
    for perms in group_permissions:
        names.update(perms)
    names.update(granted)
    names.difference_update(revoked)
    return frozenset(Permission(n) for n in names if n in known)
