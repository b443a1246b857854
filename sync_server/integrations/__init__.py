"""Integrations a store connects to (Shopify, QuickBooks Online): their encrypted tokens,
ID links and webhook deduplication, in the tenant's own schema (PRIVACY_PROMISES P8, P9)."""
