"""The workstation's local SQLite store: schema, codec, repository, migrations, search."""
