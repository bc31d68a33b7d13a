"""The consent interview's record: sealed to the mediator's key, so that the log carries it
for everyone to verify but only the mediator can read it. Its text is read from a file or
standard input, never from the command line (which every user of the machine can list)."""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nacl.exceptions import CryptoError
from nacl.public import SealedBox
from nacl.signing import SigningKey, VerifyKey

from parley.domain.errors import DomainError
from parley.errors import N_, InvalidInput, Word
from parley.io.limits import text_problem

MAX_INTERVIEW_CHARS = 20_000  # the same bound as the server's route


def read_interview(source: str) -> str:
    """The interview's text from the file `source`, or from standard input when it is `-`."""
    where = Word(N_("standard input")) if source == "-" else source
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_INTERVIEW_CHARS * 4 + 1)
        else:
            with Path(source).open("rb") as f:
                data = f.read(MAX_INTERVIEW_CHARS * 4 + 1)
    except OSError as e:
        raise InvalidInput(
            N_("{where}: cannot read the interview ({strerror})"), where=where, strerror=e.strerror
        ) from e
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InvalidInput(
            N_("{where}: the interview is not UTF-8 text (byte {number})"),
            where=where,
            number=e.start + 1,
        ) from e
    if len(text) > MAX_INTERVIEW_CHARS or len(data) > MAX_INTERVIEW_CHARS * 4:
        raise InvalidInput(
            N_("{where}: the interview is longer than {most} characters"),
            where=where,
            most=MAX_INTERVIEW_CHARS,
        )
    if not text.strip():
        raise InvalidInput(N_("{where}: the interview is empty"), where=where)
    # `parley interview` prints it: no ESC or BEL for a terminal, no reordering override (a tab
    # is kept, as a line break is)
    why = text_problem(text.replace("\t", " "), free_text=True)
    if why:
        raise InvalidInput(N_("{where}: the interview {why}"), where=where, why=why)
    return text


def seal_for(mediator_public: bytes, text: str) -> str:
    """Encrypt to the mediator's Ed25519 key (as X25519, libsodium sealed box)."""
    box = SealedBox(VerifyKey(mediator_public).to_curve25519_public_key())
    return base64.b64encode(box.encrypt(text.encode("utf-8"))).decode("ascii")


def open_with(mediator_keys: Ed25519PrivateKey | Iterable[Ed25519PrivateKey], sealed: str) -> str:
    """Open a record with the mediator's key: its current one or any it held before (a rotation
    keeps the retired key, so interviews sealed to it stay readable)."""
    keys = [mediator_keys] if isinstance(mediator_keys, Ed25519PrivateKey) else mediator_keys
    for key in keys:
        seed = key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
        box = SealedBox(SigningKey(seed).to_curve25519_private_key())
        try:
            return box.decrypt(base64.b64decode(sealed)).decode("utf-8")
        except (CryptoError, ValueError):
            continue
    raise DomainError(N_("this interview record was sealed to a mediator key this instance lacks"))
