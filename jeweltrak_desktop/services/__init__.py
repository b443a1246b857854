"""Desktop services: what the UI calls. Each returns plain core dataclasses, never rows."""
