"""Rollback is detected: the auditor brings a checkpoint it saw before and the witnesses it
requires (`parley verify --checkpoint FILE --witness P`); a log no witness cosigned fails
unless the auditor accepts it (`--allow-unwitnessed`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from parley.app import audit, rosters, transparency
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.rosters import RosterKind
from tests.integration.helpers import people, setup_parties


def _history(ledger: Ledger, folder: Path) -> None:
    """Two rosters, each followed by a checkpoint that UA and RU cosign as witnesses."""
    setup_parties(ledger)
    for party, prefix in (("UA", "u"), ("RU", "r")):
        rosters.import_roster(
            ledger,
            party_id=party,
            kind=RosterKind.HELD,
            records=people(prefix, 3),
            source="s",
            source_sha256="0",
        )
        transparency.sign_checkpoint(ledger)
        for witness in ("UA", "RU"):
            transparency.cosign(ledger, party_id=witness, state_dir=folder / "witness")


def _verify(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(tmp_path / "auditor"), "verify", *args])


@pytest.fixture
def exported(ledger: Ledger, tmp_path: Path) -> Path:
    _history(ledger, tmp_path)
    audit.export(ledger, tmp_path / "export")
    return tmp_path / "export"


def _checkpoints(export: Path) -> list[Path]:
    return sorted((export / "checkpoints").iterdir(), key=lambda p: int(p.stem))


def _truncated(export: Path, to: Path, size: int) -> Path:
    """The export as an operator rolling back would hand it over: the first `size` entries and
    only the checkpoints they hold."""
    shutil.copytree(export, to)
    lines = (to / "log.jsonl").read_bytes().splitlines(keepends=True)
    (to / "log.jsonl").write_bytes(b"".join(lines[:size]))
    for note in _checkpoints(to):
        if int(note.stem) > size:
            note.unlink()
    return to


def test_the_whole_export_meets_the_auditors_policy(exported: Path, tmp_path: Path) -> None:
    first, last = _checkpoints(exported)
    result = _verify(
        tmp_path, str(exported), "--checkpoint", str(first), "--checkpoint", str(last),
        "--witness", "UA", "--witness", "RU",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Last checkpoint: size {last.stem}, cosigned by RU, UA." in result.output
    assert "Unwitnessed" not in result.output


def test_a_truncated_export_fails_against_a_checkpoint_seen_before(
    exported: Path, tmp_path: Path
) -> None:
    first, last = _checkpoints(exported)
    old = _truncated(exported, tmp_path / "old", int(first.stem))
    # on its own terms the truncated log holds together: that was the hole
    alone = _verify(tmp_path, str(old))
    assert alone.exit_code == 0, alone.output
    result = _verify(tmp_path, str(old), "--checkpoint", str(last))
    assert result.exit_code == 1
    said = result.output + result.stderr
    assert "rolled back" in said
    assert f"size {last.stem}" in said and f"only {first.stem} entries" in said


def test_an_export_without_checkpoints_is_unwitnessed(exported: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    shutil.copytree(exported, bare)
    shutil.rmtree(bare / "checkpoints")
    result = _verify(tmp_path, str(bare))
    assert result.exit_code == 1
    assert "unwitnessed: no checkpoint" in result.output + result.stderr
    accepted = _verify(tmp_path, str(bare), "--allow-unwitnessed")
    assert accepted.exit_code == 0, accepted.output
    assert "Unwitnessed:" in accepted.output
    witnessed = _verify(tmp_path, str(bare), "--allow-unwitnessed", "--witness", "UA")
    assert witnessed.exit_code == 1 and "cosignature of UA" in witnessed.output + witnessed.stderr


def test_a_removed_cosignature_fails_when_the_witness_is_required(
    exported: Path, tmp_path: Path
) -> None:
    _, last = _checkpoints(exported)
    note = last.read_bytes().split(b"\n")
    kept = [line for line in note if b"parley-witness/RU" not in line]
    assert len(kept) == len(note) - 1
    last.write_bytes(b"\n".join(kept))
    assert _verify(tmp_path, str(exported), "--witness", "UA").exit_code == 0
    result = _verify(tmp_path, str(exported), "--witness", "UA", "--witness", "RU")
    assert result.exit_code == 1
    assert f"the last checkpoint (size {last.stem}) carries no cosignature of RU" in (
        result.output + result.stderr
    )


def test_a_checkpoint_seen_before_must_be_readable_and_signed(
    exported: Path, tmp_path: Path
) -> None:
    missing = _verify(tmp_path, str(exported), "--checkpoint", str(tmp_path / "nowhere.note"))
    assert missing.exit_code == 1 and "cannot be read" in missing.output + missing.stderr
    forged = tmp_path / "forged.note"
    _, last = _checkpoints(exported)
    origin, size, root, rest = last.read_bytes().split(b"\n", 3)
    other = (b"B" if root[:1] == b"A" else b"A") + root[1:]
    forged.write_bytes(b"\n".join([origin, size, other, rest]))
    result = _verify(tmp_path, str(exported), "--checkpoint", str(forged))
    assert result.exit_code == 1 and "seen before" in result.output + result.stderr


def test_entries_after_the_last_cosigned_checkpoint_are_reported(
    ledger: Ledger, tmp_path: Path
) -> None:
    _history(ledger, tmp_path)
    size = audit.verify_live(ledger).entries
    rosters.import_roster(
        ledger,
        party_id="UA",
        kind=RosterKind.SOUGHT,
        records=people("late", 2),
        source="s2",
        source_sha256="1",
    )
    report = audit.verify_live(ledger, audit.auditor_policy(witnesses=["UA", "RU"]))
    assert report.witnessed == size and report.unwitnessed == report.entries - size > 0


def test_a_checkpoint_only_the_operator_signed_witnesses_nothing(
    ledger: Ledger, tmp_path: Path
) -> None:
    setup_parties(ledger)
    transparency.sign_checkpoint(ledger)  # no witness asked
    policy = audit.auditor_policy()
    with pytest.raises(audit.VerificationFailed, match="no witness cosigned any checkpoint"):
        audit.verify_live(ledger, policy)
    report = audit.verify_live(ledger, audit.auditor_policy(allow_unwitnessed=True))
    assert report.last_checkpoint == report.entries and report.unwitnessed == report.entries
