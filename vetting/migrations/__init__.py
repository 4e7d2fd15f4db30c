"""Alembic migrations of the vetting database; :class:`vetting.store.Store` runs them."""
