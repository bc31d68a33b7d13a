"""Alembic environment: runs on the engine Parley hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from parley.store.tables import metadata

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through parley.store.migrate, which passes the engine")

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
