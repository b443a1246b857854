"""JewelTrak sync service: tenants in their own schemas, device pairing, exactly-once sync."""
