"""Each served route's entries held to what its signed body asked for (docs/log-format.md §4,
"What a command binds"): for each route, a party signs a body over HTTP's rules, the use case
writes its entries, the export verifies; the operator then swaps one entry's payload for
another of the same type under the same command (re-signing the run with the mediator's key)
and offline `parley verify` refuses it, naming what the body asked for. Where the use case
makes all it is asked or nothing, an entry left out or made twice is refused too."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from parley.app import agreements, audit, batches, desk_queue, match_groups, reconcile
from parley.app.config import Settings
from parley.app.ledger import Ledger
from parley.app.signing import Command
from parley.domain.agreements import ImplementationStatus, PersonRef, ReportKind
from parley.domain.handovers import HandoverState as S
from parley.domain.matches import MatchState
from parley.domain.rosters import RosterKind
from parley.log.command import SignedCommand, command_body
from parley.log.entry import Header, StoredEntry, draft, sign_run
from parley.log.export import entry_line, parse_line
from tests.integration.helpers import all_for_all, people, plan_batch, setup_parties, verdict
from tests.integration.test_ambiguous_groups import _rosters

UA = [PersonRef("UA", f"u{i}") for i in range(4)]
RU = [PersonRef("RU", f"r{i}") for i in range(4)]
Payload = dict[str, Any]


@pytest.fixture
def led(tmp_path: Path) -> Iterator[Ledger]:
    ledger = Ledger.open(Settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}"), create=True)
    try:
        setup_parties(ledger)
        yield ledger
    finally:
        ledger.close()


@pytest.fixture
def exchange(led: Ledger) -> Ledger:
    """Both sides' held rosters, an all-for-all agreement, batch B1 of two persons a side."""
    from parley.app import rosters

    for party, prefix in (("UA", "u"), ("RU", "r")):
        rosters.import_roster(
            led, party_id=party, kind=RosterKind.HELD, records=people(prefix, 4),
            source="s", source_sha256="0",
        )  # fmt: skip
    all_for_all(led)
    plan_batch(led, "B1", [UA[0], UA[1], RU[0], RU[1]])
    return led


@pytest.fixture
def grouped(led: Ledger) -> Ledger:
    """Proposals and one ambiguous group (a father and a son for one sought man)."""
    _rosters(led)
    reconcile.reconcile_all(led, actor="MED", duplicates=False)
    return led


def _served(led: Ledger, party: str, path: str, body: Payload, call: Callable[[], object]) -> None:
    """`call` as the use case runs for a request `party` signed (its method, path and body)."""
    raw = command_body(body)
    signed = led.keys.sign_command(party, "POST", path, raw)
    with Ledger.commanded(Command(signed, raw)):
        call()


def _last_command(folder: Path) -> list[StoredEntry]:
    """The entries of the export's last command, in order."""
    lines = (folder / "log.jsonl").read_bytes().splitlines(keepends=True)
    entries = [parse_line(line, n) for n, line in enumerate(lines, 1)]
    first = max(i for i, e in enumerate(entries) if e.command is not None)
    return entries[first:]


def _forge(
    led: Ledger, folder: Path, dst: Path, payloads: list[tuple[str, Payload]]
) -> tuple[Path, int]:
    """The export with its last command's entries replaced by `payloads` (type, payload), all
    bound to that command as it was signed, in one run re-signed with the mediator's key:
    what an operator who edits its database can make. Returns the folder and the first index."""
    command = _last_command(folder)
    head = command[0]
    h = Header.from_bytes(head.header)
    cmd = SignedCommand.from_bytes(head.command or b"")
    med = led.keys.signer("MED")
    drafted = []
    for i, (kind, payload) in enumerate(payloads):
        drafted.append(
            draft(
                index=head.index + i, type=kind, actor=h.actor, time=h.time, payload=payload,
                key_id=cmd.keyid, command=cmd.digest(), signer=med.key_id,
            )
        )  # fmt: skip
    out = []
    for i, s in enumerate(sign_run(drafted, med)):
        first = i == 0
        stored = StoredEntry(
            s.index, s.header_bytes, s.signature, s.payload, s.salt,
            command=cmd.to_bytes() if first else None,
            command_body=head.command_body if first else None,
        )  # fmt: skip
        out.append(entry_line(stored) + b"\n")
    dst.mkdir()
    for f in folder.iterdir():
        if f.is_file() and f.name != "checkpoints.jsonl":
            (dst / f.name).write_bytes(f.read_bytes())
    lines = (folder / "log.jsonl").read_bytes().splitlines(keepends=True)
    (dst / "log.jsonl").write_bytes(b"".join(lines[: head.index]) + b"".join(out))
    return dst, head.index


def _genuine(led: Ledger, tmp_path: Path) -> tuple[Path, list[tuple[str, Payload]]]:
    """The export (which verifies) and its last command's entries as (type, payload)."""
    audit.export(led, tmp_path / "export")
    assert verdict(tmp_path / "export") == "verifies"
    made = []
    for e in _last_command(tmp_path / "export"):
        assert e.payload is not None
        made.append((Header.from_bytes(e.header).type, json.loads(e.payload)))
    return tmp_path / "export", made


def _swapped(
    led: Ledger, tmp_path: Path, change: Callable[[list[tuple[str, Payload]]], None]
) -> tuple[str, int, list[tuple[str, Payload]]]:
    """The verdict on the export with the last command's payloads as `change` leaves them."""
    folder, made = _genuine(led, tmp_path)
    forged = [(kind, dict(p)) for kind, p in made]
    change(forged)
    same, _ = _forge(led, folder, tmp_path / "same", made)
    assert verdict(same) == "verifies"  # the forge itself is sound
    dst, first = _forge(led, folder, tmp_path / "forged", forged)
    return verdict(dst), first, made


def _set(i: int, **fields: object) -> Callable[[list[tuple[str, Payload]]], None]:
    def change(entries: list[tuple[str, Payload]]) -> None:
        entries[i][1].update(fields)

    return change


def test_a_rating_swapped_is_refused(exchange: Ledger, tmp_path: Path) -> None:
    _served(
        exchange, "MED", "/v1/commitments/AG-DIS/status", {"status": 1, "note": "quiet so far"},
        lambda: agreements.set_commitment_status(
            exchange, actor="MED", commitment_id="AG-DIS",
            status=ImplementationStatus.MINIMAL, note="quiet so far",
        ),
    )  # fmt: skip
    verdict, first, _ = _swapped(exchange, tmp_path, _set(0, status=3))
    assert verdict == (
        f'fails: entry {first}: a commitment.status_set entry for AG-DIS 3 note "quiet so far",'
        f" which the command POST /v1/commitments/AG-DIS/status of entry {first} did not ask"
        ' for (it asked for AG-DIS 1 note "quiet so far")'
    )


def test_a_monitor_report_swapped_is_refused(exchange: Ledger, tmp_path: Path) -> None:
    today = dt.datetime.now(dt.UTC).date()
    body = {"kind": "observation", "place": "the bridge", "observed_on": today.isoformat(),
            "text": "calm"}  # fmt: skip
    _served(
        exchange, "SMM", "/v1/commitments/AG-DIS/reports", body,
        lambda: agreements.report(
            exchange, actor="SMM", commitment_id="AG-DIS", kind=ReportKind.OBSERVATION,
            place="the bridge", observed_on=today, text="calm",
        ),
    )  # fmt: skip
    verdict, first, _ = _swapped(exchange, tmp_path, _set(0, text="shelling"))
    assert verdict.startswith(
        f"fails: entry {first}: a monitor.reported entry for AG-DIS observation at"
        f' "the bridge" on {today} text "shelling", which the command'
    )


def test_a_cancellation_for_another_reason_is_refused(exchange: Ledger, tmp_path: Path) -> None:
    _served(
        exchange, "MED", "/v1/batches/B1/cancellation", {"reason": "shelling"},
        lambda: batches.cancel(exchange, actor="MED", batch_id="B1", reason="shelling"),
    )  # fmt: skip
    verdict, first, _ = _swapped(exchange, tmp_path, _set(0, reason="UA asked for it"))
    assert verdict.startswith(
        f'fails: entry {first}: a batch.cancelled entry for B1 reason "UA asked for it", which'
    )


def test_an_amendment_of_other_persons_is_refused(exchange: Ledger, tmp_path: Path) -> None:
    body = {"add": [], "withdraw": [{"party": "RU", "record": "r0"}], "reason": "released",
            "agree": None}  # fmt: skip
    _served(
        exchange, "UA", "/v1/batches/B1/amendments", body,
        lambda: batches.amend(
            exchange, actor="UA", batch_id="B1", withdraw=[RU[0]], reason="released"
        ),
    )  # fmt: skip

    def other(entries: list[tuple[str, Payload]]) -> None:
        entries[0][1]["withdrawn"] = [{"person": "RU/r1", "state": "requested"}]

    verdict, first, _ = _swapped(exchange, tmp_path, other)
    assert verdict == (
        f"fails: entry {first}: a batch.amended entry for B1 amendment add [] withdraw [RU/r1]"
        f' reason "released", which the command POST /v1/batches/B1/amendments of entry'
        f" {first} did not ask for (it asked for B1 amendment add [] withdraw [RU/r0] reason"
        ' "released")'
    )


def _received(led: Ledger, *persons: PersonRef) -> None:
    """Each person moved by the parties who may, up to received by the other side."""
    for p in persons:
        side, other = p.party_id, "RU" if p.party_id == "UA" else "UA"
        for actor, to in (("MED", S.LOCATED), ("MED", S.AGREED), (side, S.CLEARED),
                          ("MED", S.CONSENT_VERIFIED), (side, S.TRANSFERRED), (other, S.RECEIVED)):  # fmt: skip
            batches.advance(led, actor=actor, batch_id="B1", moves=[(p, to, "")])


def test_a_confirmation_of_another_person_is_refused(exchange: Ledger, tmp_path: Path) -> None:
    _received(exchange, UA[0], UA[1])
    body = {"persons": [{"party": "UA", "record": "u0"}]}
    _served(
        exchange, "MED", "/v1/batches/B1/confirmations", body,
        lambda: batches.confirm(exchange, actor="MED", batch_id="B1", persons=[UA[0]]),
    )  # fmt: skip
    verdict, first, _ = _swapped(exchange, tmp_path, _set(0, person="UA/u1"))
    assert verdict.startswith(
        f"fails: entry {first}: a handover.confirmed entry for B1 UA/u1, which the command"
    )


def test_a_confirmation_of_every_transfer_binds_the_batch(exchange: Ledger, tmp_path: Path) -> None:
    """None named: any transfer of that batch (which ones is a reading of the log)."""
    _received(exchange, UA[0])
    _served(
        exchange, "MED", "/v1/batches/B1/confirmations", {"persons": None},
        lambda: batches.confirm(exchange, actor="MED", batch_id="B1"),
    )  # fmt: skip
    verdict, first, _ = _swapped(exchange, tmp_path, _set(0, batch_id="B2"))
    assert verdict.startswith(f"fails: entry {first}: a handover.confirmed entry for B2 UA/u0,")
    assert verdict.endswith("(it asked for B1 *)")


def test_a_handover_note_swapped_is_refused(exchange: Ledger, tmp_path: Path) -> None:
    for actor, to in (("MED", S.LOCATED), ("MED", S.AGREED)):
        batches.advance(exchange, actor=actor, batch_id="B1", moves=[(UA[0], to, "")])
    body = {"persons": [{"party": "UA", "record": "u0"}], "to": "cleared", "note": "on time"}
    _served(
        exchange, "UA", "/v1/batches/B1/handovers", body,
        lambda: batches.advance(
            exchange, actor="UA", batch_id="B1", moves=[(UA[0], S.CLEARED, "on time")]
        ),
    )  # fmt: skip
    verdict, first, _ = _swapped(exchange, tmp_path, _set(0, note="two days late"))
    assert verdict.startswith(
        f'fails: entry {first}: a handover.advanced entry for B1 UA/u0 cleared note "two days'
        ' late", which the command'
    )


def _proposals(led: Ledger, n: int) -> list[str]:
    found = reconcile.matches(led, actor="MED", state=MatchState.PROPOSED)
    return sorted(str(m["match_id"]) for m in found)[:n]


def _decide(led: Ledger, mids: list[str], state: MatchState = MatchState.CONFIRMED) -> None:
    body = {"matches": mids, "state": state.value, "note": ""}
    _served(
        led, "MED", "/v1/matches/decisions", body,
        lambda: reconcile.decide_matches(led, actor="MED", mids=mids, state=state),
    )  # fmt: skip


def test_a_decision_on_another_match_is_refused(grouped: Ledger, tmp_path: Path) -> None:
    m1, m2 = _proposals(grouped, 2)
    _decide(grouped, [m1])
    verdict, first, _ = _swapped(grouped, tmp_path, _set(0, match_id=m2))
    assert verdict == (
        f'fails: entry {first}: a match.decided entry for {m2} confirmed "", which the command'
        f" POST /v1/matches/decisions of entry {first} did not ask for (it asked for"
        f' {m1} confirmed "")'
    )


def test_a_decision_left_out_or_made_twice_is_refused(grouped: Ledger, tmp_path: Path) -> None:
    """The mediator decides two proposals at once: an export with only the first, or with
    the first twice, is refused (the use case decides all it is asked or none)."""
    m1, m2 = _proposals(grouped, 2)
    _decide(grouped, [m1, m2])
    folder, made = _genuine(grouped, tmp_path)
    assert [p["match_id"] for _, p in made] == [m1, m2]
    short, first = _forge(grouped, folder, tmp_path / "short", made[:1])
    assert verdict(short) == (
        f"fails: entry {first}: the command POST /v1/matches/decisions asked for"
        f' {m2} confirmed "", which no entry bound to it says'
    )
    twice, _ = _forge(grouped, folder, tmp_path / "twice", [made[0], made[0]])
    assert verdict(twice) == (
        f'fails: entry {first + 1}: a match.decided entry for {m1} confirmed "" once more than'
        f" the command POST /v1/matches/decisions of entry {first} asked for (1)"
    )


def test_a_reversal_of_another_match_is_refused(grouped: Ledger, tmp_path: Path) -> None:
    m1, m2 = _proposals(grouped, 2)
    reconcile.decide_matches(grouped, actor="MED", mids=[m1, m2], state=MatchState.CONFIRMED)
    path = f"/v1/matches/{quote(m1, safe='')}/reversal"
    _served(
        grouped, "MED", path, {"reason": "not him"},
        lambda: reconcile.reverse_match(grouped, actor="MED", mid=m1, reason="not him"),
    )  # fmt: skip
    verdict, first, _ = _swapped(grouped, tmp_path, _set(0, match_id=m2))
    assert verdict.startswith(
        f'fails: entry {first}: a match.reversed entry for {m2} reason "not him", which'
    )


def test_a_group_choice_turned_round_is_refused(grouped: Ledger, tmp_path: Path) -> None:
    """The mediator chooses the father; the operator's export confirms the son instead."""
    (group,) = desk_queue.groups(grouped, actor="MED").groups
    gid = group.group_id
    father = "RU:sought/ostap=UA:held/father"
    _served(
        grouped, "MED", f"/v1/match-groups/{gid}/choice", {"chosen": [father], "note": ""},
        lambda: match_groups.choose(grouped, actor="MED", group=gid, chosen=[father]),
    )  # fmt: skip

    def turned(entries: list[tuple[str, Payload]]) -> None:
        notes = {p["state"]: p["note"] for _, p in entries}
        for _, p in entries:
            p["state"] = "rejected" if p["state"] == "confirmed" else "confirmed"
            p["note"] = notes[p["state"]]

    verdict, first, made = _swapped(grouped, tmp_path, turned)
    at = {p["match_id"]: first + i for i, (_, p) in enumerate(made)}
    son = "RU:sought/ostap=UA:held/son"
    # whichever comes first: the chosen father rejected, or the son confirmed
    assert verdict.startswith(
        f"fails: entry {at[father]}: a match.decided entry for {father} rejected"
        if at[father] < at[son]
        else f"fails: entry {at[son]}: a match.decided entry for {son} confirmed"
        f' "ambiguous group {gid}: chosen", which'
    )


def test_a_substitution_binds_the_person_brought_and_its_proposal(
    exchange: Ledger, tmp_path: Path
) -> None:
    """The mediator records u2 brought instead of u0: the substitution and the proposal that
    matches u2 on RU's sought roster verify; the proposal swapped for another person's not."""
    from parley.app import rosters
    from parley.domain.persons import PersonRecord

    sought = [PersonRecord("s2", family_name="Коваль2", given_name="Петро")]
    rosters.import_roster(
        exchange, party_id="RU", kind=RosterKind.SOUGHT, records=sought, source="s",
        source_sha256="0",
    )  # fmt: skip
    for to in (S.LOCATED, S.AGREED):
        batches.advance(exchange, actor="MED", batch_id="B1", moves=[(UA[0], to, "")])
    body = {"persons": [{"party": "UA", "record": "u0"}], "to": "substituted",
            "instead": {"party": "UA", "record": "u2"}}  # fmt: skip
    _served(
        exchange, "MED", "/v1/batches/B1/handovers", body,
        lambda: batches.substitute(
            exchange, actor="MED", batch_id="B1", person=UA[0], brought=UA[2], note=""
        ),
    )  # fmt: skip
    verdict, first, made = _swapped(exchange, tmp_path, _set(1, right="UA:held/u3"))
    assert [kind for kind, _ in made] == ["handover.substituted", "match.proposed"]
    assert verdict.startswith(
        f"fails: entry {first + 1}: a match.proposed entry for proposal of UA:held/u3, which"
    )


def _import(led: Ledger, rows: list[dict[str, str]], *, merge: bool = False) -> None:
    """UA's held roster from `rows`, as `POST /v1/rosters/UA/held` runs it."""
    from parley.app import roster_files, rosters

    mode = rosters.ImportMode.MERGE if merge else rosters.ImportMode.REPLACE
    _served(
        led, "UA", "/v1/rosters/UA/held", {"records": rows, "source": "list.csv", "merge": merge},
        lambda: roster_files.import_rows(
            led, rows=rows, source="list.csv", party_id="UA", kind=RosterKind.HELD, actor="UA",
            mode=mode,
        ),
    )  # fmt: skip


ROWS = [
    {"id": "u0", "family_name": "Коваль", "given_name": "Петро", "birth_date": "1990-01-02"},
    {"id": "u1", "family_name": "Шевчук", "given_name": "Іван", "notes": "wounded"},
]


def _record(i: int, **fields: str) -> Callable[[list[tuple[str, Payload]]], None]:
    def change(entries: list[tuple[str, Payload]]) -> None:
        entries[i][1]["record"] = {**entries[i][1]["record"], **fields}

    return change


def test_a_roster_row_swapped_is_refused(led: Ledger, tmp_path: Path) -> None:
    """Each person recorded is a row of the body, by content and id."""
    _import(led, ROWS)
    verdict, first, made = _swapped(led, tmp_path, _record(0, family_name="Коваленко"))
    assert [k for k, _ in made] == ["person.recorded", "person.recorded", "roster.published"]
    assert verdict.startswith(f"fails: entry {first}: a person.recorded entry for UA:held record")
    assert "which the command POST /v1/rosters/UA/held of entry" in verdict


def test_a_roster_version_with_other_members_is_refused(led: Ledger, tmp_path: Path) -> None:
    """A replacement with ids names the version's members: one dropped is refused."""
    _import(led, ROWS)

    def fewer(entries: list[tuple[str, Payload]]) -> None:
        del entries[1]
        entries[1][1]["members"] = {"u0": 1}

    verdict, first, _ = _swapped(led, tmp_path, fewer)
    assert verdict.startswith(
        f'fails: entry {first + 1}: a roster.published entry for UA:held version from "list.csv"'
    )


def test_a_roster_row_recorded_twice_is_refused(led: Ledger, tmp_path: Path) -> None:
    _import(led, ROWS)

    def twice(entries: list[tuple[str, Payload]]) -> None:
        entries.insert(1, (entries[0][0], dict(entries[0][1])))

    verdict, first, _ = _swapped(led, tmp_path, twice)
    assert verdict.startswith(f"fails: entry {first + 1}: a person.recorded entry for UA:held")
    assert verdict.endswith("asked for (1)")


def test_a_merge_binds_the_columns_it_had(led: Ledger, tmp_path: Path) -> None:
    """A merge correcting u0's family name: u0 keeps its birth date (no column for it), and
    the verifier holds the entry to the columns the rows had; another family name is refused."""
    _import(led, ROWS)
    _import(led, [{"id": "u0", "family_name": "Коваленко"}], merge=True)
    verdict, first, made = _swapped(led, tmp_path, _record(0, family_name="Ковальчук"))
    assert made[0][1]["record"]["birth_date"] == "1990-01-02"
    assert verdict.startswith(f"fails: entry {first}: a person.recorded entry for UA:held record")


def test_a_list_without_ids_binds_content_not_the_ids_the_roster_gives(
    led: Ledger, tmp_path: Path
) -> None:
    rows = [{k: v for k, v in r.items() if k != "id"} for r in ROWS]
    _import(led, rows)
    verdict, first, _ = _swapped(led, tmp_path, _record(1, given_name="Степан"))
    assert verdict.startswith(f"fails: entry {first + 1}: a person.recorded entry for UA:held")
    assert "record * content" in verdict


def test_a_removal_binds_its_source(led: Ledger, tmp_path: Path) -> None:
    from parley.app import roster_files

    _import(led, ROWS)
    body = {"record_ids": ["u1"], "source": "released"}
    _served(
        led, "UA", "/v1/rosters/UA/held/removals", body,
        lambda: roster_files.remove_rows(
            led, party_id="UA", kind=RosterKind.HELD, record_ids=["u1"], source="released",
            actor="UA",
        ),
    )  # fmt: skip
    verdict, first, _ = _swapped(led, tmp_path, _set(0, source="died"))
    assert verdict.startswith(
        f'fails: entry {first}: a roster.published entry for UA:held version from "died"'
    )


def test_an_erasure_for_another_reason_is_refused(led: Ledger, tmp_path: Path) -> None:
    from parley.app import erasure

    _import(led, ROWS)
    _served(
        led, "UA", "/v1/persons/UA%3Aheld/u0/erasure", {"reason": "the family asked"},
        lambda: erasure.erase_person(
            led, actor="UA", roster_id="UA:held", record_id="u0", reason="the family asked"
        ),
    )  # fmt: skip
    verdict, first, _ = _swapped(led, tmp_path, _set(0, reason="a court order"))
    assert verdict.startswith(
        f'fails: entry {first}: a person.erased entry for UA:held/u0 erased for "a court order",'
    )


def test_a_chosen_candidate_also_rejected_is_refused(grouped: Ledger, tmp_path: Path) -> None:
    """The mediator chooses the father; the operator adds his rejection in the group's words."""
    (group,) = desk_queue.groups(grouped, actor="MED").groups
    gid = group.group_id
    father = "RU:sought/ostap=UA:held/father"
    _served(
        grouped, "MED", f"/v1/match-groups/{gid}/choice", {"chosen": [father], "note": ""},
        lambda: match_groups.choose(grouped, actor="MED", group=gid, chosen=[father]),
    )  # fmt: skip

    def also(entries: list[tuple[str, Payload]]) -> None:
        rejected = next(p for _, p in entries if p["state"] == "rejected")
        entries.append(("match.decided", {**rejected, "match_id": father}))

    verdict, first, made = _swapped(grouped, tmp_path, also)
    assert verdict.startswith(
        f"fails: entry {first + len(made)}: a match.decided entry for {father} rejected"
    )
