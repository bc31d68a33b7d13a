"""PFIF 1.4 (the People Finder Interchange Format): sought persons and their status written
for tracing services, and a PFIF file read as a sought roster.

Written: one `person` a sought record (`person_record_id` = DOMAIN/RECORD_ID, names, sex,
date of birth, the record's notes as `description`), with one `note` saying where the process
stands: `information_sought` while no one is located, `believed_alive` once located, in a
batch, received, declined or released to a third state, `believed_dead` when the handover
ended in death; the note's text names the state and the batch.

Read: a document whose root is PFIF 1.4's `pfif`, parsed by defusedxml: a DTD, an entity or an
external reference refuses the file (entity-expansion bombs, external files), as does anything
that is not PFIF 1.4. Each `person` becomes a row of a roster table (`record_id` = the part of
`person_record_id` after the repository's domain), checked by the rules of any roster file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from parley.domain.handovers import HandoverState
from parley.errors import N_, ParleyError
from parley.io.headers import canonical_column
from parley.io.tables import (
    Problem,
    RawTable,
    RosterFileError,
    check_table,
    read_bounded,
    read_table,
    reason,
)

NS = "http://zesty.ca/pfif/1.4"
SUFFIXES = (".xml", ".pfif")

# Parley's word for where a sought person stands -> PFIF's note status.
PFIF_STATUS = {
    "sought": "information_sought",
    "located": "believed_alive",
    "in_batch": "believed_alive",
    "received": "believed_alive",
    "declined": "believed_alive",
    "released_to_third_state": "believed_alive",
    "deceased": "believed_dead",
}

# PFIF 1.4's person fields, in the order its schema requires; those a sought roster takes.
_PERSON_FIELDS = (
    "person_record_id",
    "entry_date",
    "expiry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_name",
    "source_date",
    "source_url",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "description",
    "sex",
    "date_of_birth",
    "age",
    "home_street",
    "home_neighborhood",
    "home_city",
    "home_state",
    "home_postal_code",
    "home_country",
    "photo_url",
    "profile_urls",
)
_TO_ROSTER = {
    "full_name": "full_name",
    "given_name": "given_name",
    "family_name": "family_name",
    "alternate_names": "aliases",
    "description": "notes",
    "sex": "sex",
    "date_of_birth": "birth_date",
}
_SEX = {"female": "female", "male": "male", "other": ""}  # PFIF's words; "other": not known


def status_of_state(state: str) -> str:
    """A handover's state as the seeking side's word for where the person stands."""
    s = HandoverState(state)
    if s in (HandoverState.NOT_DELIVERED, HandoverState.SUBSTITUTED, HandoverState.WITHDRAWN):
        return "located"  # located, not handed over: may go in a batch again
    if s.value in PFIF_STATUS:
        return s.value
    return "in_batch"


@dataclass(frozen=True)
class Sought:
    """A sought record and where the process stands with it."""

    record_id: str
    data: Mapping[str, Any]  # PersonRecord.to_dict
    status: str  # a key of PFIF_STATUS
    batch: str | None = None
    state: str | None = None


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _given(data: Mapping[str, Any]) -> str:
    return " ".join(p for p in (data.get("given_name", ""), data.get("patronymic", "")) if p)


def _full(data: Mapping[str, Any]) -> str:
    if data.get("full_name"):
        return str(data["full_name"])
    return " ".join(p for p in (data.get("family_name", ""), _given(data)) if p)


def write(people: Sequence[Sought], *, domain: str, when: dt.datetime) -> bytes:
    """The persons as a PFIF 1.4 document (UTF-8)."""
    ET.register_namespace("pfif", NS)
    root = ET.Element(f"{{{NS}}}pfif")
    stamp = _utc(when)

    def add(parent: ET.Element, name: str, text: str) -> None:
        if text:
            ET.SubElement(parent, f"{{{NS}}}{name}").text = text

    for p in people:
        d = p.data
        pid = f"{domain}/{p.record_id}"
        element = ET.SubElement(root, f"{{{NS}}}person")
        values = {
            "person_record_id": pid,
            "entry_date": stamp,
            "author_name": domain,
            "source_name": domain,
            "source_date": stamp,
            "full_name": _full(d),
            "given_name": _given(d),
            "family_name": str(d.get("family_name", "")),
            "alternate_names": "\n".join(d.get("aliases", ())),
            "description": str(d.get("notes", "")),
            "sex": _SEX.get(str(d.get("sex", "")), ""),
            "date_of_birth": str(d.get("birth_date", "")),
        }
        for name in _PERSON_FIELDS:
            add(element, name, values.get(name, ""))
        note = ET.SubElement(element, f"{{{NS}}}note")
        where = p.status.replace("_", " ")
        if p.batch:
            where += f" (batch {p.batch}" + (f", handover {p.state}" if p.state else "") + ")"
        for name, text in (
            ("note_record_id", f"{pid}.status"),
            ("person_record_id", pid),
            ("entry_date", stamp),
            ("author_name", domain),
            ("source_date", stamp),
            ("author_made_contact", "false"),
            ("status", PFIF_STATUS[p.status]),
            ("text", f"Parley: {where}"),
        ):
            add(note, name, text)
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body + b"\n"


def is_pfif(path: Path) -> bool:
    """A file named as PFIF is: `.xml` or `.pfif`."""
    return path.suffix.lower() in SUFFIXES


def _refuse(name: str, why: ParleyError) -> RosterFileError:
    return RosterFileError([Problem(name, None, None, why)])


def parse(name: str, data: bytes) -> RawTable:
    """A PFIF 1.4 document's persons as a roster table (header = row 1, person N = row N+1);
    anything else refuses the file (RosterFileError) in one sentence."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except defusedxml.DTDForbidden as e:
        why = reason(N_("holds a DTD (<!DOCTYPE ...>): refused, a PFIF file needs none"))
        raise _refuse(name, why) from e
    except defusedxml.EntitiesForbidden as e:
        why = reason(N_("declares XML entities: refused (entity expansion)"))
        raise _refuse(name, why) from e
    except defusedxml.ExternalReferenceForbidden as e:
        why = reason(N_("refers to an external file or address: refused"))
        raise _refuse(name, why) from e
    except defusedxml.DefusedXmlException as e:
        why = reason(N_("refused as unsafe XML ({cause})"), cause=type(e).__name__)
        raise _refuse(name, why) from e
    except ET.ParseError as e:
        line, column = e.position
        why = reason(
            N_("is not well-formed XML (line {line}, column {column})"), line=line, column=column
        )
        raise _refuse(name, why) from e
    except (ValueError, RecursionError) as e:  # text the parser cannot take at all
        raise _refuse(name, reason(N_("is not XML a PFIF file can be read from"))) from e
    if not isinstance(root.tag, str) or root.tag != f"{{{NS}}}pfif":
        why = reason(
            N_("is not a PFIF 1.4 document: its root is not <pfif> in the namespace {namespace}"),
            namespace=NS,
        )
        raise _refuse(name, why)
    headers = ["record_id", *sorted(set(_TO_ROSTER.values()))]
    table = RawTable(
        name,
        hashlib.sha256(data).hexdigest(),
        headers,
        [canonical_column(h) for h in headers],
    )
    for number, element in enumerate(root.findall(f"{{{NS}}}person"), start=2):
        values: dict[str, str] = {}
        for child in element:
            if not isinstance(child.tag, str) or not child.tag.startswith(f"{{{NS}}}"):
                continue
            field = child.tag[len(NS) + 2 :]
            text = (child.text or "").strip()
            if field == "person_record_id":
                domain, sep, local = text.partition("/")
                if not (sep and domain and local):
                    raise RosterFileError(
                        [
                            Problem(
                                name,
                                number,
                                "person_record_id",
                                reason(N_("{text!r} is not DOMAIN/ID as PFIF requires"), text=text),
                            )
                        ]
                    )
                values["record_id"] = local
            elif field in _TO_ROSTER:
                if field == "alternate_names":
                    text = "; ".join(x.strip() for x in text.splitlines() if x.strip())
                if field == "sex":
                    text = _SEX.get(text, text)
                values[_TO_ROSTER[field]] = text
        if "record_id" not in values:
            raise RosterFileError(
                [
                    Problem(
                        name, number, "person_record_id", reason(N_("is missing: PFIF requires it"))
                    )
                ]
            )
        full = values.get("full_name", "")
        given = " ".join(x for x in (values.get("family_name"), values.get("given_name")) if x)
        if full and full == given:  # what PFIF requires but the parts already say
            values["full_name"] = ""
        table.rows.append((number, [values.get(h, "") for h in headers]))
    if not table.rows:
        raise _refuse(name, reason(N_("is a PFIF document without persons")))
    check_table(table)
    return table


def read(path: Path) -> RawTable:
    """A PFIF file read within the caps of any roster file (io/limits.py)."""
    return parse(path.name, read_bounded(path))


def roster_table(path: Path) -> RawTable:
    """A roster file's table: PFIF 1.4 by its name (`.xml`, `.pfif`), else CSV or XLSX."""
    return read(path) if is_pfif(path) else read_table(path)
