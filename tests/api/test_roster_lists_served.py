"""Lists without ids through a server: UA imports from its own machine with `--server`; the
server gives the ids, merges, and refuses a replacement that would empty the roster until
UA says `--yes`; the answers name the persons."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from tests.api.helpers import run_cli, serving, verifier_key
from tests.integration.test_roster_lists import NEW, PEOPLE, cp1251_csv, versions


@pytest.fixture
def served(runner: CliRunner, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A server for MED's instance with UA registered; UA's data directory."""
    med, ua = tmp_path / "med", tmp_path / "ua"
    key = verifier_key(run_cli(runner, ua, "key", "init", "--party", "UA"))
    run_cli(runner, med, "init")
    run_cli(runner, med, "party", "add", "UA", "--name", "Ukraine", "--key", key)
    ledger = Ledger.open(Settings.from_env(med))
    try:
        with serving(create_app(ledger)) as url:
            yield url, ua
    finally:
        ledger.close()


def test_a_list_without_ids_over_a_server(
    runner: CliRunner, served: tuple[str, Path], tmp_path: Path
) -> None:
    url, ua = served
    first, second = versions()
    v1, v2, more, one = (tmp_path / f"{n}.csv" for n in ("v1", "v2", "more", "one"))
    cp1251_csv(v1, first)
    cp1251_csv(v2, second)
    cp1251_csv(more, [("Гончар", "Лілія", "Петрівна", *NEW[0][3:])])
    cp1251_csv(one, [PEOPLE[0]])

    def ua_says(*args: str) -> str:
        return run_cli(runner, ua, *args, "--party", "UA", "--kind", "held", server=url)

    assert "UA:held v1: 10 persons (10 added" in ua_says("roster", "import", str(v1))
    two = ua_says("roster", "import", str(v2))
    assert "UA:held v2: 12 persons (3 added, 1 removed, 2 corrected)." in two
    assert "- Мороз Олег Васильович" in two and "+ Руденко Ірина Павлівна" in two
    preview = ua_says("roster", "diff", str(more), "--merge")
    assert "UA:held v2 → more.csv: 1 added, 0 removed, 0 corrected" in preview
    merged = ua_says("roster", "import", str(more), "--merge")
    assert "UA:held v3: 13 persons (1 added, 0 removed, 0 corrected)." in merged
    diff = json.loads(ua_says("roster", "diff", "--json"))
    assert [diff["names"][rid] for rid in diff["added"]] == ["Гончар Лілія Петрівна"]

    args = ["roster", "import", str(one), "--party", "UA", "--kind", "held"]
    refused = runner.invoke(app, ["--data-dir", str(ua), "--server", url, *args])
    assert refused.exit_code == 1
    assert "this would remove 12 of the 13 persons of UA:held" in refused.output
    assert "UA:held v4: 1 persons (0 added, 12 removed, 0 corrected)." in ua_says(
        "roster", "import", str(one), "--yes"
    )
