"""`parley demo --served` end to end: its story (parley.demo.served) with a real server on a
loopback port and each party's commands from its own data directory, here run in-process for
speed (the demo itself runs each command as its own client process)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app.config import Settings
from parley.app.language import line_in
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.demo import served
from parley.errors import Sentence
from tests.api.helpers import serving


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name in ("PARLEY_DATA_DIR", "PARLEY_DATABASE_URL", "PARLEY_SERVER"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def test_the_served_demo_plays_every_exit_and_its_export_verifies_witnessed(
    runner: CliRunner, tmp_path: Path
) -> None:
    url = {"base": ""}
    said: list[str] = []

    def run(site: str, *args: str, local: bool = False) -> str:
        where = ["--data-dir", str(tmp_path / site), *([] if local else ["--server", url["base"]])]
        result = runner.invoke(app, [*where, *args])
        assert result.exit_code == 0, (site, args, result.output)
        return result.stdout

    @contextmanager
    def serve() -> Iterator[object]:
        ledger = Ledger.open(Settings.from_env(tmp_path / "med"))
        try:
            with serving(create_app(ledger)) as base:
                url["base"] = base
                yield base
        finally:
            ledger.close()

    served.play(tmp_path, run, serve, said.append)
    text = "\n".join(said)
    assert "MED.ed25519.pem and no other private key" in text
    # the story's headings said in the user's language too (the commands' lines are theirs)
    headings = [line_in(line, "uk") for line in said if isinstance(line, Sentence)]
    assert "Посередник звіряє списки на власному комп'ютері й ухвалює рішення через сервер" in (
        headings
    )
    assert any(h.startswith("Тека даних сервера містить MED.ed25519.pem") for h in headings)
    for side in ("ua", "ru"):
        assert f"Wrote {tmp_path / f'B1-{side}.pdf'}: batch B1, " in text
    assert f"Wrote {tmp_path / 'ua.xlsx'}: UA's view (workbook)." in text
    (mine,) = [line for line in said if line.startswith("Verified") and "withheld" in line]
    assert "Unwitnessed" not in mine, mine
    verified = said[-1]
    assert "Unwitnessed" not in verified, verified
    for witness in ("UA", "RU", "SMM"):
        assert witness in verified, verified

    ledger = Ledger.open(Settings.from_env(tmp_path / "med"))
    try:
        with ledger.reading() as tx:
            rows = tx.exec_driver_sql(
                "SELECT party_id, record_id, state FROM handovers WHERE batch_id = 'B1'"
            ).all()
    finally:
        ledger.close()
    states = {f"{p}/{r}": s for p, r, s in rows}
    assert states == {
        "UA/UA-1": "received",
        "UA/UA-2": "received",
        "RU/RU-1": "received",
        "RU/RU-2": "received",
        "UA/UA-6": "received",
        "UA/UA-3": "declined",
        "RU/RU-3": "released_to_third_state",
        "UA/UA-4": "deceased",
        "RU/RU-4": "not_delivered",
        "UA/UA-5": "substituted",
        "RU/RU-5": "withdrawn",
    }
    assert json.dumps(states)  # every exit FINAL holds, each once
