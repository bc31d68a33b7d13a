"""`parley agreement`, `parley commitment` and `parley report`: the roadmap, its 0-3 ratings
and the monitors' observations."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Annotated

import typer

from parley.app.documents import read_json_document
from parley.cli.console import (
    client,
    failures,
    out,
    said,
    segment,
    server,
    with_ledger,
    words,
)
from parley.domain.agreement_text import LANGUAGES
from parley.domain.agreements import (
    Agreement,
    ImplementationStatus,
    agreement_from_dict,
)
from parley.domain.errors import DomainError
from parley.domain.moments import parse_moment, write_moment
from parley.errors import N_, InvalidInput

# parley.app.agreements (the database) is imported in each command's local branch: a party's
# command to a server loads neither SQLAlchemy nor Alembic (tests/unit/cli/test_start_up.py)

_SHA256 = re.compile("[0-9a-f]{64}")


def sha256_hex(value: str, option: str) -> str:
    """A SHA-256 as typed (64 hexadecimal digits, either case), checked before it is sent."""
    digest = value.strip().lower()
    if not _SHA256.fullmatch(digest):
        raise InvalidInput(
            N_("{option} {value!r} is not a SHA-256 hash: one is 64 hexadecimal digits (0-9, a-f)"),
            option=option,
            value=value,
        )
    return digest


commitment_app = typer.Typer(no_args_is_help=True, help="Rate roadmap commitments.")
agreement_app = typer.Typer(no_args_is_help=True, help="Draft, read and sign agreements.")


@commitment_app.command("status")
def status_command(
    commitment: Annotated[str, typer.Argument(help="The commitment.")],
    status: Annotated[
        int, typer.Option(min=0, max=3, help="0 not started … 3 full (Peace Accords Matrix).")
    ],
    note: Annotated[str, typer.Option(help="Why.")] = "",
    actor: Annotated[str, typer.Option("--as", help="The mediator.")] = "MED",
    at: Annotated[
        str | None,
        typer.Option(help="When the rating holds, if not now; the rules are checked against it."),
    ] = None,
) -> None:
    """Rate a commitment's implementation, under the verification rules."""
    with failures():
        when = None if at is None else parse_moment(at)
        if server() is not None:
            client(actor).request(
                "POST",
                f"/v1/commitments/{segment(commitment)}/status",
                {
                    "status": status,
                    "note": note,
                    "at": None if when is None else write_moment(when),
                },
            )
            out.print(f"{commitment}: {status}/3.")
            return
        from parley.app import agreements

        with_ledger(
            lambda ledger: agreements.set_commitment_status(
                ledger,
                actor=actor,
                commitment_id=commitment,
                status=ImplementationStatus(status),
                note=note,
                at=when,
            )
        )
    out.print(f"{commitment}: {status}/3.")


def _read_agreement(file: Path) -> Agreement:
    document = read_json_document(file)
    try:
        return agreement_from_dict(document)
    except (DomainError, ValueError, KeyError, TypeError) as e:
        raise DomainError(N_("{file}: not an agreement ({e})"), file=file.name, e=e) from e


@agreement_app.command("draft")
def draft_command(
    file: Annotated[Path, typer.Argument(help="The agreement as JSON (phases, commitments).")],
    actor: Annotated[str, typer.Option("--as", help="The mediator.")] = "MED",
) -> None:
    """Put a draft agreement on the log; print the hash each side signs."""
    with failures():
        agreement = _read_agreement(file)
        from parley.app import agreements

        digest = with_ledger(
            lambda ledger: (
                agreements.draft(ledger, actor=actor, agreement=agreement),
                agreements.stored_hash(ledger, agreement_id=agreement.agreement_id),
            )[1]
        )
    out.print(
        said(
            N_("Drafted {agreement}; text hash {digest}"),
            agreement=agreement.agreement_id,
            digest=digest,
        )
    )


# what the template says before the draft: its notes after `#`, in the user's language
_TEMPLATE_HEAD = N_(
    "# An agreement draft: `parley agreement draft FILE` takes the JSON below, without the\n"
    "# notes after `#` (`parley agreement template --json` prints it so). Parley adds the\n"
    "# named persons' names from their rosters; the sides sign the SHA-256 of the text\n"
    "# `parley agreement text ID --hashed` prints (docs/agreements.md)."
)


@agreement_app.command("template")
def template_command(
    bare: Annotated[
        bool, typer.Option("--json", help="The example alone, as JSON to edit and draft.")
    ] = False,
) -> None:
    """Print an example draft, each field annotated (docs/agreements.md says more)."""
    from parley.app import agreements

    text = json.dumps(agreements.TEMPLATE, ensure_ascii=False, indent=2)
    if bare:
        sys.stdout.write(text + "\n")
        return
    lines = words(_TEMPLATE_HEAD).splitlines()
    noted: set[str] = set()
    for line in text.splitlines():
        key = line.strip().split('"')[1] if line.strip().startswith('"') else ""
        note = agreements.TEMPLATE_NOTES.get(key)
        if note is not None and key not in noted:
            noted.add(key)
            line = f"{line}  # {words(note)}"
        lines.append(line)
    sys.stdout.write("\n".join(lines) + "\n")


@agreement_app.command("amend")
def amend_command(
    file: Annotated[Path, typer.Argument(help="The new version, as JSON, same agreement id.")],
    actor: Annotated[str, typer.Option("--as", help="The mediator.")] = "MED",
) -> None:
    """A new version of an agreement; both sides sign it again before it binds."""
    with failures():
        agreement = _read_agreement(file)
        from parley.app import agreements

        digest = with_ledger(
            lambda ledger: (
                agreements.amend(ledger, actor=actor, agreement=agreement),
                agreements.stored_hash(ledger, agreement_id=agreement.agreement_id),
            )[1]
        )
    out.print(
        said(
            N_("Amended {agreement}; new text hash {digest}"),
            agreement=agreement.agreement_id,
            digest=digest,
        )
    )


@agreement_app.command("diff")
def diff_command(
    agreement_id: Annotated[str, typer.Argument()],
    before: Annotated[int, typer.Option("--from", help="Older version.")],
    after: Annotated[int, typer.Option("--to", help="Newer version.")],
    lang: Annotated[str, typer.Option(help="uk, ru or en.")] = "en",
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who reads: a side of it or its mediator (default: this instance's operator;"
            " with --server, the party whose key is here).",
        ),
    ] = None,
) -> None:
    """Compare two versions of an agreement's text."""
    with failures():
        if server() is not None:
            path = f"/v1/agreements/{segment(agreement_id)}/diff/{before}/{after}/{segment(lang)}"
            text = str(client(actor).request("GET", path)["text"])
        else:
            from parley.app import agreements

            text = with_ledger(
                lambda ledger: agreements.versions_diff(
                    ledger,
                    agreement_id=agreement_id,
                    before=before,
                    after=after,
                    lang=lang,
                    actor=actor,
                )
            )
    sys.stdout.write(text)


@agreement_app.command("text")
def text_command(
    agreement_id: Annotated[str, typer.Argument()],
    lang: Annotated[
        str | None, typer.Option(help=f"One of {', '.join(LANGUAGES)} (default: all three).")
    ] = None,
    hashed: Annotated[
        bool,
        typer.Option(
            "--hashed",
            help="Exactly the bytes whose SHA-256 the sides sign (UTF-8), for `sha256sum`.",
        ),
    ] = False,
    actor: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Who reads: a side of it or its mediator (default: this instance's operator;"
            " with --server, the party whose key is here).",
        ),
    ] = None,
) -> None:
    """Print the canonical text (its SHA-256 is what the sides sign)."""
    with failures():
        if hashed and lang is not None:
            raise DomainError(N_("--hashed is the text in all three languages: leave out --lang"))
        if server() is not None:
            if lang is not None and lang not in LANGUAGES:  # a form's name is not a language
                raise DomainError(
                    N_("--lang {lang}: one of {listed}"), lang=lang, listed=", ".join(LANGUAGES)
                )
            form = "hashed" if hashed else lang or "all"
            path = f"/v1/agreements/{segment(agreement_id)}/text/{segment(form)}"
            text = str(client(actor).request("GET", path)["text"])
        else:
            from parley.app import agreements

            text = with_ledger(
                lambda ledger: agreements.agreement_text(
                    ledger, agreement_id=agreement_id, lang=lang, hashed=hashed, actor=actor
                )
            )
    if hashed:  # byte for byte, whatever the terminal's encoding
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    sys.stdout.write(text)


@agreement_app.command("sign")
def sign_command(
    agreement_id: Annotated[str, typer.Argument()],
    text_hash: Annotated[str, typer.Option("--hash", help="The SHA-256 of the text you read.")],
    actor: Annotated[str, typer.Option("--as", help="A side, or the mediator to witness.")],
) -> None:
    """Sign (a side) or witness (the mediator) the text with this hash."""
    with failures():
        text_hash = sha256_hex(text_hash, "--hash")
        if server() is not None:
            client(actor).request(
                "POST",
                f"/v1/agreements/{segment(agreement_id)}/signatures",
                {"text_sha256": text_hash},
            )
        else:
            from parley.app import agreements

            with_ledger(
                lambda ledger: agreements.sign(
                    ledger, actor=actor, agreement_id=agreement_id, text_sha256=text_hash
                )
            )
    out.print(said(N_("{actor} signed {agreement}."), actor=actor, agreement=agreement_id))
