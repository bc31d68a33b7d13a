"""Signing keys of the parties this instance acts for, kept in the data directory: the local
implementation of the signing port (`app.signing.Signatures`), and `init_party_key`, which makes
a party's key, and its recovery key to keep offline, on the party's own machine.

A rotation changes the files in steps that each survive a crash (`crash_point` names them):
the new key is staged (`P.ed25519.pending.pem`, written and synced) before the log commits it,
and only then the current key is archived (`P.ed25519.<id>.retired.pem`) and the staged one
becomes current. A pending key found later is settled against the log: kept if the log made
it the party's key, discarded if the rotation never committed (`KeyRing.settle`). A rotation
holds the party's lock (`P.rotation.lock`) from staging to promotion, so another process leaves
a pending key alone while its rotation runs."""

from __future__ import annotations

import enum
import fcntl
import hashlib
import os
import signal
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from parley.app.signing import NoSigningKey
from parley.domain.errors import DomainError
from parley.domain.parties import check_party_id
from parley.errors import N_, InvalidInput
from parley.log import command
from parley.log.command import SignedCommand
from parley.log.entry import Entry, EntrySigner, sign_run

CRASH_ENV = "PARLEY_CRASH_AT"  # fault injection for the crash tests: a step's name


def crash_point(step: str) -> None:
    """The crash tests' fault injection: the process dies here, as at a power cut, when
    PARLEY_CRASH_AT names this step."""
    if os.environ.get(CRASH_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def write_private_key(path: Path, key: Ed25519PrivateKey, *, exclusive: bool = True) -> None:
    """A PKCS#8 PEM file readable by its owner only, synced to disk (with its folder) before
    this returns; `exclusive`: an existing file is never overwritten (FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.chmod(0o700)  # mkdir's mode passes through the umask and spares an old folder
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
        f.flush()
        os.fsync(f.fileno())
    _sync_folder(path.parent)


def read_private_key(path: Path) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PKCS#8 PEM file; one clear sentence if it is not one."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as e:
        raise InvalidInput(
            N_("{path}: cannot read the key ({strerror})"), path=path, strerror=e.strerror
        ) from e
    except (ValueError, TypeError) as e:
        raise InvalidInput(N_("{path}: not an unencrypted PEM private key"), path=path) from e
    if not isinstance(key, Ed25519PrivateKey):
        raise InvalidInput(N_("{path} is not an Ed25519 private key"), path=path)
    return key


def _sync_folder(folder: Path) -> None:
    """Make a folder's new names (a created or renamed file) survive a crash."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes_raw()


class Settled(enum.Enum):
    """What became of a pending key found on disk."""

    PROMOTED = "the log made it the party's key: it is now the current key"
    DISCARDED = "the rotation never reached the log: the pending key was removed"


class StrandedKey(DomainError):
    """A rotation stopped halfway: a pending key waits to be settled against the log."""

    def __init__(self, party_id: str, path: Path) -> None:
        super().__init__(
            N_(
                "a rotation of {party_id}'s key stopped before it finished ({file} is left):"
                " run `parley key settle --as {party_id}` (with --server URL if {party_id} uses"
                " a server) to keep it if the log holds it, or remove it if not"
            ),
            party_id=party_id,
            file=path.name,
        )
        self.party_id = party_id


class KeyRing:
    """Ed25519 private keys, one PEM file a party, readable by the owner only."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[str, Ed25519PrivateKey] = {}
        self._signers: dict[str, tuple[Ed25519PrivateKey, EntrySigner]] = {}
        self._staging: set[str] = set()  # parties whose rotation this process is running
        self._stamps: dict[str, tuple[int, int]] = {}  # (inode, mtime) of each key file read

    def _path(self, party_id: str) -> Path:
        return self.folder / f"{party_id}.ed25519.pem"

    def _pending_path(self, party_id: str) -> Path:
        return self.folder / f"{party_id}.ed25519.pending.pem"

    def has(self, party_id: str) -> bool:
        return party_id in self._cache or self._path(party_id).exists()

    def create(self, party_id: str) -> Ed25519PrivateKey:
        """A new key for a party; an existing one is never overwritten (FileExistsError)."""
        key = Ed25519PrivateKey.generate()
        write_private_key(self._path(party_id), key)
        st = self._path(party_id).stat()
        self._cache[party_id] = key
        self._stamps[party_id] = (st.st_ino, st.st_mtime_ns)
        return key

    def stage(self, party_id: str, key: Ed25519PrivateKey) -> None:
        """Keep a rotation's new key on disk before the rotation commits."""
        self._staging.add(party_id)
        write_private_key(self._pending_path(party_id), key, exclusive=False)

    def discard_staged(self, party_id: str) -> None:
        self._pending_path(party_id).unlink(missing_ok=True)
        self._staging.discard(party_id)

    def pending(self) -> list[str]:
        """The parties with a pending key on disk (a rotation stopped or under way)."""
        return sorted(
            p.name.removesuffix(".ed25519.pending.pem")
            for p in self.folder.glob("*.ed25519.pending.pem")
        )

    def promote_staged(self, party_id: str) -> None:
        """After the rotation committed: the current key is archived (kept: what was sealed to
        it stays readable), then the new key becomes current; each rename survives a crash."""
        pending = self._pending_path(party_id)
        current = self._path(party_id)
        if current.exists():
            old = _public(self._load(current))
            retired = f"{party_id}.ed25519.{hashlib.sha256(old).hexdigest()[:16]}.retired.pem"
            current.replace(self.folder / retired)
            _sync_folder(self.folder)
            crash_point("rotate.archived")
        pending.replace(current)
        _sync_folder(self.folder)
        self._staging.discard(party_id)
        self._cache.pop(party_id, None)
        self._stamps.pop(party_id, None)
        self._signers.pop(party_id, None)

    def _lock_path(self, party_id: str) -> Path:
        return self.folder / f"{party_id}.rotation.lock"

    @contextmanager
    def rotating(self, party_id: str) -> Iterator[None]:
        """Held while this process rotates the party's key (waits for another's to end)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self._lock_path(party_id), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # the lock goes with it, and with a process that dies

    def rotation_running(self, party_id: str) -> bool:
        """Whether a process (this one included) holds the party's rotation lock."""
        try:
            fd = os.open(self._lock_path(party_id), os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False

    def settle(self, party_id: str, logged: bytes | None) -> Settled | None:
        """Settle a pending key against the party's current key as the log holds it (`logged`,
        None if the party has none): promoted if it is that key, otherwise discarded; left
        alone while a rotation holds the party's lock."""
        pending = self._pending_path(party_id)
        if not pending.exists() or self.rotation_running(party_id):
            return None
        staged = _public(self._load(pending))
        self._staging.add(party_id)
        if logged is not None and staged == logged:
            current = self._path(party_id)
            if current.exists() and _public(self._load(current)) == staged:
                current.unlink()  # the same key twice: keep one
            self.promote_staged(party_id)
            return Settled.PROMOTED
        self.discard_staged(party_id)
        return Settled.DISCARDED

    @staticmethod
    def _load(path: Path) -> Ed25519PrivateKey:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise DomainError(N_("{path} is not an Ed25519 private key"), path=path)
        return key

    def pending_key(self, party_id: str) -> Ed25519PrivateKey:
        return self._load(self._pending_path(party_id))

    def current_file_key(self, party_id: str) -> Ed25519PrivateKey:
        """The current key file's key, even with a pending one beside it (to settle it)."""
        return self._load(self._path(party_id))

    def _changed_on_disk(self, party_id: str) -> bool:
        """Whether the key file read before has since been replaced (another process rotated
        the key: a server keeps signing with the key its party now holds)."""
        stamp = self._stamps.get(party_id)
        if stamp is None or party_id in self._staging:
            return False
        try:
            st = self._path(party_id).stat()
        except FileNotFoundError:  # between another rotation's renames: the key until it ends
            return not self.rotation_running(party_id)
        return (st.st_ino, st.st_mtime_ns) != stamp

    def get(self, party_id: str) -> Ed25519PrivateKey:
        if party_id not in self._cache or self._changed_on_disk(party_id):
            pending = self._pending_path(party_id)
            stranded = party_id not in self._staging and pending.exists()
            if stranded and not self.rotation_running(party_id):  # else: the key until it ends
                raise StrandedKey(party_id, pending)
            path = self._path(party_id)
            try:
                st = path.stat()
            except FileNotFoundError:
                raise NoSigningKey(party_id) from None
            self._cache[party_id] = self._load(path)
            self._stamps[party_id] = (st.st_ino, st.st_mtime_ns)
        return self._cache[party_id]

    def held(self, party_id: str) -> list[Ed25519PrivateKey]:
        """The party's current key, then every key it retired (kept, so that what was sealed
        to an earlier key stays readable)."""
        keys = [self.get(party_id)] if self.has(party_id) else []
        for path in sorted(self.folder.glob(f"{party_id}.ed25519.*.retired.pem")):
            keys.append(self._load(path))
        return keys

    def recovery_public(self, party_id: str) -> bytes | None:
        """The public half of the party's recovery key, as `key init` left it here."""
        try:
            return parse_verifier_key(self._recovery_pub(party_id).read_text("ascii"))
        except (OSError, InvalidInput):
            return None

    def _recovery_pub(self, party_id: str) -> Path:
        return self.folder / f"{party_id}.recovery.pub"

    def keep_recovery_public(self, party_id: str, public: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.folder / f"{party_id}.recovery.pub.tmp"
        tmp.write_text(public.hex() + "\n", encoding="ascii")
        tmp.replace(self._recovery_pub(party_id))

    def signer(self, party_id: str) -> EntrySigner:
        """The party's current key, ready to sign log entries."""
        key = self.get(party_id)
        made = self._signers.get(party_id)
        if made is None or made[0] is not key:  # made for a key since replaced
            made = self._signers[party_id] = (key, EntrySigner(key))
        return made[1]

    def key_id_for(self, party_id: str) -> str:
        return self.signer(party_id).key_id

    def sign_run(self, run: Sequence[Entry], party_id: str) -> list[Entry]:
        return sign_run(run, self.signer(party_id))

    def public_bytes(self, party_id: str) -> bytes:
        return self.signer(party_id).public

    def sign_command(self, party_id: str, method: str, path: str, body: bytes) -> SignedCommand:
        return command.sign_command(
            method=method,
            path=path,
            body=body,
            signing_key=self.signer(party_id),
            created=int(time.time()),
        )


def parse_verifier_key(text: str) -> bytes:
    """A verifier key as `key init` prints it: the raw 32-byte Ed25519 public key in hex."""
    try:
        public = bytes.fromhex(text.strip())
    except ValueError as e:
        raise InvalidInput(N_("not a verifier key written in hex ({e})"), e=e) from e
    if len(public) != 32:
        raise InvalidInput(
            N_("a verifier key is 64 hex digits (32 bytes), not {count} bytes"), count=len(public)
        )
    return public


def read_verifier_key(path: Path) -> bytes:
    """A verifier key written in a file, as `parse_verifier_key` reads it."""
    try:
        return parse_verifier_key(path.read_text(encoding="ascii", errors="replace"))
    except InvalidInput as e:
        raise InvalidInput(N_("{path}: {e}"), path=path.name, e=e) from e
    except OSError as e:
        raise InvalidInput(
            N_("{path}: cannot read it ({strerror})"), path=path, strerror=e.strerror
        ) from e


def fingerprint(public: bytes) -> str:
    """What the party and the mediator read to each other over the phone: the first 16 bytes of
    SHA-256 of the raw public key, in eight groups of four hex digits (the first four groups are
    the key id the log names it by)."""
    digits = hashlib.sha256(public).hexdigest()[:32]
    return " ".join(digits[i : i + 4] for i in range(0, 32, 4))


@dataclass(frozen=True)
class PartyKey:
    """A party's key as `key init` leaves it: its verifier key, whether it was made now, and its
    recovery key's public half and file (the file only when made now)."""

    party_id: str
    public: bytes
    created: bool  # False: a key was already there, and was kept
    recovery: bytes | None = None
    recovery_file: Path | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public)


def recovery_file(folder: Path, party_id: str, public: bytes) -> Path:
    """Where a recovery key is written for the party to move off the machine."""
    return folder / f"{party_id}.{hashlib.sha256(public).hexdigest()[:16]}.recovery.pem"


def make_recovery_key(ring: KeyRing, party_id: str, folder: Path) -> tuple[bytes, Path]:
    """A new recovery key: its private half written in `folder` (for the party to move
    offline), its public half kept in the key ring to print again."""
    key = Ed25519PrivateKey.generate()
    public = _public(key)
    path = recovery_file(folder, party_id, public)
    write_private_key(path, key)
    ring.keep_recovery_public(party_id, public)
    return public, path


def init_party_key(ring: KeyRing, party_id: str, recovery_folder: Path | None = None) -> PartyKey:
    """Make the party's key in this data directory's key ring, unless it holds one already (which
    is never overwritten), and with it a recovery key written in `recovery_folder` for the party
    to keep offline: the party runs this on its own machine, then gives the mediator both
    verifier keys and reads their fingerprints out to it."""
    check_party_id(party_id)
    created = False
    if not ring.has(party_id):
        try:
            ring.create(party_id)
            created = True
        except FileExistsError:  # made meanwhile by another run: kept
            pass
    if recovery_folder is not None and (created or ring.recovery_public(party_id) is None):
        # with a new key, or after a run stopped between the key and its recovery key
        recovery, path = make_recovery_key(ring, party_id, recovery_folder)
        return PartyKey(party_id, ring.public_bytes(party_id), created, recovery, path)
    return PartyKey(party_id, ring.public_bytes(party_id), created, ring.recovery_public(party_id))
