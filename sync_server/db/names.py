"""Generated, validated names for tenant schemas and roles (never taken from input)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

SCHEMA_RE = re.compile(r"^t_[a-z0-9_]{1,60}$")
ROLE_RE = re.compile(r"^jt_t_[a-z0-9_]{1,57}$")


@dataclass(frozen=True)
class TenantRef:
    """A tenant as the request layer knows it: its ID, schema and database role."""

    id: UUID
    schema: str
    role: str

    def __post_init__(self) -> None:
        if not SCHEMA_RE.fullmatch(self.schema):
            raise ValueError(f"invalid tenant schema name {self.schema!r}")
        if not ROLE_RE.fullmatch(self.role):
            raise ValueError(f"invalid tenant role name {self.role!r}")

    @staticmethod
    def for_id(tenant_id: UUID) -> TenantRef:
        """The schema and role names of a new tenant, derived from its ID."""
        schema = f"t_{tenant_id.hex}"
        return TenantRef(id=tenant_id, schema=schema, role=f"jt_{schema}")


def quote_ident(name: str) -> str:
    """Quote a validated identifier for DDL (names are generated, this is belt and braces)."""
    if not (SCHEMA_RE.fullmatch(name) or ROLE_RE.fullmatch(name)):
        raise ValueError(f"refusing to quote unexpected identifier {name!r}")
    return f'"{name}"'
