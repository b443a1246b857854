"""Workstation pairing, device credentials, TLS rules and the one-command system."""
