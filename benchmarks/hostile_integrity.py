"""The other figures of hostile_inputs.py: tampering tried / detected (an export edited, the
live database edited behind the log's back), SIGKILL points tried / clean (a key rotation
killed at each step, appends killed at several points), and a load run (several processes
writing to one SQLite instance for a fixed time: writes acknowledged, found in the log
afterwards, errors, and `parley verify` of the result).

Run through hostile_inputs.py; `python benchmarks/hostile_integrity.py worker ...` is the
child process the crash and load runs start and kill.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner, Result

from parley.app import audit, erasure, instance, keys_admin, rebuild, rosters, transparency
from parley.app.config import Settings
from parley.app.keys import CRASH_ENV, KeyRing
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind
from parley.store import keys as key_store
from parley.store import tables as t

HERE = Path(__file__).resolve()
ROTATION_STEPS = [
    "rotate.generated",
    "rotate.staged",
    "rotate.committed",
    "rotate.archived",
    "rotate.promoted",
]
# (party, kind) of the rosters the load run's workers write, in turn
ROSTERS = [("UA", "sought"), ("RU", "sought"), ("UA", "held"), ("RU", "held")]


@dataclass
class Tally:
    """Tried, and how many came out as they must (detected / clean), with what went wrong."""

    tried: int = 0
    good: int = 0
    tracebacks: int = 0
    failures: list[str] = field(default_factory=list)

    def add(self, name: str, good: bool, traceback: bool = False, why: str = "") -> None:
        self.tried += 1
        self.good += good
        self.tracebacks += traceback
        if not good or traceback:
            self.failures.append(f"{name}{' (traceback)' if traceback else ''}: {why}")


def _settings(data: Path) -> Settings:
    return Settings(data, f"sqlite:///{data / 'parley.db'}")


def _open(data: Path, create: bool = False) -> Ledger:
    return Ledger.open(_settings(data), create=create)


def _cli(data: Path, *args: str) -> Result:
    env = {"PARLEY_DATABASE_URL": _settings(data).database_url}
    return CliRunner().invoke(app, ["--data-dir", str(data), *args], env=env)


def _crashed(result: Result) -> bool:
    return result.exception is not None and not isinstance(result.exception, SystemExit)


def _people(prefix: str, n: int) -> list[PersonRecord]:
    return [
        PersonRecord(f"{prefix}{i}", family_name=f"Коваль{i}", given_name="Петро") for i in range(n)
    ]


def _parties(ledger: Ledger) -> None:
    instance.init_instance(ledger, name="bench", mediator_id="MED", mediator_name="Mediator")
    for party in (
        Party("UA", "Ukraine", Role.SIDE),
        Party("RU", "Russia", Role.SIDE),
        Party("SMM", "Monitors", Role.MONITOR),
    ):
        instance.register_party(ledger, actor="MED", party=party, local_key=True)


def _import(ledger: Ledger, party: str, kind: str, records: list[PersonRecord]) -> int:
    result = rosters.import_roster(
        ledger,
        party_id=party,
        kind=RosterKind(kind),
        records=records,
        source="bench",
        source_sha256="0" * 64,
    )
    assert result.version is not None  # the records differ each time: a new version
    return result.version


def _history(ledger: Ledger, witness: Path) -> None:
    """Every kind of key event, an erasure and two checkpoints that UA and RU cosign."""
    _parties(ledger)
    _import(ledger, "UA", "held", _people("u", 3))
    transparency.sign_checkpoint(ledger)
    for party in ("UA", "RU"):
        transparency.cosign(ledger, party_id=party, state_dir=witness)
    keys_admin.rotate(ledger, party_id="RU")
    erasure.erase(ledger, actor="MED", roster_id="UA:held", record_id="u1", reason="request")
    _import(ledger, "RU", "held", _people("r", 2))
    transparency.sign_checkpoint(ledger)
    for party in ("UA", "RU"):
        transparency.cosign(ledger, party_id=party, state_dir=witness)


# --- tampering -------------------------------------------------------------------------------


def _checkpoints(export: Path) -> list[Path]:
    return sorted((export / "checkpoints").iterdir(), key=lambda p: int(p.stem))


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def _truncate(export: Path, size: int) -> None:
    log = export / "log.jsonl"
    log.write_bytes(b"".join(_lines(log)[:size]))
    for note in _checkpoints(export):
        if int(note.stem) > size:
            note.unlink()


def _edit_line(export: Path, n: int, change: Callable[[bytes], bytes]) -> None:
    log = export / "log.jsonl"
    lines = _lines(log)
    lines[n] = change(lines[n])
    log.write_bytes(b"".join(lines))


def _flip(line: bytes) -> bytes:
    at = line.index(b'"payload"') + 20
    return line[:at] + bytes([line[at] ^ 0x01]) + line[at + 1 :]


def _drop_cosignature(export: Path, witness: str) -> None:
    last = _checkpoints(export)[-1]
    last.write_bytes(
        b"\n".join(
            x for x in last.read_bytes().split(b"\n") if f"witness/{witness}".encode() not in x
        )
    )


def _drop_all_cosignatures(export: Path) -> None:
    for witness in ("UA", "RU"):
        _drop_cosignature(export, witness)


def _swap(export: Path, a: int, b: int) -> None:
    log = export / "log.jsonl"
    lines = _lines(log)
    lines[a], lines[b] = lines[b], lines[a]
    log.write_bytes(b"".join(lines))


def _remove_line(export: Path, n: int) -> None:
    log = export / "log.jsonl"
    lines = _lines(log)
    del lines[n]
    log.write_bytes(b"".join(lines))


def _forge_root(note: Path) -> None:
    origin, size, root, rest = note.read_bytes().split(b"\n", 3)
    other = (b"B" if root[:1] == b"A" else b"A") + root[1:]
    note.write_bytes(b"\n".join([origin, size, other, rest]))


def export_tampering(folder: Path, verbose: bool) -> Tally:
    """Each edit of an export an operator could hand over, verified with what an auditor
    brings (the checkpoints seen before, the witnesses required): every one must fail."""
    data = folder / "export-instance"
    ledger = _open(data, create=True)
    try:
        _history(ledger, folder / "witness")
        audit.export(ledger, folder / "export")
    finally:
        ledger.close()
    clean = folder / "export"
    first, last = _checkpoints(clean)
    seen = folder / "seen.note"  # the auditor's copy of the last checkpoint
    shutil.copy(last, seen)
    n = len(_lines(clean / "log.jsonl"))
    strict = ["--checkpoint", str(seen), "--witness", "UA", "--witness", "RU"]
    edits: list[tuple[str, Callable[[Path], None], list[str]]] = [
        ("truncated to the first checkpoint", lambda e: _truncate(e, int(first.stem)), strict),
        ("last entry dropped", lambda e: _truncate(e, n - 1), strict),
        ("checkpoints removed", lambda e: shutil.rmtree(e / "checkpoints"), []),
        ("RU's cosignature removed", lambda e: _drop_cosignature(e, "RU"), strict),
        ("every cosignature removed", _drop_all_cosignatures, ["--witness", "UA"]),
        ("a payload byte flipped", lambda e: _edit_line(e, n // 2, _flip), []),
        ("an entry removed", lambda e: _remove_line(e, n // 2), []),
        ("two entries swapped", lambda e: _swap(e, 2, 3), []),
        ("an entry duplicated", lambda e: _edit_line(e, 3, lambda x: x + x), []),
        ("the last checkpoint's root forged", lambda e: _forge_root(_checkpoints(e)[-1]), []),
        ("a seen checkpoint not in the export", lambda e: None, ["--checkpoint", str(folder / "forged.note")]),
    ]  # fmt: skip
    shutil.copy(last, folder / "forged.note")
    _forge_root(folder / "forged.note")
    tally = Tally()
    control = _cli(folder / "auditor", "verify", str(clean), *strict)
    if control.exit_code != 0:
        tally.failures.append(f"the untouched export fails: {control.output.strip()[-200:]}")
    for name, edit, extra in edits:
        copy = folder / f"export-{tally.tried}"
        shutil.copytree(clean, copy)
        edit(copy)
        result = _cli(folder / "auditor", "verify", str(copy), *extra)
        said = (result.output + result.stderr).strip().splitlines()
        line = said[-1] if said else ""
        tally.add(name, result.exit_code == 1, _crashed(result), line)
        if verbose:
            print(f"  export: {name}: exit {result.exit_code}: {line}")
    return tally


def _other(value: object) -> object:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, bytes):
        return bytes(len(value) or 1)
    if isinstance(value, str):
        return value + "x"
    return None if value is not None else "x"


def live_tampering(folder: Path, verbose: bool) -> Tally:
    """Every projected field of a live instance edited in turn by SQL (and a row of each table
    deleted): `parley rebuild --check` and `parley verify` must both fail and name it."""
    data = folder / "live-instance"
    ledger = _open(data, create=True)
    tally = Tally()
    try:
        _history(ledger, folder / "live-witness")
        edits: list[tuple[str, Callable[[], None], Callable[[], None], str]] = []
        for table in t.PROJECTION_TABLES:
            with ledger.engine.connect() as conn:
                row = conn.execute(select(table).limit(1)).first()
            if row is None or not table.primary_key.columns:
                continue
            where = [c == row._mapping[c.name] for c in table.primary_key.columns]
            for column in table.columns:
                if column.primary_key:
                    continue
                before = row._mapping[column.name]
                after = _other(before)
                if after is None and not column.nullable:
                    after = "x"

                def set_(table=table, where=where, name=column.name, value=after) -> None:  # type: ignore[no-untyped-def]
                    with ledger.engine.begin() as conn:
                        conn.execute(update(table).where(*where).values({name: value}))

                def back(table=table, where=where, name=column.name, value=before) -> None:  # type: ignore[no-untyped-def]
                    with ledger.engine.begin() as conn:
                        conn.execute(update(table).where(*where).values({name: value}))

                edits.append((f"{table.name}.{column.name}", set_, back, column.name))
            values = dict(row._mapping)

            def delete(table=table, where=where) -> None:  # type: ignore[no-untyped-def]
                with ledger.engine.begin() as conn:
                    conn.execute(table.delete().where(*where))

            def insert(table=table, values=values) -> None:  # type: ignore[no-untyped-def]
                with ledger.engine.begin() as conn:
                    conn.execute(table.insert().values(values))

            edits.append((f"{table.name}: a row deleted", delete, insert, table.name))
    finally:
        ledger.close()
    for name, edit, undo, word in edits:
        try:
            edit()
        except Exception:
            continue  # the database itself refuses this value: nothing to detect
        checked = _cli(data, "rebuild", "--check")
        verified = _cli(data, "verify", "--allow-unwitnessed")
        named = word in checked.output + checked.stderr
        detected = checked.exit_code == 1 and verified.exit_code == 1 and named
        crashed = _crashed(checked) or _crashed(verified)
        why = f"check exit {checked.exit_code} (named: {named}), verify exit {verified.exit_code}"
        tally.add(name, detected, crashed, why)
        if verbose:
            print(f"  live: {name}: {why}")
        undo()
    control = _cli(data, "rebuild", "--check")
    if control.exit_code != 0:
        tally.failures.append(f"not restored after the edits: {control.output.strip()[-200:]}")
    return tally


# --- SIGKILL ---------------------------------------------------------------------------------


def _parley(
    data: Path, *args: str, crash_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    if crash_at is not None:
        env[CRASH_ENV] = crash_at
    command = [sys.executable, "-c", "from parley.cli.main import app; app()"]
    return subprocess.run(
        [*command, "--data-dir", str(data), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _logged_key(ledger: Ledger, party: str) -> bytes | None:
    with ledger.reading() as conn:
        current = key_store.current_key(conn, party)
    return None if current is None else current.public_key


def _rotation_killed(folder: Path, step: str) -> tuple[bool, str]:
    """`parley key rotate` killed after `step`; then the instance opens and verifies, the next
    command settles the key, and the party signs with the key the log holds."""
    data = folder / f"rotate-{step}"
    ledger = _open(data, create=True)
    try:
        instance.init_instance(ledger, name="bench", mediator_id="MED", mediator_name="Mediator")
        instance.register_party(
            ledger, actor="MED", party=Party("UA", "Ukraine", Role.SIDE), local_key=True
        )
    finally:
        ledger.close()
    killed = _parley(data, "key", "rotate", "--as", "UA", crash_at=step)
    if killed.returncode != -signal.SIGKILL:
        return False, f"not killed (exit {killed.returncode})"
    ledger = _open(data)
    try:
        audit.verify_live(ledger)
    finally:
        ledger.close()
    again = _parley(data, "key", "rotate", "--as", "UA")
    if again.returncode != 0:
        return False, f"the next rotation fails: {again.stderr.strip()[-200:]}"
    ledger = _open(data)
    try:
        audit.verify_live(ledger)
        if KeyRing(data / "keys").pending():
            return False, "a key still pending"
        if KeyRing(data / "keys").public_bytes("UA") != _logged_key(ledger, "UA"):
            return False, "UA's key is not the one the log holds"
    finally:
        ledger.close()
    return True, ""


def _worker(data: Path, party: str, kind: str, seconds: float) -> None:
    """Append roster versions until `seconds` pass, printing each acknowledged version (only
    after its transaction committed) and each error, one a line."""
    ledger = _open(data)
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        i += 1
        try:
            version = _import(
                ledger,
                party,
                kind,
                [
                    PersonRecord(f"x{i}", family_name=f"Коваль{i}"),
                    PersonRecord("n", family_name="Бойко"),
                ],
            )
        except Exception as e:  # counted, not hidden: the figures report every one
            print(
                f"error {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", flush=True
            )
            continue
        print(f"ok {version}", flush=True)
    ledger.close()


def _spawn(data: Path, party: str, kind: str, seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HERE), "worker", str(data), party, kind, str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _versions(ledger: Ledger, roster_id: str) -> set[int]:
    rv = t.roster_versions.c
    with ledger.reading() as conn:
        return set(conn.execute(select(rv.version).where(rv.roster_id == roster_id)).scalars())


def _appends_killed(folder: Path, after: int) -> tuple[bool, str]:
    """A writer killed after `after` acknowledged appends: nothing acknowledged is lost, the
    log verifies and a rebuild gives back the same projections."""
    data = folder / f"appends-{after}"
    ledger = _open(data, create=True)
    try:
        _parties(ledger)
    finally:
        ledger.close()
    child = _spawn(data, "UA", "sought", 600)
    assert child.stdout is not None
    acknowledged: list[int] = []
    deadline = time.monotonic() + 120
    while len(acknowledged) < after and time.monotonic() < deadline:
        line = child.stdout.readline()
        if not line:
            break
        if line.startswith("ok "):
            acknowledged.append(int(line.split()[1]))
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    if not acknowledged:
        return False, "nothing acknowledged"
    ledger = _open(data)
    try:
        lost = set(acknowledged) - _versions(ledger, "UA:sought")
        if lost:
            return False, f"{len(lost)} acknowledged writes lost"
        audit.verify_live(ledger)
        with ledger.reading() as conn:
            live = rebuild.projection_snapshot(conn)
        rebuild.rebuild(ledger)
        with ledger.reading() as conn:
            if rebuild.projection_snapshot(conn) != live:
                return False, "a rebuild gives other projections"
    finally:
        ledger.close()
    return True, ""


def sigkill(folder: Path, rounds: int, verbose: bool) -> Tally:
    tally = Tally()
    points: list[tuple[str, Callable[[], tuple[bool, str]]]] = [
        (f"key rotate at {s}", lambda s=s: _rotation_killed(folder, s))  # type: ignore[misc]
        for s in ROTATION_STEPS
    ]
    points += [
        (f"appends after {n}", lambda n=n: _appends_killed(folder, n))  # type: ignore[misc]
        for n in [1 + 23 * r for r in range(rounds)]
    ]
    for name, run in points:
        try:
            clean, why = run()
            crashed = False
        except Exception as e:
            clean, why, crashed = False, f"{type(e).__name__}: {e}", True
        tally.add(name, clean, crashed, why)
        if verbose:
            print(f"  sigkill: {name}: {'clean' if clean else why}")
    return tally


# --- load ------------------------------------------------------------------------------------


@dataclass
class Load:
    workers: int
    seconds: float
    acknowledged: int = 0
    found: int = 0
    errors: int = 0
    verified: bool = False
    kinds: dict[str, int] = field(default_factory=dict)


def load_run(folder: Path, workers: int, seconds: float) -> Load:
    """`workers` processes append to one SQLite instance for `seconds`, two to a roster once
    there are more workers than rosters; afterwards every acknowledged write must be in the
    log and `parley verify` pass."""
    data = folder / "load"
    ledger = _open(data, create=True)
    try:
        _parties(ledger)
    finally:
        ledger.close()
    targets = [ROSTERS[i % len(ROSTERS)] for i in range(workers)]
    children = [_spawn(data, party, kind, seconds) for party, kind in targets]
    outcome = Load(workers, seconds)
    acknowledged: dict[str, set[int]] = {}
    for (party, kind), child in zip(targets, children, strict=True):
        out, err = child.communicate(timeout=seconds + 300)
        for line in out.splitlines():
            if line.startswith("ok "):
                outcome.acknowledged += 1
                acknowledged.setdefault(f"{party}:{kind}", set()).add(int(line.split()[1]))
            elif line.startswith("error "):
                outcome.errors += 1
                kind_ = line.split(":")[0][6:]
                outcome.kinds[kind_] = outcome.kinds.get(kind_, 0) + 1
        if child.returncode != 0:
            outcome.errors += 1
            outcome.kinds["worker died"] = outcome.kinds.get("worker died", 0) + 1
            print(f"  a load worker failed: {err.strip().splitlines()[-1:]}")
    ledger = _open(data)
    try:
        for roster_id, versions in acknowledged.items():
            outcome.found += len(versions & _versions(ledger, roster_id))
        # two workers on one roster each acknowledge their own versions: never the same one
        duplicates = outcome.acknowledged - sum(len(v) for v in acknowledged.values())
        if duplicates:
            outcome.kinds["same version acknowledged twice"] = duplicates
    finally:
        ledger.close()
    verified = _cli(data, "verify", "--allow-unwitnessed")
    outcome.verified = verified.exit_code == 0 and not _crashed(verified)
    return outcome


# --- figures ---------------------------------------------------------------------------------


def report(folder: Path, *, rounds: int, workers: int, seconds: float, verbose: bool) -> None:
    """Run the three and print their tables."""
    started = time.monotonic()
    export = export_tampering(folder / "tamper-export", verbose)
    live = live_tampering(folder / "tamper-live", verbose)
    print()
    print(f"{'tampering':18} {'tried':>5} {'detected':>8} {'missed':>6} {'tracebacks':>10}")
    for name, tally in (("export", export), ("live", live)):
        missed = tally.tried - tally.good
        print(f"{name:18} {tally.tried:5} {tally.good:8} {missed:6} {tally.tracebacks:10}")
    killed = sigkill(folder / "sigkill", rounds, verbose)
    print()
    print(f"{'SIGKILL points':18} {'tried':>5} {'clean':>8} {'broken':>6} {'tracebacks':>10}")
    rotation = [f for f in killed.failures if f.startswith("key rotate")]
    rotate_tried = len(ROTATION_STEPS)
    print(
        f"{'key rotation':18} {rotate_tried:5} {rotate_tried - len(rotation):8} {len(rotation):6}"
        f" {'':>10}"
    )
    appends = killed.tried - rotate_tried
    appends_bad = len(killed.failures) - len(rotation)
    print(f"{'appends':18} {appends:5} {appends - appends_bad:8} {appends_bad:6} {'':>10}")
    print(
        f"{'all':18} {killed.tried:5} {killed.good:8} {killed.tried - killed.good:6}"
        f" {killed.tracebacks:10}"
    )
    load = load_run(folder / "load", workers, seconds)
    print()
    print(
        f"load run: {load.workers} processes, {load.seconds:g} s, one SQLite instance: "
        f"{load.acknowledged} writes acknowledged, {load.found} found in the log "
        f"({load.acknowledged - load.found} lost), {load.errors} errors"
        + (
            f" ({', '.join(f'{k} {v}' for k, v in sorted(load.kinds.items()))})"
            if load.kinds
            else ""
        )
        + f", verify {'passes' if load.verified else 'FAILS'}"
    )
    for failure in export.failures + live.failures + killed.failures:
        print(f"  not as it must be: {failure}")
    if verbose:
        print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__" and sys.argv[1:2] == ["worker"]:
    _worker(Path(sys.argv[2]), sys.argv[3], sys.argv[4], float(sys.argv[5]))
