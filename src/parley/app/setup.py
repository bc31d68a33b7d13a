"""An instance in its data directory: set up once, and a demo's cleared away before the next."""

from __future__ import annotations

import shutil

from parley.app import instance
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.domain.errors import DomainError
from parley.errors import N_
from parley.store import keys as key_store
from parley.store.engine import sqlite_files


def initialise(ledger: Ledger, *, name: str, mediator_id: str, mediator_name: str) -> bool:
    """Create the instance unless it exists; True if it was created now."""
    with ledger.reading() as conn:
        if key_store.is_initialised(conn):
            return False
    instance.init_instance(ledger, name=name, mediator_id=mediator_id, mediator_name=mediator_name)
    return True


def clear_demo(settings: Settings) -> bool:
    """Delete the demo instance in the data directory (its database, keys and witnesses'
    state) so that a new one can start; refused for an instance that is not a demo.
    True if there was one."""
    if not settings.embedded:
        raise DomainError(N_("the demo runs on the embedded database: unset PARLEY_DATABASE_URL"))
    if not sqlite_files(settings.data_dir)[0].exists():
        return False
    ledger = Ledger.open(settings)
    try:
        with ledger.reading() as conn:
            found = key_store.instance(conn)
    finally:
        ledger.close()
    if found is None or not found.demo:
        raise DomainError(
            N_(
                "{data_dir} holds a Parley instance that is not a demo; set PARLEY_DATA_DIR to"
                " another folder to run the demo"
            ),
            data_dir=settings.data_dir,
        )
    for path in sqlite_files(settings.data_dir):
        path.unlink(missing_ok=True)
    shutil.rmtree(settings.keys_dir, ignore_errors=True)
    # the witnesses' last cosigned heads belong to the replaced log
    shutil.rmtree(settings.witness_dir, ignore_errors=True)
    return True
