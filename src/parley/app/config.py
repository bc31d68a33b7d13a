"""Where an instance keeps its data: PARLEY_DATA_DIR and PARLEY_DATABASE_URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str

    @property
    def keys_dir(self) -> Path:
        return self.data_dir / "keys"

    @property
    def witness_dir(self) -> Path:
        """Each witness's last cosigned checkpoint, for its consistency check."""
        return self.data_dir / "witness"

    @property
    def embedded(self) -> bool:
        return self.database_url.startswith("sqlite")

    def protect(self) -> None:
        """The data directory is its user's alone (0700), and so is the embedded database with
        its journal files (0600): they hold personal data and private keys."""
        if self.data_dir.is_dir():
            self.data_dir.chmod(0o700)
        if self.embedded:
            for name in ("parley.db", "parley.db-wal", "parley.db-shm"):
                path = self.data_dir / name
                if path.exists():
                    path.chmod(0o600)

    @classmethod
    def from_env(cls, data_dir: Path | None = None, database_url: str | None = None) -> Settings:
        """Explicit arguments first, then the environment, then a per-user data directory."""
        env_dir = os.environ.get("PARLEY_DATA_DIR")
        folder = data_dir or (
            Path(env_dir) if env_dir else Path(platformdirs.user_data_dir("parley"))
        )
        # the embedded database (store.engine.sqlite_url), named here without loading the
        # store: a party's commands to a server read their keys' folder and nothing more
        url = (
            database_url
            or os.environ.get("PARLEY_DATABASE_URL")
            or f"sqlite:///{folder / 'parley.db'}"
        )
        return cls(folder.expanduser().resolve(), url)
