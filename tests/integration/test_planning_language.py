"""`batch propose` at a terminal says the planner's reasons in PARLEY_LANG's language, as it says
its refusals; in English otherwise, the sides named by their parties."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.cli.main import app
from tests.integration.helpers import all_for_all, setup_parties
from tests.integration.test_planning_app import _held

PROPOSE = ["batch", "propose", "--commitment", "AG-EX", "--size", "1", "--veto", "RU=UA/UA0"]


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PARLEY_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "400")  # one reason a line
    led = Ledger.open(Settings.from_env(), create=True)
    try:
        setup_parties(led)
        _held(led, "UA", 3)
        _held(led, "RU", 3)
        all_for_all(led)
    finally:
        led.close()
    return CliRunner()


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "uk",
            [
                "сторона A звільняє: 1; сторона B звільняє: 1; на етапі після цієї партії:"
                " A 1, B 1 (всіх на всіх)",
                "поза партією: вето сторони B, яка відмовляється прийняти цю особу",
                "у партії: за пріоритетом — місце 2 серед кандидатів сторони A",
            ],
        ),
        (
            "ru",
            [
                "сторона A освобождает: 1; сторона B освобождает: 1; на этапе после этой партии:"
                " A 1, B 1 (всех на всех)",
                "вне партии: вето стороны B, которая отказывается принять это лицо",
                "в партии: по приоритету — место 2 среди кандидатов стороны A",
            ],
        ),
        (
            "en",
            [
                "UA releases 1; RU releases 1; phase after: A 1, B 1 (all for all)",
                "out: vetoed by side B, which refuses to receive them",
                "in: priority — rank 2 of side A's 3 candidates",
            ],
        ),
    ],
)
def test_the_reasons_in_the_users_language(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, lang: str, said: list[str]
) -> None:
    monkeypatch.setenv("PARLEY_LANG", lang)
    shown = runner.invoke(app, PROPOSE)
    assert shown.exit_code == 0, shown.output
    for text in said:
        assert text in shown.output, shown.output
