"""What every command shares: where output goes, how a failure ends, and the ledger session."""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

from parley.app import keys_served
from parley.app.client import Client, ServerRefused
from parley.app.config import Settings
from parley.app.documents import text_problem
from parley.app.errors import RosterFileError, VerificationFailed
from parley.app.keys import KeyRing
from parley.app.language import (
    DEFAULT,
    LOCALES,
    day_in,
    line_in,
    moment_in,
    number_in,
    refusal,
    said_in,
    translations,
    user_locale,
)
from parley.domain.agreements import KIND_LABELS, CommitmentKind
from parley.domain.batches import STATUS_LABELS, BatchStatus
from parley.domain.handovers import STATE_LABELS, HandoverState
from parley.errors import N_, InvalidInput, ParleyError, Sentence, Word

if TYPE_CHECKING:  # the database's modules load in a local command alone (`session`): a
    # party's command to a server (`client`) runs without SQLAlchemy and Alembic
    from parley.app.ledger import Ledger

# wide enough for the status tables when the output is a file or a pipe
out = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, highlight=False, soft_wrap=True)  # one error, one line
T = TypeVar("T")

_state: dict[str, Path | None] = {"data_dir": None}
_server: dict[str, str | None] = {"url": None}


def use_data_dir(data_dir: Path | None) -> None:
    """The `--data-dir` of this run (None: the environment's or the per-user folder); whatever
    the run writes (database, exports, keys, mirror) is readable by its user alone."""
    _state["data_dir"] = data_dir
    os.umask(0o077)


def use_server(url: str | None) -> None:
    """The `--server` of this run: the party's commands go there, signed here."""
    _server["url"] = url or None


def server() -> str | None:
    return _server["url"]


def party_here(actor: str | None) -> str:
    """`actor`, or without `--as` the one party whose key is in this data directory."""
    if actor is not None:
        return actor
    ring = KeyRing(settings().keys_dir)
    held = sorted(p.name.removesuffix(".ed25519.pem") for p in ring.folder.glob("*.ed25519.pem"))
    if len(held) != 1:
        found = ", ".join(held) or "none"
        raise InvalidInput(
            N_("say which party you act as with --as (keys in {folder}: {found})"),
            folder=ring.folder,
            found=found,
        )
    return held[0]


def client(actor: str | None) -> Client:
    """The server's client, signing as `actor` with its key in this data directory (the one
    `key init` made); without `--as`, the one party whose key is here."""
    url = _server["url"]
    assert url is not None
    ring = KeyRing(settings().keys_dir)
    actor = party_here(actor)
    if actor in ring.pending():  # a rotation stopped halfway: settle it against the server
        done = keys_served.settle_served(url, ring, actor)
        if done is not None:
            err.print(settled(actor, done.value))
    return Client(url, ring.signer(actor))


def settings() -> Settings:
    return Settings.from_env(_state["data_dir"])


class CheckedArguments(TyperGroup):
    """The command line refused, before any command runs, when an argument holds a control
    character (ESC, BEL, …; a line break is allowed) or a bidirectional override: such text
    would reach the log, and from there every terminal that shows it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        for number, arg in enumerate(args, start=1):
            why = text_problem(arg, free_text=True)
            if why:
                fail(said(N_("argument {number} {why}"), number=str(number), why=why))
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed


# the labels a failure line starts with, said in the user's language
LABELS = (N_("Error"), N_("Refused"), N_("Verification failed"), N_("ALARM"), N_("Stopped"))


def said(template: str, /, **fields: object) -> str:
    """A line a command prints, its template marked N_, in the user's language: a `Sentence`
    said as a refusal is (a `Word` field, such as a state, translated too); English where the
    catalog lacks it; in Ukrainian or Russian each number as that language writes it
    (`2 800`, `0,5`): an id or a log index that is a number is given as text."""
    return line_in(Sentence(template, **fields), user_locale())


def line_said(line: str) -> str:
    """A line another part of Parley wrote (the demo's story): a `Sentence` said in the user's
    language, as `said` says one; any other text as it is."""
    return line_in(line, user_locale()) if isinstance(line, Sentence) else line


def number(value: int | float, spec: str = "") -> str:
    """A number alone (a table's cell), as `said` writes one: `2 800`, `0,5` in Ukrainian or
    Russian; in English as Python writes it."""
    locale = user_locale()
    if locale == DEFAULT or locale not in LOCALES:
        return format(value, spec)
    return number_in(locale, value, spec)


def day(value: str | None) -> str:
    """A day (`2019-09-10`: a due date, a day observed) as the user's language writes a date
    (`10 вер. 2019 р.`; `Sep 10, 2019`, as `moment` writes one in English); a text that is no
    such day, as it is."""
    return "" if value is None else day_in(user_locale(), value)


def moment(value: str | None) -> str:
    """A time the log or a party wrote (ISO 8601, UTC) as the user's language writes a date and
    a time (`5 груд. 2026 р., 14:30:00 UTC`; `Dec 5, 2026, 2:30:00 PM UTC`); a text that is no
    such time, as it is."""
    return "" if value is None else moment_in(user_locale(), value)


def why(text: str, *, match: bool = False) -> str:
    """Why a pair was found or matched, as linkage or search wrote it (in English, and so a
    server's answer), in the user's language: each part read back and said again
    (app.linkage_words), a part not read back as written; `match`: a match's explanation,
    ending with both names (`(Koval Oleh / Коваль Олег)`)."""
    locale = user_locale()
    if locale == DEFAULT or locale not in LOCALES:
        return text
    from parley.app.linkage_words import explanation_said, match_said  # the names' keys: here

    return said_in(match_said(text) if match else explanation_said(text), locale)


_WARNING = N_("warning")


def warn(text: str) -> None:
    """A warning on stderr, after the word `warning` in the user's language."""
    err.print(f"[yellow]{words(_WARNING)}:[/] {text}")


# the stages a linkage or a reconciliation reports as it goes (linkage, app.reconcile), said
# in the user's language on its progress bar; one not listed here is shown as it is
_STAGES = (
    N_("preparing"),
    N_("reading the rosters"),
    N_("reading the lists"),
    N_("estimating how many pairs match"),
    N_("estimating chance agreement (u)"),
    N_("training the model (expectation maximisation)"),
    N_("scoring candidate pairs"),
    N_("searching for the records linkage left alone"),
    N_("comparing the records born the same year"),
    N_("compared"),
    N_("recording the proposals"),
    N_("done"),
)


def stage_said(stage: str) -> str:
    """A stage of a run (`UA:sought ↔ RU:held: scoring candidate pairs`, `UA:held (duplicates):
    …`) in the user's language: the rosters as they are, the words translated."""
    what, sep, step = stage.rpartition(": ")
    if not sep and (" ↔ " in step or step.endswith(" (duplicates)")):  # a pass alone
        what, step = step, ""
    if what.endswith(" (duplicates)"):
        what = said(N_("{roster} (duplicates)"), roster=what.removesuffix(" (duplicates)"))
    return f"{what}{sep}{words(step)}" if step else what


# what a rotation that stopped halfway came to (app.keys.Settled), said in the user's language
_SETTLED = (
    N_("the log made it the party's key: it is now the current key"),
    N_("the rotation never reached the log: the pending key was removed"),
)


def settled(party: str, outcome: str) -> str:
    line = N_("{party}: a key rotation that stopped was settled: {outcome}.")
    return said(line, party=party, outcome=Word(outcome))


def words(text: str) -> str:
    """A word or a heading (marked N_ where it is written) in the user's language."""
    return translations(user_locale()).gettext(text)


def fail(detail: str, label: str = LABELS[0]) -> NoReturn:
    """The one way a command ends in failure: one line on stderr, exit status 1."""
    said = translations(user_locale()).gettext(label)
    err.print(f"[red]{said}:[/] {detail}")
    raise typer.Exit(1)


@contextmanager
def failures(refused: str = N_("nothing was imported")) -> Iterator[None]:
    """Every error Parley raises on purpose reaches the user as one clear sentence and a
    non-zero exit; `refused` (marked N_) says what a bad file left undone."""
    words = translations(user_locale()).gettext
    head = f"{words(LABELS[1])}, {words(refused)}"
    try:
        yield
    except RosterFileError as e:
        count = words(N_("{count} problem(s)")).format(count=len(e.problems))
        err.print(f"[red]{head}:[/] {count}")
        for problem in e.problems:
            err.print(f"  {refusal(problem.refusal(), user_locale())}")
        raise typer.Exit(1) from e
    except VerificationFailed as e:
        fail(refusal(e, user_locale()), "Verification failed")
    except ServerRefused as e:
        if e.problems:
            err.print(f"[red]{head}:[/] {refusal(e, user_locale())}")
            for said in e.said_problems:
                err.print(f"  {refusal(said, user_locale())}")
            raise typer.Exit(1) from e
        fail(refusal(e, user_locale()), "Refused")
    except ParleyError as e:
        fail(refusal(e, user_locale()))


def write_file(path: Path, data: bytes) -> None:
    """Write a file the user named, or end with one line saying why it cannot be."""
    if path.is_dir():
        fail(said(N_("{path} is a folder: give the file to write"), path=path))
    if not path.parent.is_dir():
        fail(said(N_("{path}: no such folder"), path=path.parent))
    try:
        path.write_bytes(data)
    except OSError as e:
        why = e.strerror or type(e).__name__
        fail(said(N_("cannot write {path}: {why}"), path=path, why=why))


@contextmanager
def session(create: bool = False) -> Iterator[Ledger]:
    """The instance in the data directory, open for one command; `create` sets it up."""
    if _server["url"] is not None:
        raise ParleyError(
            N_(
                "this command does not run against a server: run it without --server (and"
                " without PARLEY_SERVER) on the machine that holds the instance"
            )
        )
    from parley.app import keys_admin
    from parley.app.ledger import Ledger

    local = settings()
    # this instance signs with the keys in its own data directory
    ledger = Ledger.open(local, KeyRing(local.keys_dir), create=create)
    try:
        for party, done in keys_admin.settle_all(ledger):  # rotations that stopped halfway
            err.print(settled(party, done.value))
        yield ledger
    finally:
        ledger.close()


def with_ledger(fn: Callable[[Ledger], T]) -> T:
    with session() as ledger:
        return fn(ledger)


def segment(text: str) -> str:
    """One segment of a server's path, quoted."""
    return urllib.parse.quote(text, safe="")


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def state_said(value: str) -> str:
    """A handover state as pages, papers and refusals say it (`consent verified`), not its
    code (`consent_verified`, what `--to` takes), in the user's language; anything else as it is."""
    try:
        return words(STATE_LABELS[HandoverState(value)])
    except ValueError:
        return value


def kind_said(value: str) -> str:
    """A commitment's kind as pages and reports say it (`border control`), not its code."""
    try:
        return words(KIND_LABELS[CommitmentKind(value)])
    except ValueError:
        return value


def status_said(value: str) -> str:
    """A batch status as pages and refusals say it (`in progress`)."""
    try:
        return words(STATUS_LABELS[BatchStatus(value)])
    except ValueError:
        return value
