"""A party's verified mirror of the log: `parley sync` fetches the server's latest checkpoint
and the entry headers, checks them against the operator's pinned key and the last checkpoint
the party cosigned, fetches the payloads the party may see (its own, and the log's own events)
and checks each against its header's commitment, cosigns as witness on the party's machine and
sends the cosignature back. A server that shows a checkpoint inconsistent with one the party
cosigned raises a split-view alarm, and the party keeps both signed notes and the proof as
evidence. `visible_payloads` is the server's side of the payloads."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app import authz
from parley.app.client import Client, ServerRefused
from parley.app.ledger import Ledger
from parley.errors import N_, InvalidInput, ParleyError, from_json
from parley.log.checkpoint import open_checkpoint
from parley.log.cosignature import CosignatureSigner
from parley.log.encoding import decode_base64, encode_base64
from parley.log.entry import Header, canonical_json, check_payload
from parley.log.errors import CheckpointError, KeyFormatError, LogError, ProofError
from parley.log.events import PARTY_REGISTERED, Role
from parley.log.merkle import leaf_hash, root_hash, verify_consistency
from parley.log.naming import witness_name
from parley.log.note import Ed25519Verifier
from parley.log.tiles import TILE_WIDTH, Tile, entry_bundle, read_bundle
from parley.log.witness import (
    AddCheckpoint,
    JsonFileWitnessState,
    TreeHead,
    Witness,
    write_atomically,
)
from parley.store import log as stored

MAX_PAYLOADS = 1000  # entries one payload request covers


class SyncRefused(ParleyError):
    """The server's answer cannot be checked (no checkpoint, wrong key, bad data)."""


class SplitView(ParleyError):
    """The server shows a checkpoint inconsistent with one this party cosigned."""

    def __init__(self, message: str, evidence: Path, /, **params: object) -> None:
        super().__init__(message, **params)
        self.evidence = evidence


@dataclass(frozen=True)
class Synced:
    party: str
    size: int
    old_size: int
    fetched: int  # entry headers newly mirrored
    pinned: bool  # the operator's key was pinned by this sync
    payloads: int = 0  # payloads newly mirrored (the party's own and the log's own events)


@dataclass(frozen=True)
class Mirror:
    """Where a party keeps what it checked: witness state, the last note it cosigned, the
    pinned operator key, the entry headers, and the evidence of any split view."""

    data_dir: Path
    party: str

    @property
    def witness_dir(self) -> Path:
        return self.data_dir / "witness"

    @property
    def state(self) -> JsonFileWitnessState:
        return JsonFileWitnessState(self.witness_dir / f"{self.party}.json")

    @property
    def cosigned_note(self) -> Path:
        return self.witness_dir / f"{self.party}.checkpoint"

    @property
    def operator_key(self) -> Path:
        return self.witness_dir / "operator.vkey"

    @property
    def headers_file(self) -> Path:
        return self.data_dir / "mirror" / "entries.bundle"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "mirror" / "evidence"

    @property
    def payloads_file(self) -> Path:
        """One line per payload the party may see: the RFC 8785 form of {"index", "payload",
        "salt"}, in index order, each checked against its mirrored header."""
        return self.data_dir / "mirror" / "payloads.jsonl"

    @property
    def payloads_size(self) -> Path:
        """The log size through which the payloads were pulled."""
        return self.data_dir / "mirror" / "payloads.size"

    def headers(self) -> list[bytes]:
        try:
            return read_bundle(self.headers_file.read_bytes())
        except FileNotFoundError:
            return []

    def payloads(self) -> dict[int, bytes]:
        """The mirrored payloads by entry index."""
        try:
            lines = self.payloads_file.read_bytes().splitlines()
        except FileNotFoundError:
            return {}
        return {
            int(item["index"]): item["payload"].encode("utf-8")
            for item in (json.loads(line) for line in lines)
        }

    def payloads_file_lines(self, pulled: int) -> list[bytes]:
        """The mirrored payload lines of entries before `pulled`."""
        if not pulled or not self.payloads_file.exists():
            return []
        lines = self.payloads_file.read_bytes().splitlines()
        return [line for line in lines if json.loads(line)["index"] < pulled]

    def pulled(self) -> int:
        try:
            return int(self.payloads_size.read_text("ascii"))
        except (FileNotFoundError, ValueError):
            return 0


def _pin(mirror: Mirror, client: Client, given: str | None) -> tuple[Ed25519Verifier, bool]:
    """The operator's key: pinned on first use (or as given), and never silently replaced."""
    pinned = (
        mirror.operator_key.read_text("utf-8").strip() if mirror.operator_key.exists() else None
    )
    if pinned is not None and given is not None and given.strip() != pinned:
        raise SyncRefused(
            N_(
                "--mediator-key differs from the key pinned in {operator_key}: remove the pin"
                " only if the mediator really changed its key"
            ),
            operator_key=mirror.operator_key,
        )
    text = pinned or (given.strip() if given else None)
    if text is None:
        text = str(client.request("GET", "/v1/log/key")["key"])
    try:
        verifier = Ed25519Verifier.from_verifier_key(text)
    except KeyFormatError as e:
        raise SyncRefused(
            N_("the operator key {text!r} is not a verifier key: {e}"), text=text, e=e
        ) from e
    if pinned is None:
        mirror.witness_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(mirror.operator_key, (text + "\n").encode("utf-8"))
    return verifier, pinned is None


def _get(client: Client, path: str) -> bytes:
    try:
        reply = client.raw("GET", path, b"", {})
    except OSError as e:
        raise SyncRefused(N_("no answer from the server for {path} ({e})"), path=path, e=e) from e
    if reply.status != 200:
        said = _refusal_of(reply.body)
        if said is not None:  # the server's own sentence, said in the user's language
            raise SyncRefused(N_("the server refused {path}: {reason}"), path=path, reason=said)
        raise SyncRefused(
            N_("the server answered {status} for {path}"), status=reply.status, path=path
        )
    return reply.body


def _refusal_of(body: bytes) -> ParleyError | None:
    """A refusal's JSON body (detail, template, params) as the error it says, if it is one."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    if not isinstance(answer, dict) or not isinstance(answer.get("detail"), str):
        return None
    template = answer.get("template")
    if isinstance(template, str) and template:
        return from_json(template, answer.get("params"), answer["detail"])
    return ParleyError(answer["detail"])


def _fetch_headers(client: Client, start: int, size: int) -> list[bytes]:
    """Entry headers start..size-1 from the public entry bundles."""
    out: list[bytes] = []
    for index in range(start // TILE_WIDTH, (size + TILE_WIDTH - 1) // TILE_WIDTH):
        width = min(TILE_WIDTH, size - index * TILE_WIDTH)
        try:
            bundle = read_bundle(_get(client, "/" + Tile(None, index, width).path))
        except LogError as e:
            raise SyncRefused(N_("entry bundle {index} is malformed: {e}"), index=index, e=e) from e
        if len(bundle) != width:
            raise SyncRefused(
                N_("entry bundle {index} holds {count} entries, not {width}"),
                index=index,
                count=len(bundle),
                width=width,
            )
        out.extend(bundle[max(0, start - index * TILE_WIDTH) :])
    return out


def visible_payloads(
    ledger: Ledger, *, party_id: str, start: int, end: int
) -> list[dict[str, Any]]:
    """The server's side: the payloads of entries start..end-1 that `party_id` may see (as in
    its export: its own commands' and the log's own events), with their salts; an erased or
    withheld one is left out."""
    if not 0 <= start <= end or end - start > MAX_PAYLOADS:
        raise InvalidInput(
            N_("ask for at most {most} entries, from 0 up (not {start}..{end})"),
            most=MAX_PAYLOADS,
            start=start,
            end=end,
        )
    with ledger.reading() as conn:
        who = authz.require(conn, party_id, authz.Action.LOG_EXPORT)
        kept = stored.kept_payloads(conn, start, end)
    return [
        {"index": p.index, "payload": p.payload.decode("utf-8"), "salt": encode_base64(p.salt)}
        for p in kept
        if authz.sees_payload(who, actor=p.actor, event_type=p.type)
    ]


def _fetch_payloads(client: Client, headers: Sequence[bytes], start: int) -> list[bytes]:
    """The payloads the party may see of entries start.., each checked against its header's
    commitment: mirror lines, in index order."""
    lines: list[bytes] = []
    for lo in range(start, len(headers), MAX_PAYLOADS):
        hi = min(lo + MAX_PAYLOADS, len(headers))
        answer = client.request("GET", f"/v1/log/payloads/{lo}/{hi}")
        last = lo - 1
        for item in answer.get("entries", []) if isinstance(answer, dict) else []:
            try:
                index, payload = int(item["index"]), str(item["payload"]).encode("utf-8")
                salt = decode_base64(str(item["salt"]))
                if not last < index < hi or salt is None:
                    raise ValueError(f"entry {index} is out of order or its salt is not base64")
                check_payload(Header.from_bytes(headers[index]), payload, salt)
            except (KeyError, TypeError, ValueError, LogError) as e:
                raise SyncRefused(
                    N_("the server's payloads {lo}..{number} do not match the signed headers: {e}"),
                    lo=lo,
                    number=hi - 1,
                    e=e,
                ) from e
            last = index
            line = {"index": index, "payload": payload.decode("utf-8"), "salt": item["salt"]}
            lines.append(canonical_json(line))
    return lines


def _check_authors(headers: Sequence[bytes], start: int, payloads: Sequence[bytes]) -> None:
    """Each entry from `start` on is of a type its actor's role may author (authz.AUTHORITY),
    the roles as the log's own `party.registered` payloads say. The headers carry no command
    record, so which command made an entry is checked by `parley verify` of an export."""
    roles: dict[str, Role] = {}
    for line in payloads:
        item = json.loads(line)
        if Header.from_bytes(headers[int(item["index"])]).type == PARTY_REGISTERED:
            p = json.loads(item["payload"])
            roles.setdefault(str(p["party_id"]), Role(p["role"]))
    for index in range(start, len(headers)):
        h = Header.from_bytes(headers[index])
        what = authz.AUTHORITY.author_fault(h.actor, roles.get(h.actor), h.type)
        if what is not None:
            raise SyncRefused(N_("entry {index}: {what}"), index=index, what=what)


def _proof(client: Client, old: int, new: int) -> tuple[bytes, ...]:
    data = client.request("GET", f"/v1/log/consistency/{old}/{new}")
    hashes = [decode_base64(str(h)) for h in data["proof"]]
    if any(h is None for h in hashes):
        raise SyncRefused(N_("the server's consistency proof is not base64"))
    return tuple(h for h in hashes if h is not None)


def split_view(
    mirror: Mirror,
    source: str | ParleyError,
    shown: bytes,
    head: TreeHead,
    new_size: int,
    new_root: bytes,
    why: ParleyError,
    proof: Sequence[bytes],
) -> SplitView:
    """Keep both signed notes and the proof, and name both checkpoints in one sentence."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = mirror.evidence_dir / f"{stamp}-cosigned-{head.size}-shown-{new_size}"
    folder.mkdir(parents=True, exist_ok=True)
    cosigned = mirror.cosigned_note.read_bytes() if mirror.cosigned_note.exists() else b""
    (folder / "cosigned.checkpoint").write_bytes(cosigned)
    (folder / "shown.checkpoint").write_bytes(shown)
    (folder / "proof.txt").write_bytes(AddCheckpoint(head.size, tuple(proof), shown).to_bytes())
    said = SplitView(
        N_(
            "split view: {source} shows the checkpoint of size {size} (root {root}), {why} the"
            " checkpoint of size {cosigned_size} (root {cosigned_root}) that {party} cosigned;"
            " refused, nothing cosigned, evidence kept in {folder}"
        ),
        folder,
        source=source,
        size=new_size,
        root=encode_base64(new_root),
        why=why,
        cosigned_size=head.size,
        cosigned_root=encode_base64(head.root),
        party=mirror.party,
        folder=folder,
    )
    (folder / "alarm.txt").write_text(f"{said}\n", encoding="utf-8")
    return said


def sync(
    client: Client,
    *,
    party: str,
    key: Ed25519PrivateKey,
    data_dir: Path,
    mediator_key: str | None = None,
) -> Synced:
    """Check the server's latest checkpoint and headers, cosign it, and send the cosignature."""
    mirror = Mirror(data_dir, party)
    url = ParleyError(
        N_("the server at {url}"), url=f"http://{client.host}:{client.port}{client.prefix}"
    )
    verifier, pinned = _pin(mirror, client, mediator_key)
    shown = _get(client, "/checkpoint")
    try:
        new = open_checkpoint(shown, verifier).checkpoint
    except CheckpointError as e:
        raise SyncRefused(N_("the server's checkpoint does not hold: {e}"), e=e) from e
    head = mirror.state.load()
    old = head.size if head is not None else 0
    proof: tuple[bytes, ...] = ()
    if head is not None and head.size > 0:
        if new.size < head.size:
            why = ParleyError(N_("smaller than"))
            raise split_view(mirror, url, shown, head, new.size, new.root, why, proof)
        try:
            proof = _proof(client, head.size, new.size) if head.size < new.size else ()
            verify_consistency(head.size, new.size, head.root, new.root, proof)
        except (ProofError, ServerRefused) as e:
            why = ParleyError(N_("inconsistent ({reason}) with"), reason=e)
            raise split_view(mirror, url, shown, head, new.size, new.root, why, proof) from e
    known = mirror.headers()[: new.size]
    fresh = _fetch_headers(client, len(known), new.size)
    headers = known + fresh
    if root_hash([leaf_hash(h) for h in headers]) != new.root:
        if head is not None and head.size > 0:
            why = ParleyError(N_("whose entries do not hash to its root, against"))
            raise split_view(mirror, url, shown, head, new.size, new.root, why, proof)
        raise SyncRefused(
            N_("the server's entries do not hash to its checkpoint of size {size}"), size=new.size
        )
    pulled = min(mirror.pulled(), len(known))
    fresh_payloads = _fetch_payloads(client, headers, pulled)
    _check_authors(headers, len(known), [*mirror.payloads_file_lines(pulled), *fresh_payloads])
    witness = Witness(CosignatureSigner(witness_name(party), key), verifier, mirror.state)
    mirror.witness_dir.mkdir(parents=True, exist_ok=True)
    try:
        signature = witness.add_checkpoint(AddCheckpoint(old, proof, shown))
    except LogError as e:
        raise SyncRefused(N_("{party} refuses to cosign: {e}"), party=party, e=e) from e
    mirror.headers_file.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(mirror.headers_file, entry_bundle(headers))
    kept = [
        line
        for line in (mirror.payloads_file.read_bytes().splitlines() if pulled else [])
        if json.loads(line)["index"] < pulled
    ]
    text = b"".join(line + b"\n" for line in kept + fresh_payloads)
    write_atomically(mirror.payloads_file, text)
    write_atomically(mirror.payloads_size, f"{new.size}\n".encode("ascii"))
    write_atomically(mirror.cosigned_note, shown)
    client.request("POST", "/v1/log/cosignatures", {"size": new.size, "line": signature.line()})
    return Synced(party, new.size, old, len(fresh), pinned, len(fresh_payloads))
