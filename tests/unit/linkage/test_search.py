"""Interactive search: a name in any script finds the record, with reasons."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import JaroWinkler
from typer.testing import CliRunner

from parley.cli.main import app
from parley.linkage import LinkageRecord, SearchIndex
from parley.linkage.search import _Distinct, _Romanised

ROSTER = [
    LinkageRecord("1", "Вишинський", "Кирило", "Валерійович", birth_date="1967-02-03"),
    LinkageRecord("2", "Вишинський", "Олег", "Петрович", birth_date="1990"),
    LinkageRecord("3", "Порошенко", "Петро", "Олексійович", birth_date="1965-09-26"),
    LinkageRecord("4", "Погребинський", "Михайло", "Борисович"),
    LinkageRecord("5", full_name="Шевченко Тарас Григорович", birth_date="1961-02-30"),
    LinkageRecord("6", "Шевчук", "Тарас"),
    LinkageRecord("7", "Коваленко", "Олена", "Іванівна", birth_date="1980-05-06"),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(ROSTER)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Kirill Vyshinsky", "1"),
        ("VYSHYNSKYI Kyrylo", "1"),
        ("Вышинский Кирилл Валерьевич", "1"),
        ("Poloshenko", "3"),
        ("Mikhail Poglibinski", "4"),
        ("Taras Shevchenko", "5"),
        ("Olena Kovalenko", "7"),
    ],
)
def test_the_right_record_comes_first(index: SearchIndex, query: str, expected: str) -> None:
    hits = index.search(query, top=3)
    assert hits[0].record_id == expected, hits


def test_birth_date_decides_between_namesakes(index: SearchIndex) -> None:
    assert index.search("Vyshynskyi", birth_date="1990", top=1)[0].record_id == "2"
    assert index.search("Vyshynskyi", birth_date="03.02.1967", top=1)[0].record_id == "1"
    hit = index.search("Vyshynskyi", birth_date="1967-03-02", top=1)[0]
    assert hit.record_id == "1" and "day and month swapped" in hit.explanation


def test_hits_are_sorted_scored_and_explained(index: SearchIndex) -> None:
    hits = index.search("Kirill Vyshinsky", top=10)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(0.0 <= h.score <= 1.0 for h in hits)
    assert "same given name (Кирило)" in hits[0].explanation


@pytest.mark.parametrize("query", ["Taras Shevchenko", "Kirill Vyshinsky", "Olena Kovalenko"])
def test_a_query_scores_alike_in_any_case(index: SearchIndex, query: str) -> None:
    hits = [index.search(q, top=7) for q in (query, query.upper(), query.lower())]
    assert hits[0] == hits[1] == hits[2]


def test_empty_query_and_warnings(index: SearchIndex) -> None:
    assert index.search("  ") == []
    assert index.search("Kirill", top=0) == []
    assert any("1961-02-30" in w for w in index.warnings)
    assert len(index) == len(ROSTER)


def test_a_large_roster_answers_in_milliseconds() -> None:
    families = ["Шевченко", "Бондаренко", "Коваленко", "Ткаченко", "Кравченко", "Олійник"]
    given = ["Олександр", "Сергій", "Андрій", "Олена", "Наталія", "Іван"]
    roster = [
        LinkageRecord(str(i), families[i % 6] + ("ук" if i % 7 == 0 else ""), given[i // 6 % 6])
        for i in range(5_000)
    ]
    index = SearchIndex(roster)
    start = time.perf_counter()
    for query in ("Oleksandr Shevchenko", "Serhii Kovalenko", "Natalia Tkachenko"):
        assert index.search(query, top=5)
    assert (time.perf_counter() - start) / 3 < 0.25


CLI_ROSTER = "\n".join(
    [
        "id,family_name,given_name,patronymic,birth_date",
        "A1,Вишинський,Кирило,Валерійович,1967-02-03",
        "A2,Вишинський,Олег,Петрович,1990",
        "A3,Шевченко,Тарас,Григорович,1961-02-30",
        "A4,Коваленко,Олена,Іванівна,1980-05-06",
    ]
)


def test_cli_search_json_is_a_ranked_list_cut_at_top(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(CLI_ROSTER + "\n", encoding="utf-8")
    run = CliRunner().invoke(
        app, ["search", "Vyshinsky", "--roster", str(roster), "--top", "2", "--json"]
    )
    assert run.exit_code == 0, run.output
    hits = json.loads(run.stdout)
    assert isinstance(hits, list) and len(hits) == 2
    assert {h["record_id"] for h in hits} == {"A1", "A2"}
    assert all(isinstance(h["score"], float) for h in hits)
    assert hits[0]["score"] >= hits[1]["score"]
    # The impossible date is kept and reported, not a refusal.
    assert "1961-02-30" in run.stderr


def test_cli_birth_date_breaks_a_tie_between_namesakes(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(CLI_ROSTER + "\n", encoding="utf-8")
    args = ["search", "Vyshinsky", "--roster", str(roster), "--json", "--top", "1"]
    first = json.loads(CliRunner().invoke(app, [*args, "--birth-date", "1990"]).stdout)
    assert first[0]["record_id"] == "A2"


def test_cli_many_queries_print_one_json_line_each_in_order(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(CLI_ROSTER + "\n", encoding="utf-8")
    queries = tmp_path / "q.csv"
    queries.write_text(
        "query,birth_date\nTaras Shevchenko,\nVyshinsky Oleg,1990\nOlena Kovalenko,\n",
        encoding="utf-8",
    )
    run = CliRunner().invoke(
        app,
        ["search", "--queries", str(queries), "--roster", str(roster), "--top", "3", "--json"],
    )
    assert run.exit_code == 0, run.output
    lines = [json.loads(x) for x in run.stdout.splitlines()]
    assert [x["query"] for x in lines] == ["Taras Shevchenko", "Vyshinsky Oleg", "Olena Kovalenko"]
    assert [x["results"][0]["record_id"] for x in lines] == ["A3", "A2", "A4"]
    for line in lines:
        assert 1 <= len(line["results"]) <= 3
        scores = [r["score"] for r in line["results"]]
        assert scores == sorted(scores, reverse=True)


def test_cli_wants_exactly_one_of_query_and_queries(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text(CLI_ROSTER + "\n", encoding="utf-8")
    queries = tmp_path / "q.csv"
    queries.write_text("name\nx\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["search", "--roster", str(roster)]).exit_code != 0
    both = ["search", "x", "--queries", str(queries), "--roster", str(roster)]
    assert runner.invoke(app, both).exit_code != 0
    no_column = ["search", "--queries", str(queries), "--roster", str(roster), "--json"]
    assert runner.invoke(app, no_column).exit_code != 0


def test_a_crowded_family_still_yields_the_namesake_with_the_given_name() -> None:
    # 600 Kovalenkos: the prerank keeps only 20 for the full comparison, so it must order
    # namesakes by the given name rather than cut them at random.
    given = ["Петро", "Іван", "Микола", "Андрій", "Сергій", "Василь"]
    crowd = [
        LinkageRecord(f"k{i}", "Коваленко", given[i % len(given)], "Іванович") for i in range(600)
    ]
    crowd.append(LinkageRecord("target", "Коваленко", "Олена", "Іванівна"))
    index = SearchIndex(crowd)
    index._rerank = 20
    assert index.search("Olena Kovalenko", top=1)[0].record_id == "target"


def test_namesakes_share_one_comparison_but_keep_their_own_dates() -> None:
    roster = [
        LinkageRecord("a", "Шевченко", "Тарас", birth_date="1961-03-09"),
        LinkageRecord("b", "Шевченко", "Тарас", birth_date="1975-01-01"),
        LinkageRecord("c", "Шевченко", "Тарас"),
    ]
    hits = SearchIndex(roster).search("Taras Shevchenko", birth_date="1961-03-09")
    assert [h.record_id for h in hits] == ["a", "c", "b"]
    assert hits[0].explanation.split("; birth date")[0] == hits[2].explanation.split("; birth")[0]
    assert hits[0].score > hits[1].score > hits[2].score


# The fuzzy passes' building blocks: what each promises, on random rosters.
_SPELLINGS = st.text(alphabet="abdeiknorsvy ", min_size=0, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(_SPELLINGS, min_size=1, max_size=60), st.lists(_SPELLINGS, min_size=1, max_size=3))
def test_nearest_takes_the_best_strings_for_every_text(column: list[str], texts: list[str]) -> None:
    distinct = _Distinct(column)
    limit = 5
    for text in texts:
        rows = distinct.nearest([text], limit, 0.0)
        assert len(rows) >= min(limit, len(column))
        taken = {column[i] for i in rows}
        worst_taken = min(JaroWinkler.normalized_similarity(text, v) for v in taken)
        left = [v for v in distinct.values if v not in taken]
        if len(rows) < 3 * limit:  # not cut short by one crowded spelling
            assert all(
                JaroWinkler.normalized_similarity(text, v) <= worst_taken + 1e-9 for v in left
            )


@settings(max_examples=60, deadline=None)
@given(st.lists(_SPELLINGS, min_size=1, max_size=80), st.data())
def test_an_exact_romanisation_is_never_missed(column: list[str], data: st.DataObject) -> None:
    row = data.draw(st.integers(0, len(column) - 1))
    other = list(reversed(column))
    romanised = _Romanised(column, other)
    if column[row]:  # an empty spelling has no trigram to find it by
        assert row in romanised.nearest([column[row]], 3 * len(column))


def test_a_name_found_only_by_its_romanisation() -> None:
    # The skeleton of "jess" drops the j; the Russian reading "dzhess" still shares "ess".
    roster = [*ROSTER, LinkageRecord("8", full_name="Джесс")]
    assert SearchIndex(roster).search("jess", top=3)[0].record_id == "8"


@pytest.mark.parametrize(
    ("query", "expected", "others"),
    [
        ("Marujita", "Марухита", ["Маритта", "Мартита"]),  # Spanish j
        ("Zhongli", "Чжунли", ["Жунгул", "Шенгелия"]),  # pinyin zh, ong
        ("Jianzhu", "Цзяньчжу", ["Данжуа", "Яньу"]),  # pinyin j, zh
        ("Cioffi", "Чоффи", ["Софія", "Сіві"]),  # Italian ci
        ("Schäuble", "Шойбле", ["Шюблер"]),  # German äu
        ("Panić", "Панич", ["Пианика", "Пані"]),  # the mark as typed: ć is ч
    ],
)
def test_a_foreign_name_is_compared_as_a_russian_list_writes_it(
    query: str, expected: str, others: list[str]
) -> None:
    roster = [LinkageRecord(name, full_name=name) for name in [*others, expected]]
    hit = SearchIndex(roster).search(query, top=1)[0]
    assert hit.record_id == expected and "as a Russian list writes" in hit.explanation


def test_a_name_with_a_father_s_name_is_not_read_as_foreign() -> None:
    # Italian would read `ci` as чи and Spanish `j` as х: an East Slavic name is not respelt.
    roster = [*ROSTER, LinkageRecord("9", "Шевчинський", "Тарас", "Григорович")]
    hits = SearchIndex(roster).search("Taras Hryhorovych Shevchenko", top=3)
    assert hits[0].record_id == "5"
    assert not any("as a Russian list writes" in h.explanation for h in hits)


def test_a_latin_query_weighs_the_romanised_spelling_more() -> None:
    # `Marujita`: a respelt Latin query scores 0.55 name, 0.45 spelling; a Cyrillic one 0.7/0.3.
    roster = [LinkageRecord("m", full_name="Марухита")]
    index = SearchIndex(roster)
    latin = index.search("Marujita", top=1)[0]
    spelt = float(latin.explanation.rsplit("romanised spelling ", 1)[1])
    assert latin.score == pytest.approx(0.55 * 0.97 + 0.45 * spelt, abs=1e-3)
    cyrillic = index.search("Марухіта", top=1)[0]
    spelt = float(cyrillic.explanation.rsplit("romanised spelling ", 1)[1])
    name = float(cyrillic.explanation.split("(")[1].split(")")[0])
    assert cyrillic.score == pytest.approx(0.7 * name + 0.3 * spelt, abs=2e-3)
