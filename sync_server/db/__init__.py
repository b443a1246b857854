"""Database access: engine, platform tables, tenant schemas and their migrations."""
