"""`parley link` on roster files as lists come: Ukrainian Cyrillic CSV against a Latin and
Russian XLSX, real Splink underneath."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from typer.testing import CliRunner

from parley.cli.main import app
from parley.linkage import LinkageRecord
from tests.unit.linkage.cross_script import cross_script_lists


def _write_csv(path: Path, records: list[LinkageRecord]) -> None:
    with path.open("w", encoding="cp1251", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["ID", "Прізвище", "Ім'я", "Дата народження", "Особистий номер"])
        for r in records:
            w.writerow([r.record_id, r.family_name, r.given_name, r.birth_date, r.service_number])


def _write_xlsx(path: Path, records: list[LinkageRecord]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["record_id", "full_name", "date of birth", "service_number", "family_name"])
    for r in records:
        sheet.append([r.record_id, r.full_name, r.birth_date, r.service_number, r.family_name])
    book.save(path)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_link_writes_explained_links(tmp_path: Path) -> None:
    left, right = cross_script_lists()
    _write_csv(tmp_path / "ua_held.csv", left)
    _write_xlsx(tmp_path / "ru_sought.xlsx", right)
    out = tmp_path / "links.csv"
    result = CliRunner().invoke(
        app,
        ["link", str(tmp_path / "ua_held.csv"), str(tmp_path / "ru_sought.xlsx"), "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    rows = _read(out)
    assert list(rows[0]) == [
        "left_id",
        "right_id",
        "match_probability",
        "match_weight",
        "explanation",
        "ambiguous",
    ]
    pairs = {(r["left_id"], r["right_id"]) for r in rows}
    truth = {(f"U{i}", f"R{i}") for i in range(200)}
    found = len(pairs & truth)
    assert found / len(truth) >= 0.9, found
    assert len(pairs - truth) <= 0.05 * len(pairs), sorted(pairs - truth)[:10]
    assert all(float(r["match_probability"]) >= 0.5 for r in rows)
    # A pair whose names and date agree but whose service numbers differ is linked on the
    # weight of the rest, and says first that the numbers differ.
    sn = next(r for r in rows if (r["left_id"], r["right_id"]) == ("U201", "SN"))
    assert sn["explanation"].startswith("service number differs: review before acting;")
    assert "marked for review" in result.stderr
    # The explanation says in words which fields agreed and how much each weighed.
    u2 = next(r for r in rows if (r["left_id"], r["right_id"]) == ("U2", "R2"))
    assert "birth date" in u2["explanation"] and "(+" in u2["explanation"]
    # The impossible date is a warning, not a refusal.
    assert "1961-02-30" in result.stderr


def test_one_to_one_and_threshold(tmp_path: Path) -> None:
    left, right = cross_script_lists()
    _write_csv(tmp_path / "a.csv", left)
    _write_xlsx(tmp_path / "b.xlsx", right)
    runner = CliRunner()
    loose = tmp_path / "loose.csv"
    strict = tmp_path / "strict.csv"
    args = ["link", str(tmp_path / "a.csv"), str(tmp_path / "b.xlsx")]
    assert runner.invoke(app, [*args, "-o", str(loose), "--threshold", "0.2"]).exit_code == 0
    held, kept = tmp_path / "held.csv", tmp_path / "kept.csv"
    res = runner.invoke(app, [*args, "-o", str(kept), "--hold-differing-ids", "--held", str(held)])
    assert res.exit_code == 0, res.output
    # Held back: in the review file, not among the links.
    assert ("U201", "SN") in {(r["left_id"], r["right_id"]) for r in _read(held)}
    assert ("U201", "SN") not in {(r["left_id"], r["right_id"]) for r in _read(kept)}
    assert "held for review" in res.stderr
    res = runner.invoke(app, [*args, "-o", str(strict), "--threshold", "0.99", "--one-to-one"])
    assert res.exit_code == 0, res.output
    strict_rows = _read(strict)
    assert all(float(r["match_probability"]) >= 0.99 for r in strict_rows)
    assert len(strict_rows) < len(_read(loose))
    for side in ("left_id", "right_id"):
        ids = [r[side] for r in strict_rows]
        assert len(ids) == len(set(ids)), side


def test_candidates_too_close_to_tell_apart_are_one_ambiguous_group(tmp_path: Path) -> None:
    left, right = cross_script_lists()
    # A sought man without a birth date or patronymic; held: a father and a son of his name.
    left.append(LinkageRecord("X1", "Гайдамака", "Остап"))
    right += [
        LinkageRecord("XF", "Гайдамака", full_name="Гайдамака Остап Петрович", birth_date="1950"),
        LinkageRecord("XS", "Гайдамака", full_name="Гайдамака Остап Остапович", birth_date="1978"),
    ]
    _write_csv(tmp_path / "a.csv", left)
    _write_xlsx(tmp_path / "b.xlsx", right)
    runner = CliRunner()
    args = ["link", str(tmp_path / "a.csv"), str(tmp_path / "b.xlsx"), "-o"]
    assert runner.invoke(app, [*args, str(tmp_path / "out.csv")]).exit_code == 0
    rows = [r for r in _read(tmp_path / "out.csv") if r["left_id"] == "X1"]
    assert {r["right_id"] for r in rows} == {"XF", "XS"}
    assert rows[0]["ambiguous"] and rows[0]["ambiguous"] == rows[1]["ambiguous"]
    assert all(r["explanation"].startswith("ambiguous (group") for r in rows)
    plain = [r for r in _read(tmp_path / "out.csv") if r["left_id"] != "X1"]
    assert not any(r["ambiguous"] for r in plain if r["right_id"] in ("R2", "R3", "R4"))
    # One-to-one answers with one of them.
    assert runner.invoke(app, [*args, str(tmp_path / "one.csv"), "--one-to-one"]).exit_code == 0
    one = [r for r in _read(tmp_path / "one.csv") if r["left_id"] == "X1"]
    assert len(one) == 1 and not one[0]["ambiguous"]


def test_bad_input_names_file_row_and_field_and_writes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text("record_id,full_name\nA1,Шевченко Тарас\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,full_name\nB1,Shevchenko Taras\nB1,Shevchenko Taras\n", "utf-8")
    out = tmp_path / "out.csv"
    runner = CliRunner()
    result = runner.invoke(app, ["link", str(good), str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "bad.csv" in result.stderr and "row 3" in result.stderr
    assert "record_id" in result.stderr
    assert not out.exists()
    missing = runner.invoke(app, ["link", str(good), str(tmp_path / "none.csv"), "-o", str(out)])
    assert missing.exit_code == 1 and "none.csv" in missing.stderr
    assert not out.exists()
    nonsense = runner.invoke(
        app, ["link", str(good), str(good), "-o", str(out), "--threshold", "2"]
    )
    assert nonsense.exit_code == 1 and "threshold" in nonsense.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".out.csv.*"))
