"""All SQL lives in this package: the connection, the schema migrations and the repositories."""

from bot.store.connection import StoreError, open_store
from bot.store.migrate import MIGRATIONS_DIR, latest_version, migrate, schema_version

__all__ = [
    "MIGRATIONS_DIR",
    "StoreError",
    "latest_version",
    "migrate",
    "open_store",
    "schema_version",
]
