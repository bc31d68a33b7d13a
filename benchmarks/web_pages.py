"""Time to first byte and full load of the mediator's heaviest pages: the reconciliation queue
over 10,000 candidate pairs (its first page, a deep page, and a bulk decision's count), its
2,000 ambiguous groups of two candidates (the first page and the last), and the handover board
of a 5,000-person batch. Target: under 1 s each on this machine.

The server runs in its own process (`parley serve`'s app, uvicorn, one worker) over an instance
on SQLite made here: UA's sought roster and RU's held roster of N persons each, written in
Cyrillic, N proposals between them, and a batch of M persons from both held rosters. The client
signs in with the printed one-time link, then times each page on a fresh connection.

Run: .venv/bin/python benchmarks/web_pages.py [--candidates 10000] [--groups 2000] [--board 5000]
[--repeat 5]
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from parley.app import agreements, batches, instance, match_groups, reconcile, rosters
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.domain.agreements import (
    Agreement,
    Commitment,
    CommitmentKind,
    ExchangeMode,
    ExchangeTerms,
    PersonRef,
    Phase,
)
from parley.domain.matches import RecordRef
from parley.domain.parties import Party, Role
from parley.domain.persons import PersonRecord
from parley.domain.rosters import RosterKind

FAMILY = ("Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Мельник")
FAMILY_RU = ("Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олейник", "Мельник")
GIVEN = ("Олександр", "Андрій", "Сергій", "Володимир", "Дмитро", "Іван", "Микола", "Петро")
GIVEN_RU = ("Александр", "Андрей", "Сергей", "Владимир", "Дмитрий", "Иван", "Николай", "Пётр")


def _person(prefix: str, n: int, russian: bool) -> PersonRecord:
    family, given = (FAMILY_RU, GIVEN_RU) if russian else (FAMILY, GIVEN)
    return PersonRecord(
        f"{prefix}{n}",
        family_name=f"{family[n % len(family)]}",
        given_name=given[(n // 7) % len(given)],
        birth_place="Київ" if not russian else "Киев",
        unit=f"в/ч {1000 + n % 900}",
        service_number=f"{n:06d}",
    )


def prepare(ledger: Ledger, candidates: int, board: int, groups: int = 0) -> None:
    instance.init_instance(ledger, name="bench", mediator_id="MED", mediator_name="M")
    for p in ("UA", "RU"):
        instance.register_party(ledger, actor="MED", party=Party(p, p, Role.SIDE), local_key=True)
    terms = ExchangeTerms(ExchangeMode.ALL_FOR_ALL)
    phase = Phase("P", 1, "p", (Commitment("EX", CommitmentKind.EXCHANGE, "x", exchange=terms),))
    agreement = Agreement("A", "a", ("UA", "RU"), "MED", (phase,))
    agreements.draft(ledger, actor="MED", agreement=agreement)
    digest = agreements.text_hash(agreement)
    for signer in ("UA", "RU", "MED"):
        agreements.sign(ledger, actor=signer, agreement_id="A", text_sha256=digest)
    held = max(candidates, board // 2, 2 * groups)
    for party, kind, prefix, count, russian in (
        ("UA", RosterKind.SOUGHT, "S", candidates + groups, False),
        ("RU", RosterKind.HELD, "R", held, True),
        ("UA", RosterKind.HELD, "U", board - board // 2, False),
    ):
        rosters.import_roster(
            ledger,
            party_id=party,
            kind=kind,
            records=[_person(prefix, n, russian) for n in range(count)],
            source="bench",
            source_sha256="0",
        )
    pairs = [
        reconcile.Candidate(
            RecordRef("UA:sought", f"S{n}"),
            RecordRef("RU:held", f"R{n}"),
            0.5 + (n % 50) / 100,
            "bench",
        )
        for n in range(candidates)
    ]
    reconcile.propose(ledger, actor="MED", candidates=pairs)
    # each further sought record too close to call between two held ones: a group of two
    ambiguous = {
        str(g): [
            reconcile.Candidate(
                RecordRef("UA:sought", f"S{candidates + g}"),
                RecordRef("RU:held", f"R{2 * g + k}"),
                0.6 - k / 100,
                "bench",
                "record linkage: as likely as another candidate",
            )
            for k in (0, 1)
        ]
        for g in range(groups)
    }
    match_groups.record_groups(
        ledger, actor="MED", sought="UA:sought", held="RU:held", clear=[], ambiguous=ambiguous
    )
    persons = [PersonRef("RU", f"R{n}") for n in range(board // 2)]
    persons += [PersonRef("UA", f"U{n}") for n in range(board - board // 2)]
    batches.plan(
        ledger,
        actor="MED",
        batch_id="B",
        commitment_id="EX",
        place="p",
        planned_date=None,
        persons=persons,
    )


def _serve(data_dir: str, port: int) -> None:
    """The server process: the served app with the desk, its sign-in link on stdout."""
    import uvicorn

    from parley.api.app import create_app
    from parley.app.desk_access import DeskAccess

    folder = Path(data_dir)
    ledger = Ledger.open(Settings(folder, f"sqlite:///{folder / 'parley.db'}"))
    desk = DeskAccess.start(folder / "desk", f"http://127.0.0.1:{port}")
    print(desk.link(ledger, party_id="MED"), flush=True)
    uvicorn.run(
        create_app(ledger, desk=desk),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _request(
    port: int, method: str, path: str, cookie: str, body: str = ""
) -> tuple[int, float, float, bytes, str]:
    """(status, seconds to the first byte, seconds to the last, the body, its cookies)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"cookie": cookie}
    if body:
        headers["content-type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    first = response.read(1)
    ttfb = time.perf_counter() - started
    rest = response.read()
    total = time.perf_counter() - started
    conn.close()
    cookies = "; ".join(
        v.split(";", 1)[0] for k, v in response.getheaders() if k.lower() == "set-cookie"
    )
    return response.status, ttfb, total, first + rest, cookies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--board", type=int, default=5_000)
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--data", type=Path, help="keep the instance in this folder; reuse it if it is there"
    )
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve[0], int(args.serve[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or Path(tmp) / "data"
        started = time.perf_counter()
        if not (data / "parley.db").exists():
            ledger = Ledger.open(Settings(data, f"sqlite:///{data / 'parley.db'}"), create=True)
            try:
                prepare(ledger, args.candidates, args.board, args.groups)
            finally:
                ledger.close()
        print(
            f"instance: {args.candidates:,} candidate pairs, {args.groups:,} ambiguous groups,"
            f" a batch of {args.board:,}"
            f" (ready in {time.perf_counter() - started:.1f} s)"
        )
        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(data), str(port)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            link = server.stdout.readline().strip()
            path = link.split(f":{port}", 1)[1]
            deadline = time.monotonic() + 30
            while True:
                try:
                    status, _, _, _, signed = _request(port, "GET", path, "")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            assert status == 303, status
            cookie = signed
            page = _request(port, "GET", "/desk/queue", cookie)[3].decode()
            token = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
            assert token is not None, page[:500]
            count = f"csrf={token.group(1)}&min_score=0.9&decision=confirm"
            pages = max((args.candidates + 49) // 50, 1)
            group_pages = max((args.groups + 19) // 20, 1)
            timed = [
                ("queue, first page (50 pairs)", "GET", "/desk/queue", ""),
                (f"queue, page {pages}", "GET", f"/desk/queue?page={pages}", ""),
                ("queue, pairs at 90% or more", "GET", "/desk/queue?min=0.9", ""),
                ("bulk decision's count at 90%", "POST", "/desk/queue/bulk-preview", count),
                ("ambiguous groups, first page (20)", "GET", "/desk/queue?state=ambiguous", ""),
                (
                    f"ambiguous groups, page {group_pages}",
                    "GET",
                    f"/desk/queue?state=ambiguous&page={group_pages}",
                    "",
                ),
                (f"handover board ({args.board:,} persons)", "GET", "/desk/batches/B", ""),
            ]
            print(f"{'page':40s} {'status':>6s} {'KiB':>7s} {'TTFB ms':>9s} {'full ms':>9s}")
            for label, method, target, body in timed:
                runs = [_request(port, method, target, cookie, body) for _ in range(args.repeat)]
                runs.sort(key=lambda r: r[2])
                mid = runs[len(runs) // 2]
                print(
                    f"{label:40s} {mid[0]:6d} {len(mid[3]) / 1024:7.0f}"
                    f" {mid[1] * 1000:9.0f} {mid[2] * 1000:9.0f}"
                )
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
