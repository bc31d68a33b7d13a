"""The batch manifest as a printable PDF: the persons of a batch with each side's spelling,
birth date and id, a signature line for each party and the mediator; on every page the batch's
log index, a short hash of its planning entry and "page N of M", in Ukrainian, Russian and (on
request) English. The font is PT Sans (ParaType, OFL), which carries the Cyrillic both sides
write, shipped inside the `fontpkg-pt-sans` package."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import fontpkg_pt_sans
from fpdf import FPDF
from fpdf.enums import TableCellFillMode

from parley.errors import N_, InvalidInput

LANGUAGES = ("uk", "ru", "en")
_FONT = "PTSans"
_FILES = Path(fontpkg_pt_sans.ROOT) / "files"

# Every label in each language; a page shows the chosen languages side by side, "uk / ru".
_LABELS: dict[str, dict[str, str]] = {
    "title": {
        "uk": "Список осіб до передачі",
        "ru": "Список лиц к передаче",
        "en": "Handover manifest",
    },
    "batch": {"uk": "Партія", "ru": "Партия", "en": "Batch"},
    "agreement": {"uk": "Угода", "ru": "Соглашение", "en": "Agreement"},
    "place": {"uk": "Місце", "ru": "Место", "en": "Place"},
    "date": {"uk": "Дата", "ru": "Дата", "en": "Date"},
    "number": {"uk": "№", "ru": "№", "en": "No."},
    "releases": {"uk": "Передає", "ru": "Передаёт", "en": "Releases"},
    "receives": {"uk": "Приймає", "ru": "Принимает", "en": "Receives"},
    "id": {"uk": "ідентифікатор", "ru": "идентификатор", "en": "id"},
    "name": {"uk": "ім'я", "ru": "имя", "en": "name"},
    "born": {"uk": "дата народження", "ru": "дата рождения", "en": "born"},
    "record_of": {"uk": "запис сторони", "ru": "запись стороны", "en": "record of"},
    "received": {"uk": "Прийнято", "ru": "Принят", "en": "Received"},
    "hidden": {"uk": "не показано", "ru": "не показано", "en": "not shown"},
    "erased": {"uk": "стерто", "ru": "стёрто", "en": "erased"},
    "persons": {"uk": "осіб", "ru": "лиц", "en": "persons"},
    "not_going": {
        "uk": "з них вилучено або замінено",
        "ru": "из них исключено или заменено",
        "en": "of them withdrawn or replaced",
    },
    "for": {"uk": "За", "ru": "От", "en": "For"},
    "mediator": {"uk": "посередник", "ru": "посредник", "en": "mediator"},
    "sign": {
        "uk": "ПІБ, підпис, дата",
        "ru": "ФИО, подпись, дата",
        "en": "name, signature, date",
    },
    "entry": {"uk": "запис журналу", "ru": "запись журнала", "en": "log entry"},
    "hash": {"uk": "хеш", "ru": "хеш", "en": "hash"},
    "log_size": {"uk": "журнал на", "ru": "журнал на", "en": "log at"},
    "page": {"uk": "сторінка {n} з {m}", "ru": "страница {n} из {m}", "en": "page {n} of {m}"},
    "printed_for": {"uk": "для", "ru": "для", "en": "printed for"},
}

# A handover that will not happen at this site, or has: said in the tick column.
_STATES: dict[str, dict[str, str]] = {
    "received": {"uk": "прийнято", "ru": "принят", "en": "received"},
    "declined": {"uk": "відмовився", "ru": "отказался", "en": "declined"},
    "deceased": {"uk": "помер", "ru": "умер", "en": "deceased"},
    "released_to_third_state": {
        "uk": "до третьої держави",
        "ru": "в третью страну",
        "en": "to a third state",
    },
    "not_delivered": {"uk": "не доставлено", "ru": "не доставлен", "en": "not delivered"},
    "substituted": {"uk": "замінено", "ru": "заменён", "en": "substituted"},
    "withdrawn": {"uk": "вилучено з партії", "ru": "исключён из партии", "en": "withdrawn"},
    "disputed": {"uk": "спірне", "ru": "спорное", "en": "disputed"},
}
_INSTEAD = {"uk": "замість", "ru": "вместо", "en": "instead of"}
# Rows printed with their state but not handed over here: counted apart from the total.
_NOT_GOING = frozenset({"withdrawn", "substituted"})


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


def _label(key: str, langs: Sequence[str], **values: object) -> str:
    return " / ".join(dict.fromkeys(_LABELS[key][x].format(**values) for x in langs))


class _Paper(FPDF):
    def __init__(self, manifest: Manifest, langs: Sequence[str]) -> None:
        super().__init__(orientation="landscape", format="A4")
        self.manifest = manifest
        self.langs = tuple(langs)
        self.add_font(_FONT, "", str(_FILES / "PT_Sans-Web-Regular.ttf"))
        self.add_font(_FONT, "B", str(_FILES / "PT_Sans-Web-Bold.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(f"{_LABELS['title']['en']} {manifest.batch_id}")
        self.set_creator("Parley")

    def header(self) -> None:
        m, langs = self.manifest, self.langs
        self.set_font(_FONT, "B", 13)
        self.cell(0, 7, _label("title", langs), new_x="LMARGIN", new_y="NEXT")
        self.set_font(_FONT, "", 9)
        heading = [
            f"{_label('batch', langs)}: {m.batch_id}",
            f"{_label('agreement', langs)}: {m.agreement_id}",
            f"{_label('place', langs)}: {m.place or '—'}",
            f"{_label('date', langs)}: {m.planned_date or '—'}",
        ]
        self.cell(0, 5, "    ".join(heading), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        m, langs = self.manifest, self.langs
        self.set_y(-13)
        self.set_font(_FONT, "", 8)
        line = (
            f"{_label('batch', langs)} {m.batch_id} · {_label('entry', langs)} {m.planned_index}"
            f" · {_label('hash', langs)} {m.short_hash}"
            f" · {_label('log_size', langs)} {m.log_size}"
            f" · {_label('printed_for', langs)} {m.reader}"
        )
        self.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
        self.cell(
            0, 4, _label("page", langs, n=self.page_no(), m="{nb}"), align="R"
        )  # {nb}: the page count, filled in when the document is done


def _who(s: Spelling, langs: Sequence[str]) -> tuple[str, str]:
    """The name and birth date cells: "—" when the record has none, "(not shown)" when the
    reader may not see it."""
    if s.erased:
        return f"({_label('erased', langs)})", ""
    hidden = f"({_label('hidden', langs)})"
    if s.name is None:
        return hidden, hidden
    if not s.full:
        return s.name, hidden
    return s.name, s.birth_date or "—"


def render(manifest: Manifest, langs: Sequence[str]) -> bytes:
    """The manifest as PDF bytes."""
    pdf = _Paper(manifest, langs)
    pdf.alias_nb_pages("{nb}")
    pdf.add_page()
    pdf.set_font(_FONT, "", 9)
    heads = (
        _label("number", langs),
        f"{_label('releases', langs)}: {_label('id', langs)}",
        f"{_label('name', langs)}",
        f"{_label('born', langs)}",
        f"{_label('receives', langs)}: {_label('id', langs)}",
        f"{_label('name', langs)}",
        f"{_label('born', langs)}",
        _label("received", langs),
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
            held_name, held_born = _who(row.held, langs)
            sought = row.sought or (Spelling("", None, None),)
            ids = "\n".join(s.ref for s in sought if s.ref) or row.receiving
            names, born = zip(*(_who(s, langs) for s in sought), strict=True)
            if not row.sought:
                names, born = ("",), ("",)
            instead = ""
            if row.substitute_for:
                words = " / ".join(dict.fromkeys(_INSTEAD[x] for x in langs))
                instead = f"\n({words} {row.substitute_for})"
            cells = (
                str(number),
                row.held.ref + instead,
                held_name,
                held_born,
                ids,
                "\n".join(names),
                "\n".join(born),
                " / ".join(dict.fromkeys(_STATES[row.state][x] for x in langs))
                if row.state in _STATES
                else "",
            )
            line = table.row()
            for text in cells:
                line.cell(text)
    pdf.ln(4)
    pdf.set_font(_FONT, "", 10)
    gone = sum(1 for row in manifest.rows if row.state in _NOT_GOING)
    count = f"{len(manifest.rows)} {_label('persons', langs)}"
    if gone:
        count += f" ({gone} {_label('not_going', langs)})"
    pdf.cell(0, 6, count, new_x="LMARGIN", new_y="NEXT")
    signers = [(side, side) for side in manifest.sides]
    signers.append((manifest.mediator, _label("mediator", langs)))
    for party, role in signers:
        if pdf.will_page_break(16):
            pdf.add_page()
        pdf.ln(6)
        what = f"{_label('for', langs)} {party}" + ("" if party == role else f" ({role})")
        pdf.cell(max(70.0, pdf.get_string_width(what) + 4), 6, what)
        pdf.cell(110, 6, "_" * 55)
        pdf.set_font(_FONT, "", 7)
        pdf.cell(0, 6, _label("sign", langs), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(_FONT, "", 10)
    return bytes(pdf.output())
