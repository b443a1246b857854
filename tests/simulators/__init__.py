"""Loopback simulators of the third-party services JewelTrak talks to (Stripe, Resend).

Tests reach them over real HTTP with the real client libraries; see docs/simulators.md.
"""
