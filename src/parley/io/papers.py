"""The batch manifest as a printable PDF: the persons of a batch with each side's spelling,
birth date and id, a signature line for each party and the mediator; on every page the batch's
log index, a short hash of its planning entry and "page N of M", in Ukrainian, Russian and (on
request) English. The font is PT Sans (ParaType, OFL), which carries the Cyrillic both sides
write, shipped inside the `fontpkg-pt-sans` package."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import fontpkg_pt_sans
from fpdf import FPDF
from fpdf.enums import TableCellFillMode

from parley.domain.handovers import FINAL, NOT_GOING, STATE_LABELS, HandoverState
from parley.errors import N_, InvalidInput

LANGUAGES = ("uk", "ru", "en")
_FONT = "PTSans"
_FILES = Path(fontpkg_pt_sans.ROOT) / "files"

# What a manifest says, in English; each language's words come from the catalogs the pages use
# (`make catalogs`), through the `Say` the caller gives. A page shows the chosen languages side
# by side, "uk / ru".
Say = Callable[[str, str], str]  # (language, English words) -> the words in that language
_LABELS: dict[str, str] = {
    "title": N_("Handover manifest"),
    "batch": N_("Batch"),
    "agreement": N_("Agreement"),
    "place": N_("Place"),
    "date": N_("Date"),
    "number": N_("No."),
    "releases": N_("Releases"),
    "receives": N_("Receives"),
    "id": N_("id"),
    "name": N_("name"),
    "born": N_("born"),
    "received": N_("Received"),
    "hidden": N_("not shown"),
    "erased": N_("erased"),
    "persons": N_("persons"),
    "not_going": N_("of them withdrawn or replaced"),
    "for": N_("For"),
    "mediator": N_("mediator"),
    "sign": N_("name, signature, date"),
    "entry": N_("log entry"),
    "hash": N_("hash"),
    "log_size": N_("log at"),
    "page": N_("page {n} of {m}"),
    "printed_for": N_("printed for"),
    "instead": N_("instead of"),
}
# A handover that will not happen at this site, or has: said in the tick column.
_TICKED = FINAL | {HandoverState.DISPUTED}


@dataclass(frozen=True)
class Spelling:
    """One side's record of a person as the reader may see it: None where it may not."""

    ref: str  # PARTY:KIND/RECORD_ID
    name: str | None
    birth_date: str | None
    erased: bool = False
    full: bool = True  # False: the reader may see the name, not the rest of the record


@dataclass(frozen=True)
class ManifestRow:
    releasing: str
    receiving: str
    held: Spelling  # the releasing side's record of the person
    sought: tuple[Spelling, ...]  # the receiving side's records the process joined to it
    state: str
    substitute_for: str | None = None  # PARTY/RECORD_ID of the person this one replaced


@dataclass(frozen=True)
class Manifest:
    batch_id: str
    agreement_id: str
    place: str
    planned_date: str | None
    sides: tuple[str, str]
    mediator: str
    reader: str
    planned_index: int  # the log index of the batch.planned entry
    planned_leaf: str  # that entry's RFC 9162 leaf hash, hex
    log_size: int  # entries in the log when the manifest was made
    rows: tuple[ManifestRow, ...]

    @property
    def short_hash(self) -> str:
        """The first 16 hex digits of the planning entry's leaf hash, printed on each page."""
        return self.planned_leaf[:16]


def languages(text: str) -> tuple[str, ...]:
    """`uk,ru[,en]` read: known codes, each once, in the order given."""
    chosen = tuple(dict.fromkeys(x.strip().lower() for x in text.split(",") if x.strip()))
    unknown = [x for x in chosen if x not in LANGUAGES]
    if unknown or not chosen:
        raise InvalidInput(
            N_("--lang {text!r}: give languages among {languages}, e.g. uk,ru"),
            text=text,
            languages=", ".join(LANGUAGES),
        )
    return chosen


@dataclass(frozen=True)
class _Words:
    """The manifest's words in the chosen languages, side by side: "Партія / Партия"."""

    say: Say
    langs: tuple[str, ...]

    def __call__(self, key: str, **values: object) -> str:
        return self.text(_LABELS[key], **values)

    def text(self, english: str, **values: object) -> str:
        return " / ".join(dict.fromkeys(self.say(x, english).format(**values) for x in self.langs))


class _Paper(FPDF):
    def __init__(self, manifest: Manifest, words: _Words) -> None:
        super().__init__(orientation="landscape", format="A4")
        self.manifest = manifest
        self.words = words
        self.add_font(_FONT, "", str(_FILES / "PT_Sans-Web-Regular.ttf"))
        self.add_font(_FONT, "B", str(_FILES / "PT_Sans-Web-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(f"{_LABELS['title']} {manifest.batch_id}")
        self.set_creator("Parley")

    def header(self) -> None:
        m, w = self.manifest, self.words
        self.set_font(_FONT, "B", 13)
        self.cell(0, 7, w("title"), new_x="LMARGIN", new_y="NEXT")
        self.set_font(_FONT, "", 9)
        heading = [
            f"{w('batch')}: {m.batch_id}",
            f"{w('agreement')}: {m.agreement_id}",
            f"{w('place')}: {m.place or '—'}",
            f"{w('date')}: {m.planned_date or '—'}",
        ]
        self.cell(0, 5, "    ".join(heading), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        m, w = self.manifest, self.words
        self.set_y(-13)
        self.set_font(_FONT, "", 8)
        line = (
            f"{w('batch')} {m.batch_id} · {w('entry')} {m.planned_index}"
            f" · {w('hash')} {m.short_hash}"
            f" · {w('log_size')} {m.log_size}"
            f" · {w('printed_for')} {m.reader}"
        )
        self.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
        self.cell(
            0, 4, w("page", n=self.page_no(), m="{nb}"), align="R"
        )  # {nb}: the page count, filled in when the document is done


def _who(s: Spelling, w: _Words) -> tuple[str, str]:
    """The name and birth date cells: "—" when the record has none, "(not shown)" when the
    reader may not see it."""
    if s.erased:
        return f"({w('erased')})", ""
    hidden = f"({w('hidden')})"
    if s.name is None:
        return hidden, hidden
    if not s.full:
        return s.name, hidden
    return s.name, s.birth_date or "—"


def render(manifest: Manifest, langs: Sequence[str], say: Say) -> bytes:
    """The manifest as PDF bytes, its words in `langs` as `say` gives them."""
    w = _Words(say, tuple(langs))
    pdf = _Paper(manifest, w)
    pdf.alias_nb_pages("{nb}")
    pdf.add_page()
    pdf.set_font(_FONT, "", 9)
    heads = (
        w("number"),
        f"{w('releases')}: {w('id')}",
        f"{w('name')}",
        f"{w('born')}",
        f"{w('receives')}: {w('id')}",
        f"{w('name')}",
        f"{w('born')}",
        w("received"),
    )
    widths = (8, 34, 56, 22, 34, 56, 22, 25)
    with pdf.table(
        col_widths=widths,
        text_align="LEFT",
        line_height=4.6,
        repeat_headings=1,
        cell_fill_mode=TableCellFillMode.ROWS,
        cell_fill_color=245,
    ) as table:
        header = table.row()
        for text in heads:
            header.cell(text)
        for number, row in enumerate(manifest.rows, start=1):
            held_name, held_born = _who(row.held, w)
            sought = row.sought or (Spelling("", None, None),)
            ids = "\n".join(s.ref for s in sought if s.ref) or row.receiving
            names, born = zip(*(_who(s, w) for s in sought), strict=True)
            if not row.sought:
                names, born = ("",), ("",)
            instead = ""
            if row.substitute_for:
                instead = f"\n({w('instead')} {row.substitute_for})"
            cells = (
                str(number),
                row.held.ref + instead,
                held_name,
                held_born,
                ids,
                "\n".join(names),
                "\n".join(born),
                w.text(STATE_LABELS[HandoverState(row.state)]) if row.state in _TICKED else "",
            )
            line = table.row()
            for text in cells:
                line.cell(text)
    pdf.ln(4)
    pdf.set_font(_FONT, "", 10)
    gone = sum(1 for row in manifest.rows if row.state in NOT_GOING)
    count = f"{len(manifest.rows)} {w('persons')}"
    if gone:
        count += f" ({gone} {w('not_going')})"
    pdf.cell(0, 6, count, new_x="LMARGIN", new_y="NEXT")
    signers = [(side, side) for side in manifest.sides]
    signers.append((manifest.mediator, w("mediator")))
    for party, role in signers:
        if pdf.will_page_break(16):
            pdf.add_page()
        pdf.ln(6)
        what = f"{w('for')} {party}" + ("" if party == role else f" ({role})")
        pdf.cell(max(70.0, pdf.get_string_width(what) + 4), 6, what)
        pdf.cell(110, 6, "_" * 55)
        pdf.set_font(_FONT, "", 7)
        pdf.cell(0, 6, w("sign"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FONT, "", 10)
    return bytes(pdf.output())
