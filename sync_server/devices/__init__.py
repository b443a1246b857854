"""Workstations: pairing to a store, device tokens, revocation."""
