"""What a signed command binds (docs/log-format.md §4, "What a command binds"): an operator who
edits the log and re-signs it with the mediator's key cannot pass off, in a party's name, an
event the party's command never asked for, nor one the party's role may not author; and on one
machine the command lists its entries, so even a same-type payload cannot be swapped."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.api import keys as key_routes
from parley.api import papers, records, routes, witnessing
from parley.app import audit, authz, planning, rosters
from parley.app.config import Settings
from parley.app.ledger import LOCAL_METHOD, LOCAL_PATH, Ledger
from parley.app.signing import Command
from parley.domain import events as ev
from parley.domain.rosters import RosterKind
from parley.log.command import SignedCommand, command_body, sign_command
from parley.log.entry import Header, StoredEntry, canonical_json, draft, run_message, sign_run
from parley.log.export import entry_line, parse_line
from parley.log.merkle import leaf_hash
from parley.log.verify import authority
from tests.integration.helpers import all_for_all, people, setup_parties, small_log
from tests.integration.helpers import verdict as _verdict


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[Ledger]:
    led = Ledger.open(Settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}"), create=True)
    try:
        small_log(led, tmp_path)
        yield led
    finally:
        led.close()


def _parsed(folder: Path) -> list[StoredEntry]:
    lines = (folder / "log.jsonl").read_bytes().splitlines(keepends=True)
    return [parse_line(line, n) for n, line in enumerate(lines, 1)]


def _rewrite(
    ledger: Ledger,
    src: Path,
    dst: Path,
    at: StoredEntry,
    *,
    type: str,
    actor: str,
    payload: dict[str, object],
    command: SignedCommand | None = None,
    body: bytes | None = None,
) -> Path:
    """The export with entry `at` replaced (bound to its own command, or to `command`), every
    later entry dropped, the run re-signed with the mediator's key and no checkpoints: what an
    operator who edits its database can make."""
    lines = (src / "log.jsonl").read_bytes().splitlines(keepends=True)
    h = Header.from_bytes(at.header)
    med = ledger.keys.signer("MED")
    cmd = command or SignedCommand.from_bytes(at.command or b"")
    entry = draft(
        index=at.index,
        type=type,
        actor=actor,
        time=h.time,
        payload=payload,
        key_id=cmd.keyid,
        command=cmd.digest(),
        signer=med.key_id,
    )
    (signed,) = sign_run([entry], med)
    stored = StoredEntry(
        signed.index,
        signed.header_bytes,
        signed.signature,
        signed.payload,
        signed.salt,
        command=cmd.to_bytes(),
        command_body=body if command is not None else at.command_body,
    )
    dst.mkdir()
    for f in src.iterdir():
        if f.is_file():
            (dst / f.name).write_bytes(f.read_bytes())
    (dst / "log.jsonl").write_bytes(b"".join(lines[: at.index]) + entry_line(stored) + b"\n")
    return dst


def _served_import(ledger: Ledger) -> None:
    """UA imports a roster with a command signed as over HTTP (method, path and body)."""
    body = command_body({"roster": "UA:sought"})
    signed = ledger.keys.sign_command("UA", "POST", "/v1/rosters/UA/sought", body)
    with Ledger.commanded(Command(signed, body)):
        rosters.import_roster(
            ledger,
            party_id="UA",
            kind=RosterKind.SOUGHT,
            records=people("srv", 2),
            source="s",
            source_sha256="0",
        )


def test_a_partys_command_cannot_carry_an_event_it_never_asked_for(
    logged: Ledger, tmp_path: Path
) -> None:
    """The reviewer's forgery: UA's last signed command (a roster import over HTTP) bound to a
    `commitment.status_set` in UA's name at the same index, re-signed with the mediator's key."""
    _served_import(logged)
    audit.export(logged, tmp_path / "export")
    assert _verdict(tmp_path / "export") == "verifies"
    ua = [
        e
        for e in _parsed(tmp_path / "export")
        if e.command is not None and Header.from_bytes(e.header).actor == "UA"
    ]
    target = ua[-1]
    forged = _rewrite(
        logged,
        tmp_path / "export",
        tmp_path / "forged",
        target,
        type=ev.COMMITMENT_STATUS_SET,
        actor="UA",
        payload={"commitment_id": "C", "status": 3, "note": "UA says it is kept"},
    )
    assert _verdict(forged) == (
        f"fails: entry {target.index}: a commitment.status_set entry bound to the command"
        " POST /v1/rosters/UA/sought, which cannot make one"
    )
    # the untouched prefix with the same entry as it was still verifies
    same = _rewrite(
        logged,
        tmp_path / "export",
        tmp_path / "same",
        target,
        type=Header.from_bytes(target.header).type,
        actor="UA",
        payload={"roster_id": "UA:sought", "version": 9, "source": "s", "source_sha256": "0"},
    )
    assert "cannot make one" not in _verdict(same)


def test_an_actor_may_author_only_what_its_role_may(logged: Ledger, tmp_path: Path) -> None:
    """The mediator's own signed command (it holds its key) listing a `person.recorded` in its
    name: the command holds, but only a side records persons on its roster."""
    audit.export(logged, tmp_path / "export")
    entries = _parsed(tmp_path / "export")
    target = next(e for e in entries if Header.from_bytes(e.header).type == "person.recorded")
    assert target.payload is not None
    med = logged.keys.signer("MED")
    # the body must list the entry as drafted: draft once to learn its commitment
    probe = draft(
        index=target.index,
        type="person.recorded",
        actor="MED",
        time="2026-01-01T00:00:00.000000Z",
        payload=json.loads(target.payload),
        key_id=med.key_id,
        salt=bytes(32),
    )
    listed = [
        {"type": "person.recorded", "payload_commitment": probe.header.payload_commitment.hex()}
    ]
    body = command_body({"actor": "MED", "entries": listed})
    cmd = sign_command(method=LOCAL_METHOD, path=LOCAL_PATH, body=body, signing_key=med, created=1)
    lines = (tmp_path / "export" / "log.jsonl").read_bytes().splitlines(keepends=True)
    entry = draft(
        index=target.index,
        type="person.recorded",
        actor="MED",
        time="2026-01-01T00:00:00.000000Z",
        payload=json.loads(target.payload),
        key_id=med.key_id,
        salt=bytes(32),
        command=cmd.digest(),
        signer=med.key_id,
    )
    (signed,) = sign_run([entry], med)
    stored = StoredEntry(
        signed.index, signed.header_bytes, signed.signature, signed.payload, signed.salt,
        command=cmd.to_bytes(), command_body=body,
    )  # fmt: skip
    dst = tmp_path / "role"
    dst.mkdir()
    (dst / "keys.json").write_bytes((tmp_path / "export" / "keys.json").read_bytes())
    (dst / "log.jsonl").write_bytes(b"".join(lines[: target.index]) + entry_line(stored) + b"\n")
    verdict = _verdict(dst)
    assert verdict.startswith(f"fails: entry {target.index}: ")
    assert "MED (mediator) authors a person.recorded entry, which only a side may" in verdict


def test_a_same_type_payload_swapped_under_a_local_command_is_refused(
    logged: Ledger, tmp_path: Path
) -> None:
    """On one machine RU's command lists each entry by type and payload commitment: a
    `person.recorded` with another person in it, same type, same command, is refused."""
    audit.export(logged, tmp_path / "export")
    entries = _parsed(tmp_path / "export")

    def kind(e: StoredEntry) -> str:
        return Header.from_bytes(e.header).type

    # an entry of RU's that begins a command the export holds the body of, and another
    # payload of the same type (another person, another roster version)
    target, other = next(
        (e, o)
        for e in entries
        if e.command is not None
        and e.command_body is not None
        and Header.from_bytes(e.header).actor == "RU"
        for o in entries
        if o.payload is not None and kind(o) == kind(e) and o.payload != e.payload
    )
    assert other.payload is not None
    swapped = _rewrite(
        logged,
        tmp_path / "export",
        tmp_path / "swapped",
        target,
        type=kind(target),
        actor="RU",
        payload=json.loads(other.payload),
    )
    verdict = _verdict(swapped)
    assert verdict == (
        f"fails: entry {target.index}: a {kind(target)} entry that the local command"
        f" POST /local/entries of entry {target.index} does not list here"
    )


def test_dropping_an_entry_a_local_command_lists_is_refused(logged: Ledger, tmp_path: Path) -> None:
    audit.export(logged, tmp_path / "export")
    lines = (tmp_path / "export" / "log.jsonl").read_bytes().splitlines(keepends=True)
    entries = [parse_line(line, n) for n, line in enumerate(lines, 1)]
    # a command of several entries, its last entry removed (its run re-signed by the operator)
    starts = [e.index for e in entries if e.command is not None and e.command_body is not None]
    first, after = next((a, b) for a, b in itertools.pairwise(starts) if b - a >= 2)
    kept = entries[first : after - 1]
    med = logged.keys.signer("MED")
    signature = med.sign(run_message([leaf_hash(e.header) for e in kept]))
    out = [
        entry_line(_with_signature(e, signature if e is kept[-1] else None)) + b"\n" for e in kept
    ]
    dst = tmp_path / "short"
    dst.mkdir()
    (dst / "keys.json").write_bytes((tmp_path / "export" / "keys.json").read_bytes())
    (dst / "log.jsonl").write_bytes(b"".join(lines[:first]) + b"".join(out))
    verdict = _verdict(dst)
    assert verdict.startswith(
        f"fails: entry {first}: the local command POST /local/entries lists a "
    )
    assert verdict.endswith("entry more than the log holds")


def _with_signature(e: StoredEntry, signature: bytes | None) -> StoredEntry:
    return StoredEntry(
        e.index, e.header, signature, e.payload, e.salt,
        command=e.command, command_body=e.command_body,
    )  # fmt: skip


def _api_posts() -> set[str]:
    out = set()
    for module in (routes, key_routes, records, papers, witnessing):
        for r in module.router.routes:
            path = re.sub(r"\{(\w+):path\}", r"{\1}", getattr(r, "path", ""))
            for method in getattr(r, "methods", ()):
                out.add(f"{method} {path}")
    return out


def test_the_authority_is_the_permission_tables(logged: Ledger) -> None:
    """Every route the authority names is a route of the API (or the one-machine route), every
    event type the log may hold has its rows in the permission table, and a commitment's
    status is the mediator's alone."""
    posts = _api_posts()
    for route in authz.COMMAND_ROUTES:
        assert route == authority.LOCAL_ROUTE or route in posts, route
    assert f"{LOCAL_METHOD} {LOCAL_PATH}" == authority.LOCAL_ROUTE
    assert set(authz.EVENT_ACTIONS) == set(ev.PAYLOADS)
    for kinds in authz.COMMAND_ROUTES.values():
        assert kinds <= set(authz.EVENT_ACTIONS)
    roles = authz.AUTHORITY.authors
    assert {r.value for r in roles["commitment.status_set"]} == {"mediator"}
    assert {r.value for r in roles["monitor.reported"]} == {"monitor"}
    assert {r.value for r in roles["person.recorded"]} == {"side"}


_SEGMENT = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters="-_.%"),
    min_size=1,
    max_size=12,
)


@given(st.sampled_from(sorted(authz.COMMAND_ROUTES)), st.lists(_SEGMENT, min_size=4, max_size=4))
def test_a_commands_path_falls_under_its_template(route: str, values: list[str]) -> None:
    method, _, template = route.partition(" ")
    fields = iter(values)
    path = "/".join(next(fields) if p.startswith("{") else p for p in template.split("/"))
    assert authz.AUTHORITY.route(method, path) == route
    assert authz.AUTHORITY.route(method, path + "/extra") != route
    assert authz.AUTHORITY.route("GET", path) is None


def test_a_served_commands_entry_with_a_same_type_payload_swapped_is_refused(
    tmp_path: Path,
) -> None:
    """UA signs its lists over HTTP (both empty); the operator rewrites the
    entry with a must-include of its choosing, same type, same command: refused, naming both."""
    led = Ledger.open(Settings(tmp_path, f"sqlite:///{tmp_path / 'p.db'}"), create=True)
    try:
        setup_parties(led)
        all_for_all(led)
        body = command_body({"must_include": [], "veto": []})
        signed = led.keys.sign_command("UA", "POST", "/v1/commitments/AG-EX/lists", body)
        with Ledger.commanded(Command(signed, body)):
            planning.submit_lists(
                led,
                actor="UA",
                commitment_id="AG-EX",
                must_include=set(),
                veto=set(),
            )
        audit.export(led, tmp_path / "export")
        assert _verdict(tmp_path / "export") == "verifies"
        target = [e for e in _parsed(tmp_path / "export") if e.command is not None][-1]
        payload: dict[str, object] = {
            "commitment_id": "AG-EX",
            "must_include": ["RU/R-9"],
            "veto": [],
        }
        swapped = _rewrite(
            led,
            tmp_path / "export",
            tmp_path / "swapped",
            target,
            type="batch.lists_submitted",
            actor="UA",
            payload=payload,
        )
        assert _verdict(swapped) == (
            f"fails: entry {target.index}: a batch.lists_submitted entry for AG-EX must [RU/R-9]"
            f" veto [], which the command POST /v1/commitments/AG-EX/lists of entry"
            f" {target.index} did not ask for (it asked for AG-EX must [] veto [])"
        )
        payload["must_include"] = []
        same = _rewrite(
            led,
            tmp_path / "export",
            tmp_path / "same",
            target,
            type="batch.lists_submitted",
            actor="UA",
            payload=payload,
        )
        assert _verdict(same) == "verifies"
    finally:
        led.close()


_PERSON = st.builds(
    lambda party, record: {"party": party, "record": record},
    st.sampled_from(["UA", "RU"]),
    st.text(alphabet="ABC-0123456789", min_size=1, max_size=6),
)


@given(
    st.lists(_PERSON, min_size=1, max_size=5, unique_by=lambda p: p["record"]),
    st.sampled_from(["cleared", "transferred", "received", "substituted"]),
    _PERSON,
    st.booleans(),
    st.sampled_from(["", "late"]),
)
def test_each_entry_a_handover_command_makes_says_what_it_asked_for(
    persons: list[dict[str, str]], to: str, instead: dict[str, str], interview: bool, note: str
) -> None:
    """The route's reading of a body and the event types' reading of the payloads the use case
    writes for it agree; another person, state or note does not. A move asks for one entry a
    person (and one interview each, with one); a substitution, of one person, for that one."""
    path = "/v1/batches/B%201/handovers"
    if to == "substituted":
        persons = persons[:1]
    body = {
        "persons": persons,
        "to": to,
        "note": note,
        "instead": instead if to == "substituted" else None,
        "interview": "x" if interview else None,
    }
    wants = authz.AUTHORITY.asked("POST", path, command_body(body))
    assert wants is not None
    said = authz.AUTHORITY.said
    if to == "substituted":
        ref = f"{persons[0]['party']}/{persons[0]['record']}"
        sub = {
            "batch_id": "B 1",
            "person": ref,
            "substitute": f"{instead['party']}/{instead['record']}",
            "note": note,
        }
        key = said("handover.substituted", canonical_json(sub))
        assert key is not None and key in wants
        assert wants.each == {key[0]: 1}
        other = {**sub, "note": note + "!"}
        assert said("handover.substituted", canonical_json(other)) not in wants
        return
    for p in persons:
        ref = f"{p['party']}/{p['record']}"
        moved = {"batch_id": "B 1", "person": ref, "from": "agreed", "to": to}
        if note:
            moved["note"] = note
        assert said("handover.advanced", canonical_json(moved)) in wants
        other = {**moved, "to": "declined"}
        assert said("handover.advanced", canonical_json(other)) not in wants
        stranger = {**moved, "person": ref + "X"}
        assert said("handover.advanced", canonical_json(stranger)) not in wants
        noted = {**moved, "note": note + "!"}
        assert said("handover.advanced", canonical_json(noted)) not in wants
        sealed = {"batch_id": "B 1", "person": ref, "sealed": "x"}
        assert (said("interview.recorded", canonical_json(sealed)) in wants) is interview
    assert sum(wants.each.values()) == len(persons) * (2 if interview else 1)
