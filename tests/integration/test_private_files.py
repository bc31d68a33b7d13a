"""What Parley writes is its user's alone: the data directory 0700, the database and exports
0600; consent interviews come from a file or standard input, never the command line, and stay
readable by the mediator after its key rotates."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.app import instance, keys_admin
from parley.app.config import Settings
from parley.app.interview import MAX_INTERVIEW_CHARS, open_with, read_interview, seal_for
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.errors import DomainError
from parley.errors import InvalidInput


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name in ("PARLEY_DATA_DIR", "PARLEY_DATABASE_URL", "PARLEY_SERVER"):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_data_directory_database_and_exports_are_private(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    os.chmod(data, 0o755)  # made before, open to every local user
    previous = os.umask(0o022)
    try:
        assert runner.invoke(app, ["--data-dir", str(data), "init"]).exit_code == 0
        assert _mode(data) == 0o700
        for name in ("parley.db", "parley.db-wal", "parley.db-shm"):
            if (data / name).exists():
                assert _mode(data / name) == 0o600, name
        out = tmp_path / "export"
        result = runner.invoke(app, ["--data-dir", str(data), "export", "--out", str(out)])
        assert result.exit_code == 0, result.output
        assert _mode(out) == 0o700
        written = [p for p in out.rglob("*")]
        assert written
        for path in written:
            assert _mode(path) == (0o700 if path.is_dir() else 0o600), path
    finally:
        os.umask(previous)


def test_a_ledger_opened_by_a_library_caller_fixes_the_modes(tmp_path: Path) -> None:
    data = tmp_path / "d"
    settings = Settings(data, f"sqlite:///{data / 'parley.db'}")
    Ledger.open(settings, create=True).close()
    os.chmod(data, 0o755)
    os.chmod(data / "parley.db", 0o644)
    Ledger.open(settings).close()
    assert _mode(data) == 0o700 and _mode(data / "parley.db") == 0o600


def test_interview_text_comes_from_a_file_or_standard_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Хоче залишитися; родина в Києві\n"
    notes = tmp_path / "interview.txt"
    notes.write_text(text, encoding="utf-8")
    assert read_interview(str(notes)) == text
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert read_interview("-") == text
    for content, refusal in [
        (b"", "empty"),
        (b"\xff\xfe", "not UTF-8"),
        (("x" * (MAX_INTERVIEW_CHARS + 1)).encode(), "longer than"),
    ]:
        notes.write_bytes(content)
        with pytest.raises(InvalidInput, match=refusal):
            read_interview(str(notes))
    with pytest.raises(InvalidInput, match="cannot read"):
        read_interview(str(tmp_path / "missing.txt"))


def test_the_interview_is_never_taken_from_the_command_line(runner: CliRunner) -> None:
    args = ["handover", "B", "UA/U1", "--to", "declined", "--as", "MED", "--interview", "secret"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "No such option" in result.output


def test_interviews_stay_readable_after_the_mediator_rotates(tmp_path: Path) -> None:
    data = tmp_path / "med"
    ledger = Ledger.open(Settings(data, f"sqlite:///{data / 'parley.db'}"), create=True)
    try:
        instance.init_instance(ledger, name="t", mediator_id="MED", mediator_name="Mediator")
        sealed = seal_for(ledger.keys.public_bytes("MED"), "consents")
        keys_admin.rotate(ledger, party_id="MED")
        keys_admin.rotate(ledger, party_id="MED")
        later = seal_for(ledger.keys.public_bytes("MED"), "declines")
        with pytest.raises(DomainError, match="sealed to a mediator key"):
            open_with(ledger.keys.get("MED"), sealed)  # the current key alone cannot
        held = ledger.keys.held("MED")
        assert len(held) == 3
        assert open_with(held, sealed) == "consents" and open_with(held, later) == "declines"
    finally:
        ledger.close()
