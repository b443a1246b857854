"""Shopify: connect a shop (custom-app Admin API token), signed webhooks importing orders and
customers through the core rules (P7, P8), and stock levels pushed back (docs/integrations.md)."""
