"""Stores of a business and their settings (tax, multipliers, cost code, letterhead)."""
