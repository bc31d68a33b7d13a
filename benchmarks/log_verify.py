"""`parley verify` of a large exported log (target: 1,000,000 entries in under 30 s).

The log starts as a real instance (parties, keys, an agreement), then grows by commands,
drafted and signed exactly as the ledger appends a command made on one machine: its actor
signs a local command listing its entries (type and payload commitment), each entry's header
binds that command, and the operator signs each run of the command's entries (at most MAX_RUN
entries a run). The mediator's commands rate a commitment, the sides' record persons on their
own rosters (what each role may author). The export and its final checkpoint are written in
Parley's format and verified by `verify_export`.

How many entries a command appends decides how many signatures there are to check (a
command's own, and one a run):
- `--commands demo` (the default) draws command sizes like those of `parley demo`, where
  44,092 entries came in 299 runs (93 of one entry, 128 full runs of 256: roster imports,
  match decisions, handovers advanced batch by batch), 147 entries a run;
- `--commands single` makes every command one entry: two signatures per entry, the worst case.

Run: .venv/bin/python benchmarks/log_verify.py [--entries 1000000] [--commands demo|single]
     [--keep DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from nacl.bindings import crypto_sign_open

from parley.app import agreements, audit, instance
from parley.app.config import Settings
from parley.app.ledger import LOCAL_METHOD, LOCAL_PATH, Ledger, local_body
from parley.app.transparency import origin
from parley.domain import events as ev
from parley.domain.agreements import Agreement, Commitment, CommitmentKind, Phase
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord
from parley.log.checkpoint import Checkpoint, sign_checkpoint
from parley.log.command import SignedCommand, sign_command
from parley.log.entry import (
    MAX_RUN,
    EntrySigner,
    Header,
    StoredEntry,
    draft,
    run_message,
    runs,
    sign_run,
)
from parley.log.export import UNSIGNED_END, entry_line, parse_line, read_entries, read_keys
from parley.log.merkle import leaf_hash
from parley.log.nodes import MemoryNodeStore, extend, root_from_nodes
from parley.log.note import Ed25519Signer

_COMMAND_KEY = b'"command":"'  # how an export line carrying a command record names it


def command_sizes(entries: int, commands: str, seed: int = 7) -> list[int]:
    """Entries per command, adding up to `entries`."""
    rng = random.Random(seed)
    sizes: list[int] = []
    total = 0
    while total < entries:
        if commands == "single":
            n = 1
        else:  # the demo's shares of single entries, pairs, full runs and the rest
            roll = rng.random()
            n = (
                1
                if roll < 0.31
                else 2
                if roll < 0.36
                else MAX_RUN
                if roll < 0.79
                else rng.randint(30, MAX_RUN - 1)
            )
        sizes.append(min(n, entries - total))
        total += sizes[-1]
    return sizes


def _payload(actor: str, index: int) -> tuple[str, dict[str, Any]]:
    """An event its actor may author: the mediator rates a commitment, a side records a person
    on its own roster (the demo's commands are mostly these: roster imports and decisions)."""
    if actor == "MED":
        status = {"commitment_id": "C", "status": index % 4, "note": f"report {index}"}
        return ev.COMMITMENT_STATUS_SET, status
    record = PersonRecord(
        f"P-{index}", family_name=f"Family{index % 977}", given_name=f"Given{index % 101}"
    )
    return ev.PERSON_RECORDED, ev.PersonRecorded(f"{actor}:held", 1, record).to_json()


def _command(
    index: int, size: int, actor: str, signers: dict[str, EntrySigner]
) -> Iterator[StoredEntry]:
    """One command's entries as the ledger appends a command made on one machine today: the
    actor signs the local command that lists its entries (type and payload commitment), each
    entry's v2 header binds that command's digest, and the operator signs each run."""
    operator = signers["MED"]
    drafts = [
        draft(
            index=index + k,
            type=kind,
            actor=actor,
            time="2020-01-01T00:00:00.000000Z",
            payload=payload,
            key_id=signers[actor].key_id,
        )
        for k in range(size)
        for kind, payload in (_payload(actor, index + k),)
    ]
    body = local_body(actor, drafts)
    command = sign_command(
        method=LOCAL_METHOD,
        path=LOCAL_PATH,
        body=body,
        signing_key=signers[actor],
        created=1577836800,
    )
    digest = command.digest()
    bound = []
    for d in drafts:  # as Ledger._bind: the header names the command and the run's signer
        header = replace(d.header, command=digest, signer=operator.key_id)
        data = header.to_bytes()
        bound.append(replace(d, header=header, header_bytes=data, leaf=leaf_hash(data)))
    record = command.to_bytes()
    for run in runs(bound):
        for e in sign_run(run, operator):
            first = e.index == index
            yield StoredEntry(
                e.index,
                e.header_bytes,
                e.signature,
                e.payload,
                e.salt,
                leaf_hash=e.leaf,
                command=record if first else None,
                command_body=body if first else None,
            )


def build(folder: Path, entries: int, commands: str) -> Path:
    data = folder / "data"
    ledger = Ledger.open(Settings(data, f"sqlite:///{data / 'parley.db'}"), create=True)
    instance.init_instance(ledger, name="bench", mediator_id="MED", mediator_name="M")
    for p in ("UA", "RU"):
        instance.register_party(ledger, actor="MED", party=Party(p, p, Role.SIDE), local_key=True)
    phase = Phase("P", 1, "p", (Commitment("C", CommitmentKind.CEASEFIRE, "hold fire"),))
    agreements.draft(
        ledger, actor="MED", agreement=Agreement("A", "a", ("UA", "RU"), "MED", (phase,))
    )
    export = folder / "export"
    audit.export(ledger, export)
    with ledger.reading() as conn:
        log_origin = origin(conn)
    key = ledger.keys.get("MED")
    signers = {p: EntrySigner(ledger.keys.get(p)) for p in ("MED", "UA", "RU")}
    ledger.close()
    tree = MemoryNodeStore()
    start = 0
    for e in read_entries(export):
        extend(tree, start, [leaf_hash(e.header)])
        start += 1
    i = start
    with (export / "log.jsonl").open("ab") as f:
        for number, size in enumerate(command_sizes(entries - start, commands)):
            actor = ("MED", "UA", "RU")[number % 3]
            leaves = []
            for stored in _command(i, size, actor, signers):
                f.write(entry_line(stored) + b"\n")
                assert stored.leaf_hash is not None
                leaves.append(stored.leaf_hash)
            extend(tree, i, leaves)
            i += size
    checkpoint = Checkpoint(log_origin, entries, root_from_nodes(tree, entries))
    (export / "checkpoints" / f"{entries}.note").write_bytes(
        sign_checkpoint(checkpoint, Ed25519Signer(log_origin, key))
    )
    return export


def _signature_floor(export: Path) -> float:
    """The seconds that checking the export's signatures alone takes on all this machine's
    cores, measured on a sample of its own: each run's operator signature and each command's
    signature by its actor. The floor under any verify of this log."""
    keys = {k.key_id: k.public_key for k in read_keys(export / "keys.json").keys}
    sample: list[tuple[bytes, bytes]] = []
    signatures = 0
    run: list[bytes] = []
    with (export / "log.jsonl").open("rb") as f:
        for number, line in enumerate(f, start=1):
            signed = not line.endswith(UNSIGNED_END)
            commanded = _COMMAND_KEY in line  # the first entry of a command carries its record
            signatures += signed + commanded
            if len(sample) < 2000:  # only the sample's lines are parsed; the rest are counted
                e = parse_line(line, number)
                header = Header.from_bytes(e.header)
                run.append(leaf_hash(e.header))
                if e.command is not None:
                    command = SignedCommand.from_bytes(e.command)
                    sample.append((command.signature + command.base(), keys[command.keyid]))
                if signed and e.signature is not None:
                    sample.append((e.signature + run_message(run), keys[header.run_key]))
                    run = []
    started = time.process_time()
    for opened, public in sample:
        crypto_sign_open(opened, public)
    each = (time.process_time() - started) / len(sample)
    cores = os.cpu_count() or 1
    print(
        f"signatures (runs and commands): {signatures:,}; Ed25519 verification alone (libsodium): "
        f"{each * 1e6:.1f} us each, {signatures * each / cores:.1f} s on {cores} cores"
    )
    return signatures * each / cores


def _cpu() -> tuple[float, float]:
    """CPU seconds (user and system) of this process, and of its finished child processes."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", type=Path, help="build the export into this folder once and reuse it after"
    )
    parser.add_argument("--repeat", type=int, default=1, help="verify runs; the median is printed")
    parser.add_argument(
        "--commands",
        choices=("demo", "single"),
        default="demo",
        help="entries per command: sized like the demo's, or one each (a signature per entry)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = (args.keep or Path(tmp)) / args.commands
        folder.mkdir(parents=True, exist_ok=True)
        export = folder / "export"
        if not (args.keep and (export / "checkpoints" / f"{args.entries}.note").exists()):
            started = time.perf_counter()
            export = build(folder, args.entries, args.commands)
            print(
                f"built an export of {args.entries:,} entries in {time.perf_counter() - started:.0f} s "
                f"({(export / 'log.jsonl').stat().st_size / 2**20:.0f} MiB)"
            )
        runs = []
        for _ in range(args.repeat):
            started, cpu = time.perf_counter(), _cpu()
            report = audit.verify_export(export)
            runs.append(time.perf_counter() - started)
            used = [after - before for after, before in zip(_cpu(), cpu, strict=True)]
            # on a busy machine wall time counts the others' work too; the CPU time spent by
            # verify and its workers, spread over the cores (but never below the parent's own
            # sequential share), is what the same run would take on this machine idle
            idle = max(used[0], sum(used) / (os.cpu_count() or 1))
            print(
                f"  verify run: {runs[-1]:.1f} s wall; CPU {used[0]:.1f} s in the parent, "
                f"{used[1]:.1f} s in workers: {idle:.1f} s on this machine idle"
            )
        seconds = statistics.median(runs)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        floor = _signature_floor(export)
    print(
        f"verify: {report.entries:,} entries, {report.checkpoints} checkpoint, in {seconds:.1f} s "
        f"({report.entries / seconds:,.0f} entries/s; target 1,000,000 in < 30 s); peak memory {peak:.0f} MiB;"
        f" of which {floor:.1f} s is the signatures' floor"
    )


if __name__ == "__main__":
    main()
