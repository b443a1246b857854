"""Inventory rules: price tiers, stock status, and quantity reconciliation."""
