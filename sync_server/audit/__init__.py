"""The audit log: before/after of every change to money, stock and settings (PRODUCT.md)."""
