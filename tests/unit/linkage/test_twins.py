"""Records of one list written twice: found as a search of one by the other would score them,
each pair once, only within a birth year (a record without one against all)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from parley.linkage import LinkageRecord, SearchIndex
from parley.linkage.twins import written_twice

LIST = [
    LinkageRecord("a", "Шевчук", "Тарас", "Петрович", birth_date="1980-03-04"),
    LinkageRecord("a2", "Шевчукк", "Тарас", "Петрович", birth_date="1980-03-04"),  # twice
    LinkageRecord("b", "Мельник", "Андрій", birth_date="1990-01-02"),
    LinkageRecord("b-other-year", "Мельник", "Андрій", birth_date="1991-01-02"),
    LinkageRecord("c", "Бондар", "Олег", birth_date="1971-05-06"),
    LinkageRecord("c-undated", "Бондар", "Олег"),  # no birth year: compared with all
    LinkageRecord("d", "Коваленко", "Олена", birth_date="1980-07-08"),  # same year as a
]


def _pairs(records: list[LinkageRecord], threshold: float = 0.92) -> set[frozenset[str]]:
    found = written_twice(records, threshold)
    pairs = [frozenset((a, hit.record_id)) for a, hit in found]
    assert len(pairs) == len(set(pairs)), "a pair found twice"
    return set(pairs)


def test_twins_within_a_year_and_the_undated_against_all() -> None:
    assert _pairs(LIST) == {frozenset(("a", "a2")), frozenset(("c", "c-undated"))}


def test_a_twin_scores_as_a_search_of_one_by_the_other() -> None:
    ((first, hit),) = [x for x in written_twice(LIST, 0.92) if "a2" in (x[0], x[1].record_id)]
    index = SearchIndex([r for r in LIST if r.record_id in ("a", "a2")])
    query = next(r for r in LIST if r.record_id == first)
    (searched,) = [
        h
        for h in index.search(
            f"{query.family_name} {query.given_name} {query.patronymic}", query.birth_date
        )
        if h.record_id == hit.record_id
    ]
    assert abs(searched.score - hit.score) < 0.02
    assert "birth date" in hit.explanation


_NAMES = st.sampled_from(["Шевчук", "Шевчукк", "Мельник", "Мельнік", "Бондар", "Коваль"])


@settings(max_examples=30, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            _NAMES, st.sampled_from(["Тарас", "Олег"]), st.sampled_from(["1980", "1981", ""])
        ),
        max_size=8,
    )
)
def test_pairs_are_never_across_years_and_never_a_record_with_itself(
    rows: list[tuple[str, str, str]],
) -> None:
    records = [
        LinkageRecord(str(i), fam, giv, birth_date=born or None)
        for i, (fam, giv, born) in enumerate(rows)
    ]
    born = {r.record_id: r.birth_date for r in records}
    for pair in _pairs(records, 0.8):
        a, b = sorted(pair)
        assert a != b
        assert born[a] is None or born[b] is None or born[a] == born[b]
