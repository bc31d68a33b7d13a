"""`parley verify` of a large exported log (target: 1,000,000 entries in under 30 s), and
proof generation from the SQL node store at 10^3 and 10^6 entries.

The log starts as a real instance (parties, keys, an agreement), then grows by signed
monitor-style status events sealed exactly as the ledger seals them; the export and its
final checkpoint are written in Parley's format and verified by `verify_export`.

Run: .venv/bin/python benchmarks/log_verify.py [--entries 1000000] [--keep DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from nacl.bindings import crypto_sign_open

from parley.app import agreements, audit, instance
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.transparency import origin
from parley.domain import events as ev
from parley.domain.agreements import Agreement, Commitment, CommitmentKind, Phase
from parley.domain.parties import Party, Role
from parley.io.export import entry_line, parse_line, read_keys
from parley.log.checkpoint import Checkpoint, sign_checkpoint
from parley.log.entry import SIGNATURE_CONTEXT, Header, StoredEntry, seal
from parley.log.merkle import leaf_hash
from parley.log.nodes import MemoryNodeStore, extend, root_from_nodes
from parley.log.note import Ed25519Signer


def build(folder: Path, entries: int) -> Path:
    data = folder / "data"
    ledger = Ledger.open(Settings(data, f"sqlite:///{data / 'parley.db'}"), create=True)
    instance.init_instance(ledger, name="bench", mediator_id="MED", mediator_name="M")
    for p in ("UA", "RU"):
        instance.register_party(ledger, actor="MED", party=Party(p, p, Role.SIDE))
    phase = Phase("P", 1, "p", (Commitment("C", CommitmentKind.CEASEFIRE, "hold fire"),))
    agreements.draft(
        ledger, actor="MED", agreement=Agreement("A", "a", ("UA", "RU"), "MED", (phase,))
    )
    export = folder / "export"
    audit.export(ledger, export)
    with ledger.reading() as conn:
        log_origin = origin(conn)
    key = ledger.keys.get("MED")
    ledger.close()
    tree = MemoryNodeStore()
    lines = (export / "log.jsonl").read_bytes().splitlines()
    from parley.io.export import read_entries

    start = 0
    for e in read_entries(export):
        extend(tree, start, [leaf_hash(e.header)])
        start += 1
    with (export / "log.jsonl").open("ab") as f:
        for i in range(start, entries):
            entry = seal(
                index=i,
                type=ev.COMMITMENT_STATUS_SET,
                actor="MED",
                time="2020-01-01T00:00:00.000000Z",
                payload={"commitment_id": "C", "status": i % 4, "note": f"report {i}"},
                signing_key=key,
            )
            stored = StoredEntry(i, entry.header_bytes, entry.signature, entry.payload, entry.salt)
            f.write(entry_line(stored) + b"\n")
            extend(tree, i, [leaf_hash(entry.header_bytes)])
    del lines
    checkpoint = Checkpoint(log_origin, entries, root_from_nodes(tree, entries))
    (export / "checkpoints" / f"{entries}.note").write_bytes(
        sign_checkpoint(checkpoint, Ed25519Signer(log_origin, key))
    )
    return export


def _signature_floor(export: Path, entries: int) -> float:
    """The seconds that checking `entries` Ed25519 signatures alone takes on all this machine's
    cores, measured on the export's own signatures: the floor under any verify that checks
    every entry's signature."""
    sample = []
    with (export / "log.jsonl").open("rb") as f:
        for _, line in zip(range(2000), f, strict=False):
            e = parse_line(line, 0)
            sample.append((e.signature + SIGNATURE_CONTEXT + e.header, e.header))
    keys = {k.key_id: k.public_key for k in read_keys(export / "keys.json").keys}
    publics = [keys[Header.from_bytes(header).key_id] for _, header in sample]
    started = time.process_time()
    for (signed, _), public in zip(sample, publics, strict=True):
        crypto_sign_open(signed, public)
    each = (time.process_time() - started) / len(sample)
    cores = os.cpu_count() or 1
    print(
        f"Ed25519 verification alone (libsodium): {each * 1e6:.1f} us each; "
        f"{entries:,} of them on {cores} cores take at least {entries * each / cores:.1f} s"
    )
    return entries * each / cores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", type=Path, help="build the export into this folder once and reuse it after"
    )
    parser.add_argument("--repeat", type=int, default=1, help="verify runs; the median is printed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        export = folder / "export"
        if not (args.keep and (export / "checkpoints" / f"{args.entries}.note").exists()):
            started = time.perf_counter()
            export = build(folder, args.entries)
            print(
                f"built an export of {args.entries:,} entries in {time.perf_counter() - started:.0f} s "
                f"({(export / 'log.jsonl').stat().st_size / 2**20:.0f} MiB)"
            )
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            report = audit.verify_export(export)
            runs.append(time.perf_counter() - started)
            print(f"  verify run: {runs[-1]:.1f} s")
        seconds = statistics.median(runs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = _signature_floor(export, report.entries)
    print(
        f"verify: {report.entries:,} entries, {report.checkpoints} checkpoint, in {seconds:.1f} s "
        f"({report.entries / seconds:,.0f} entries/s; target 1,000,000 in < 30 s); peak memory {peak:.0f} MiB;"
        f" {seconds / floor:.2f} times the signatures' floor"
    )


if __name__ == "__main__":
    main()
