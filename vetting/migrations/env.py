"""Alembic environment: runs on the connection :meth:`vetting.store.Store.open` hands in.

``Store.open`` calls ``alembic.command.upgrade`` with the open connection in
``config.attributes["connection"]``, inside its own transaction, so a failed migration
leaves the schema as it was. Running the ``alembic`` command line is not supported:
opening the store is the one way to migrate.
"""

from __future__ import annotations

from alembic import context

from vetting._store_tables import metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None or context.is_offline_mode():
        raise RuntimeError(
            "migrations run through vetting.store.Store.open(url), not alembic's CLI"
        )
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


# Alembic sets ``context.config`` only while it runs this file; an ordinary import (test
# collection, documentation tools) has nothing to migrate.
if hasattr(context, "config"):
    run_migrations()
