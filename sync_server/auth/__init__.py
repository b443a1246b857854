"""Credentials: passwords and PINs (argon2id), bearer tokens (random, only hashes stored)."""
