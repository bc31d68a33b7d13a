"""What each party reads of the demo's data from the command line: a side sees its own records'
data, and of the other side's nothing but references."""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.main import app
from parley.log.entry import canonical_json


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CliRunner]:
    data = tmp_path_factory.mktemp("views") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PARLEY_DATA_DIR", str(data))
        mp.delenv("PARLEY_DATABASE_URL", raising=False)
        runner = CliRunner()
        result = runner.invoke(app, ["demo", "--size", "40"])
        assert result.exit_code == 0, result.output
        yield runner


def _json(runner: CliRunner, *args: str) -> list[dict[str, object]]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_a_side_sees_no_spelling_or_date_of_the_other_side(demo: CliRunner) -> None:
    full = _json(demo, "match", "list", "--as", "MED")
    # the mediator's explanations quote both spellings: "(UA's / RU's)"
    quoted = [
        re.search(r"\(([^/()]+) / ([^/()]+)\)$", str(m["explanation"]))
        for m in full
        if str(m["left"]).startswith("UA:")
    ]
    # (RU now reads its own records' names: a name both sides spell alike is RU's too)
    ua_spellings = {q.group(1) for q in quoted if q is not None and q.group(1) != q.group(2)}
    assert len(ua_spellings) > 10 and all("birth date" in str(m["explanation"]) for m in full[:3])
    for args in (["match", "list", "--as", "RU"], ["match", "list", "--as", "RU", "--json"]):
        result = demo.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert result.output.count("RU:held/") > 0
        assert not [s for s in ua_spellings if s in result.output]
        assert "birth date" not in result.output and "capture date" not in result.output
    confirmed = next(m for m in full if m["state"] == "confirmed")
    ru = _json(demo, "match", "list", "--as", "RU")
    (seen,) = [m for m in ru if m["match_id"] == confirmed["match_id"]]
    # nor the other side's record: only RU's own is named, with its dates
    sides = {"left_record": confirmed["left"], "right_record": confirmed["right"]}
    hidden = {k: None for k, ref in sides.items() if not str(ref).startswith("RU:")}
    assert seen == {**confirmed, "explanation": None, **hidden}


def _lines(folder: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (folder / "log.jsonl").read_bytes().splitlines()]


def _header(line: dict[str, object]) -> dict[str, object]:
    header: dict[str, object] = json.loads(base64.b64decode(str(line["header"])))
    return header


def test_each_party_exports_what_it_may_see_and_it_verifies(
    demo: CliRunner, tmp_path: Path
) -> None:
    folders = {}
    for name, args in {
        "default": [],
        "MED": ["--as", "MED"],
        "UA": ["--as", "UA"],
        "public": ["--public"],
    }.items():
        folders[name] = tmp_path / name
        result = demo.invoke(app, ["export", "--out", str(folders[name]), *args])
        assert result.exit_code == 0, result.output
        verified = demo.invoke(app, ["verify", str(folders[name])])
        assert verified.exit_code == 0, verified.output
    # the mediator's export is the whole audit export, as without --as
    full = (folders["default"] / "log.jsonl").read_bytes()
    assert (folders["MED"] / "log.jsonl").read_bytes() == full
    assert b"payload_withheld" not in full
    # UA's: every header, no payload of another party's command but the log's own events
    ua, whole = _lines(folders["UA"]), _lines(folders["default"])
    assert [line["header"] for line in ua] == [line["header"] for line in whole]
    own = {"instance.created", "party.registered", "key.rotated", "key.revoked", "person.erased"}
    roadmap = {"agreement.signed", "commitment.status_set"}  # the public roadmap's, for all
    for line in ua:
        header = _header(line)
        if header["actor"] != "UA" and header["type"] not in own | roadmap:
            assert line["payload"] is None and line["payload_withheld"] is True, header
    roster = [line for line in whole if _header(line)["type"] == "person.recorded"]
    assert {_header(line)["actor"] for line in roster} == {"UA", "RU"}
    ru_payloads = {line["payload"] for line in roster if _header(line)["actor"] == "RU"}
    assert ru_payloads and not ru_payloads & {line["payload"] for line in ua}

    # RU's spellings of given names that UA's rosters do not use appear nowhere in UA's export
    def spellings(payloads: set[object]) -> set[str]:
        records = [json.loads(str(p))["record"] for p in payloads if p is not None]
        return {r["given_name"] for r in records}

    ua_payloads = {line["payload"] for line in roster if _header(line)["actor"] == "UA"}
    only_ru = spellings(ru_payloads) - spellings(ua_payloads)
    ua_text = (folders["UA"] / "log.jsonl").read_text()
    assert len(only_ru) > 5 and [n for n in only_ru if n in full.decode()]
    assert not [n for n in only_ru if n in ua_text]
    assert "withheld" in demo.invoke(app, ["verify", str(folders["UA"])]).output
    # the public's: headers, the log's own events and the roadmap's, and the roadmap in words;
    # no person, no side's list
    public = _lines(folders["public"])
    for line in public:
        assert line["payload"] is None or _header(line)["type"] in own | roadmap
    assert {_header(line)["type"] for line in public if line["payload"]} >= roadmap
    words = json.loads((folders["public"] / "roadmap.json").read_text())
    assert words["agreements"] and words["agreements"][0]["phases"]
    everything = "".join(p.read_text() for p in folders["public"].rglob("*") if p.is_file())
    names = spellings(ua_payloads) | spellings(ru_payloads)
    assert len(names) > 10 and not [n for n in names if n in everything]
    said = demo.invoke(app, ["verify", str(folders["public"])]).output
    assert "absent by design" in said and "roadmap.json" in said


def test_a_stranger_exports_nothing(demo: CliRunner, tmp_path: Path) -> None:
    result = demo.invoke(app, ["export", "--as", "XX", "--out", str(tmp_path / "x")])
    assert result.exit_code != 0 and "not a registered party" in result.output


def _tampered(folder: Path, to: Path, pick: str, change: Mapping[str, object]) -> None:
    """A copy of the export whose first `pick` entry has `change` applied."""
    shutil.copytree(folder, to)
    lines = (folder / "log.jsonl").read_bytes().splitlines(keepends=True)
    for i, raw in enumerate(lines):
        line = json.loads(raw)
        if _header(line)["type"] == pick:
            body = {"command_body": None} if "command" in line else {}
            lines[i] = canonical_json({**line, **body, **change}) + b"\n"
            break
    (to / "log.jsonl").write_bytes(b"".join(lines))


def test_withheld_payloads_cannot_hide_what_a_verifier_needs(
    demo: CliRunner, tmp_path: Path
) -> None:
    ua = tmp_path / "ua"
    assert demo.invoke(app, ["export", "--as", "UA", "--out", str(ua)]).exit_code == 0
    cases = {
        "own": ("party.registered", {"payload": None, "salt": None, "payload_withheld": True}),
        "false": ("person.recorded", {"payload": None, "salt": None, "payload_withheld": False}),
    }
    for name, (pick, change) in cases.items():
        _tampered(ua, tmp_path / name, pick, change)
        result = demo.invoke(app, ["verify", str(tmp_path / name)])
        assert result.exit_code == 1, (name, result.output)
    assert "the log's own never are" in demo.invoke(app, ["verify", str(tmp_path / "own")]).output
