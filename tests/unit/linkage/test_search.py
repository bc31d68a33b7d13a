"""Interactive search: a name in any script finds the record, with reasons."""

from __future__ import annotations

import time

import pytest

from parley.linkage import LinkageRecord, SearchIndex

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
