"""`parley demo --served`: the demo's story in miniature, served. The mediator serves on
loopback from its own data directory (its key alone); UA, RU and a monitor (SMM) each make their
key in their own directory, are registered by verifier key, and act only through `--server`,
each command its own client process. Rosters, reconciliation, an agreement signed by both sides,
a batch where every handover exit happens (received, declined at the private interview,
released to a third state, deceased, not delivered, substituted, withdrawn by an amendment all
three agree), each side's manifest and workbook printed on its own machine, a monitor's report,
each party's verified mirror cosigning the checkpoint as witness, UA's compartment of the log
exported and verified on its machine, and the server's export verified offline."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from parley.errors import N_, ParleyError, Sentence

SITES = ("med", "ua", "ru", "smm")
HELD = {
    "UA": [
        ("UA-1", "Іванов", "Іван", "1990-01-02", "2019-03-04"),
        ("UA-2", "Петров", "Олег", "1985-05-05", "2019-04-01"),
        ("UA-3", "Сидоров", "Павло", "1979-02-11", "2019-05-06"),
        ("UA-4", "Кузнєцов", "Ігор", "1988-08-08", "2019-06-07"),
        ("UA-5", "Попов", "Артем", "1993-09-10", "2019-07-08"),
        ("UA-6", "Соколов", "Денис", "1991-10-11", "2019-07-09"),
    ],
    "RU": [
        ("RU-1", "Коваль", "Петро", "1980-03-04", "2018-11-25"),
        ("RU-2", "Бойко", "Андрій", "1992-07-08", "2018-12-01"),
        ("RU-3", "Ткаченко", "Микола", "1975-01-15", "2018-12-02"),
        ("RU-4", "Мельник", "Василь", "1983-04-20", "2018-12-03"),
        ("RU-5", "Шевчук", "Роман", "1990-06-30", "2018-12-04"),
    ],
}
COLUMNS = "record_id,family_name,given_name,birth_date,capture_date\n"
AGREEMENT = {
    "agreement_id": "ROADMAP",
    "title": "All for all, and a ceasefire",
    "sides": ["UA", "RU"],
    "mediator": "MED",
    "phases": [
        {
            "phase_id": "P1",
            "ordinal": 1,
            "title": "exchange",
            "commitments": [
                {
                    "commitment_id": "P1-EX",
                    "kind": "exchange",
                    "description": "all for all",
                    "exchange": {"mode": "all_for_all", "ratio": [1, 1], "named": {}},
                },
                {"commitment_id": "P1-CF", "kind": "ceasefire", "description": "hold fire"},
            ],
        }
    ],
}


class Run(Protocol):
    """One `parley` command at a site (its data directory), through the server unless `local`;
    its standard output (a failure ends the story)."""

    def __call__(self, site: str, *args: str, local: bool = False) -> str: ...


def register(work: Path, run: Run, say: Callable[[str], None]) -> None:
    """Each party makes its key on its own machine; the mediator registers the verifier keys."""
    say(
        Sentence(
            N_(
                "Each party makes its key on its own machine; the mediator registers the verifier keys"
            )
        )
    )
    run("med", "init", local=True)
    for party, name, role in (
        ("UA", "Ukraine", "side"),
        ("RU", "Russian Federation", "side"),
        ("SMM", "Special Monitoring Mission", "monitor"),
    ):
        made = run(party.lower(), "key", "init", "--party", party, local=True)
        key = next(line.split()[-1] for line in made.splitlines() if "Verifier key" in line)
        run("med", "party", "add", party, "--name", name, "--key", key, "--role", role, local=True)
    keys = sorted(p.name for p in (work / "med" / "keys").glob("*.pem"))
    line = N_("The server's data directory holds {keys} and no other private key")
    say(Sentence(line, keys=", ".join(keys)))


def story(work: Path, run: Run, say: Callable[[str], None]) -> None:
    """The exchange, each step by the party whose step it is, from its own data directory."""
    say(Sentence(N_("Each side imports the rosters it holds and seeks, from its own machine")))
    for side, other in (("UA", "RU"), ("RU", "UA")):
        held, sought = work / f"{side.lower()}_held.csv", work / f"{side.lower()}_sought.csv"
        held.write_text(COLUMNS + "".join(",".join(r) + "\n" for r in HELD[side]), "utf-8")
        rows = [(f"S-{r[0]}", *r[1:]) for r in HELD[other]]  # whom the side seeks: the other's
        sought.write_text(COLUMNS + "".join(",".join(r) + "\n" for r in rows), "utf-8")
        for kind, file in (("held", held), ("sought", sought)):
            args = ("roster", "import", str(file), "--party", side, "--kind", kind, "--as", side)
            say(run(side.lower(), *args).strip())

    say(Sentence(N_("The mediator reconciles on its own machine and decides through the server")))
    say(run("med", "reconcile", local=True).strip().splitlines()[-1])
    say(run("med", "match", "confirm", "--min-score", "0.5", "--cross-side", "--yes").strip())
    for side in ("UA", "RU"):
        seen = json.loads(run(side.lower(), "match", "list", "--json", "--as", side))
        for m in seen:
            run(side.lower(), "match", "ack", m["match_id"], "--as", side)
        line = N_("{party} acknowledged the {count} confirmed matches about its people")
        say(Sentence(line, party=side, count=len(seen)))
    found = run("ua", "search", "Kovalj Petro", "--top", "1", "--as", "UA")
    line = N_("UA searches the rosters it may read: {found}")
    say(Sentence(line, found=found.strip().splitlines()[-1].strip()))

    say(
        Sentence(
            N_("The agreement: drafted by the mediator, signed by each side on its own machine")
        )
    )
    draft = work / "agreement.json"
    draft.write_text(json.dumps(AGREEMENT, ensure_ascii=False), "utf-8")
    digest = run("med", "agreement", "draft", str(draft), local=True).split()[-1]
    for party in ("UA", "RU", "MED"):
        run(party.lower(), "agreement", "sign", "ROADMAP", "--hash", digest, "--as", party)
    say(Sentence(N_("ROADMAP signed by UA, RU and MED (text {digest}…)"), digest=digest[:12]))

    say(Sentence(N_("A batch where every handover exit happens")))
    run("med", "batch", "plan", "B1", "--commitment", "P1-EX", "--place", "the border",
        "--veto", "UA=UA/UA-6", local=True)  # fmt: skip
    received = ["UA/UA-1", "UA/UA-2", "RU/RU-1", "RU/RU-2"]
    everyone = [*received, "UA/UA-3", "RU/RU-3", "UA/UA-4", "RU/RU-4", "UA/UA-5", "RU/RU-5"]

    def move(site: str, to: str, persons: list[str], *extra: str) -> None:
        run(site, "handover", "B1", *persons, "--to", to, "--as", site.upper(), *extra)

    say(
        Sentence(
            N_("RU/RU-5 withdrawn by an amendment the mediator proposes and both sides agree to")
        )
    )
    run("med", "batch", "amend", "B1", "--withdraw", "RU/RU-5", "--reason", "released earlier",
        "--as", "MED")  # fmt: skip
    for side in ("ua", "ru"):
        run(side, "batch", "amend", "B1", "--agree", "1", "--as", side.upper())
    everyone.remove("RU/RU-5")
    move("med", "located", everyone)
    move("med", "agreed", everyone)
    move("med", "deceased", ["UA/UA-4"], "--note", "died in custody before the exchange")
    move("ru", "not_delivered", ["RU/RU-4"], "--note", "serving a sentence; release not granted")
    move("med", "substituted", ["UA/UA-5"], "--instead", "UA/UA-6", "--note", "another brought")
    walking = [p for p in everyone if p not in ("UA/UA-4", "RU/RU-4", "UA/UA-5")]
    move("med", "agreed", ["UA/UA-6"])  # the person brought instead enters located
    walking.append("UA/UA-6")
    for side in ("UA", "RU"):
        move(side.lower(), "cleared", [p for p in walking if p.startswith(side)])
    interview = work / "interview.txt"
    interview.write_text("Interviewed alone, with an interpreter; the decision is firm.\n")
    move("med", "declined", ["UA/UA-3"], "--interview-file", str(interview),
         "--note", "refused repatriation at the private interview")  # fmt: skip
    move("med", "released_to_third_state", ["RU/RU-3"], "--interview-file", str(interview),
         "--note", "asked for resettlement in a third state")  # fmt: skip
    handed = [*received, "UA/UA-6"]
    move("med", "consent_verified", handed)
    for side, other in (("UA", "RU"), ("RU", "UA")):
        mine = [p for p in handed if p.startswith(side)]
        move(side.lower(), "transferred", mine)
        move(other.lower(), "received", mine)
    say(run("med", "batch", "confirm", "B1").strip())
    say(run("ua", "status").strip())

    say(
        Sentence(
            N_("The papers for the handover site, each side printing its own from its own machine")
        )
    )
    for side in ("ua", "ru"):
        pdf = work / f"B1-{side}.pdf"
        say(" ".join(run(side, "batch", "manifest", "B1", "--pdf", str(pdf)).split()))
    say(" ".join(run("ua", "roster", "export", str(work / "ua.xlsx"), "--as", "UA").split()))

    say(Sentence(N_("A monitor reports; the mediator rates the commitment as of a time")))
    run("smm", "report", "--commitment", "P1-CF", "--kind", "observation", "--place",
        "contact line", "--date", "2019-09-08", "--text", "no fire observed", "--as", "SMM")  # fmt: skip
    run("med", "commitment", "status", "P1-CF", "--status", "1", "--note", "quiet so far",
        "--at", "2019-09-09T12:00+03:00")  # fmt: skip
    say(run("ru", "report", "list").strip())

    say(
        Sentence(
            N_("The mediator signs a checkpoint; each party keeps a verified mirror and cosigns it")
        )
    )
    note = run("med", "log", "checkpoint", local=True).splitlines()
    say(Sentence(N_("Checkpoint of {origin}: size {size}"), origin=note[0], size=note[1]))
    for site in ("ua", "ru", "smm"):
        say(f"{site.upper()}: " + " ".join(run(site, "sync").split()))

    say(
        Sentence(
            N_("UA's compartment of the log, exported from its own machine and verified there")
        )
    )
    compartment = work / "ua-export"
    run("ua", "export", "--out", str(compartment))
    say(" ".join(run("ua", "verify", str(compartment)).split()))

    say(Sentence(N_("The server's export, verified offline")))
    export = work / "export"
    run("med", "export", "--out", str(export), local=True)
    say(run("med", "verify", str(export), local=True).strip())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(parley: str, work: Path, url: str, port: int, env: dict[str, str]) -> Iterator[None]:
    """`parley serve` from the mediator's directory, in its own process, until the story ends."""
    log = (work / "server.log").open("wb")
    args = [parley, "--data-dir", str(work / "med"), "serve", "--host", "127.0.0.1"]
    server = subprocess.Popen([*args, "--port", str(port)], stdout=log, stderr=log, env=env)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise ParleyError(
                        f"the server did not start: see {work / 'server.log'}"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def play(
    work: Path,
    run: Run,
    serve: Callable[[], AbstractContextManager[object]],
    say: Callable[[str], None],
) -> None:
    """The whole story: registration, then the server up for the rest."""
    register(work, run, say)
    with serve():
        story(work, run, say)


def main(work: Path, say: Callable[[str], None]) -> None:
    """The story with a server and a client process per command, on loopback."""
    work.mkdir(parents=True, exist_ok=True)
    parley = str(Path(sys.executable).with_name("parley"))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    # each party's own folder and server, in the user's language
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_") or k == "PARLEY_LANG"}

    def run(site: str, *args: str, local: bool = False) -> str:
        where = ["--data-dir", str(work / site), *([] if local else ["--server", url])]
        done = subprocess.run(
            [parley, *where, *args], capture_output=True, text=True, env=env, check=False
        )
        if done.returncode != 0:
            raise ParleyError(f"{site}: parley {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    play(work, run, lambda: _server(parley, work, url, port, env), say)
