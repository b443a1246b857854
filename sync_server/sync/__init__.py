"""Sync: the exactly-once push, the change feed, snapshots and change notifications."""
