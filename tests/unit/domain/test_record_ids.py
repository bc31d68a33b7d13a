"""Ids for lists without ids: the same person keeps theirs across versions, re-sorted and
corrected; a new person gets one derived from what identifies them."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from parley.domain.record_ids import (
    assign_ids,
    identity_key,
    name_key,
    near,
    same_key_rows,
)


def person(family: str, given: str = "Іван", born: str = "", service: str = "") -> dict[str, Any]:
    data = {"family_name": family, "given_name": given}
    if born:
        data["birth_date"] = born
    if service:
        data["service_number"] = service
    return data


def roster(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The roster a first import of `rows` makes."""
    return dict(zip(assign_ids(rows, {}), rows, strict=True))


def test_a_person_is_identified_by_names_birth_date_and_service_number() -> None:
    row = person("Коваль", "Петро", "1980-03-12", "АВ-123")
    assert identity_key(row) == "коваль петро|1980-03-12|AB123"
    # case, spacing, apostrophes and ё/е do not make another person
    same = person(" КОВАЛЬ ", "петро", "1980-03-12", "ab 123")
    assert identity_key(same) == identity_key(row)
    assert name_key({"family_name": "Дем'яненко"}) == name_key({"family_name": "ДемЯненко"})
    assert name_key({"full_name": "Коваль  Петро"}) == name_key(person("Коваль", "Петро"))
    assert name_key({"full_name": "Фёдоров"}) == name_key({"full_name": "федоров"})


def test_new_persons_are_numbered_in_the_order_of_their_keys() -> None:
    rows = [person("Мороз"), person("Бойко"), person("Коваль")]
    assert assign_ids(rows, {}) == ["P-00003", "P-00001", "P-00002"]
    # the next new persons of the roster take the next numbers, past any the roster had
    current = roster(rows)
    ids = assign_ids([person("Мороз"), person("Ясень")], current, used=["P-00007", "UA-1"])
    assert ids == ["P-00003", "P-00008"]


def test_re_sorted_the_same_persons_keep_their_ids() -> None:
    rows = [person(f"Коваль{i}", born=f"19{50 + i}") for i in range(10)]
    current = roster(rows)
    shuffled = rows[::-1]
    ids = assign_ids(shuffled, current)
    assert {i: r["family_name"] for i, r in zip(ids, shuffled, strict=True)} == {
        i: r["family_name"] for i, r in current.items()
    }


def test_corrections_keep_the_id() -> None:
    rows = [
        person("Ткаченко", "Марія", "1970-05"),
        person("Бойко", "Іван", "1975"),
        person("Мороз", "Олег", "1990-04-03"),
        person("Лисенко", "Микола", "", "123456"),
        person("Шевченко", "Тарас", "1984-03-09", "77"),
    ]
    current = roster(rows)
    corrected = [
        person("Ткаченко", "Марiя", "1970-05"),  # a Latin i typed for the Ukrainian one
        person("Бойко", "Іван", "1976"),  # the year fixed
        person("Мороз", "Олег", "1990-03-04"),  # day and month swapped
        person("Лисенко", "Миколай", "", "123456"),  # a name fixed, the number the same
        person("Шевченко", "Тарас", "1984-03-09", "78"),  # the number fixed
    ]
    assert assign_ids(corrected, current) == list(current)


def test_a_fathers_name_added_or_dropped_keeps_the_id() -> None:
    """`Кравець Юрій` becomes `Кравець Юрій Миколайович`, born the same day: corrected, not a
    new person; a name that also changed is another person."""
    current = roster([person("Кравець", "Юрій", "1983-02-11"), person("Бойко", "Іван", "1975")])
    added = {**person("Кравець", "Юрій", "1983-02-11"), "patronymic": "Миколайович"}
    assert near(person("Кравець", "Юрій", "1983-02-11"), added)
    assert assign_ids([added, person("Бойко", "Іван", "1975")], current) == list(current)
    assert assign_ids([person("Кравець", "Юрій", "1983-02-11")], roster([added])) == ["P-00001"]
    other = {**person("Кравець", "Юлія", "1983-02-11"), "patronymic": "Миколаївна"}
    assert not near(person("Кравець", "Юрій", "1983-02-11"), other)
    assert not near(person("Кравець", "", "1983-02-11"), person("Кравець", "Юрій", "1983-02-11"))


def test_a_near_match_needs_something_that_stayed_the_same() -> None:
    current = roster([person("Бойко", "Іван")])  # no birth date, no number
    (rid,) = assign_ids([person("Бойка", "Іван")], current)
    assert rid not in current  # a name alone, changed, is somebody else


def test_two_changes_at_once_make_another_person() -> None:
    current = roster([person("Бойко", "Іван", "1975")])
    assert not near(person("Бойко", "Іван", "1975"), person("Бийко", "Іван", "1976"))
    (rid,) = assign_ids([person("Бийко", "Іван", "1976")], current)
    assert rid not in current
    assert not near(person("Бойко", "Іван", "1975"), person("Коваленко", "Іван", "1975"))


def test_an_ambiguous_correction_carries_nothing_over() -> None:
    current = roster([person("Бойко", "Іван", "1975"), person("Бойко", "Іван", "1977")])
    # 1976 is one year off from both: neither keeps its id
    (rid,) = assign_ids([person("Бойко", "Іван", "1976")], current)
    assert rid not in current


def test_a_person_back_on_the_roster_takes_their_id_again() -> None:
    current = roster([person("Коваль", "Петро", "1980"), person("Бойко", "Іван", "1975")])
    kovalj, bojko = current
    v2 = {bojko: current[bojko]}  # Коваль was removed in v2
    ids = assign_ids([person("Бойко", "Іван", "1975"), person("Коваль", "Петро", "1980")], v2,
                     earlier={kovalj: current[kovalj]}, used=current)  # fmt: skip
    assert ids == [bojko, kovalj]
    # ... by the same key only: corrected as well, they are a new person
    (new,) = assign_ids([person("Коваль", "Петро", "1981")], {}, earlier={kovalj: current[kovalj]})
    assert new not in current


def test_rows_with_the_same_key_are_found() -> None:
    keys = [identity_key(r) for r in (person("А"), person("Б"), person("а"), person("Б"))]
    assert same_key_rows(keys) == [(0, 2), (1, 3)]


_NAMES = st.sampled_from(["Коваль", "Бойко", "Мороз", "Шевченко", "Ткаченко", "Кравченко"])
_GIVEN = st.sampled_from(["Іван", "Петро", "Олена", "Марія"])
_PEOPLE = st.lists(
    st.builds(
        person,
        _NAMES,
        _GIVEN,
        st.integers(1950, 2000).map(str),
        st.sampled_from(["", "1", "22", "333"]),
    ),
    min_size=1,
    max_size=25,
    unique_by=identity_key,
)


@given(_PEOPLE, st.randoms(use_true_random=False))
def test_any_order_of_any_list_gives_the_same_ids(rows: list[dict[str, Any]], rnd: Any) -> None:
    current = roster(rows)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    again = dict(zip(assign_ids(shuffled, current), shuffled, strict=True))
    assert again == current
    # and the first import of the list, in any order, gives the same ids too
    assert roster(shuffled) == current


@given(_PEOPLE, st.data())
def test_removing_some_keeps_the_ids_of_the_rest(
    rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    current = roster(rows)
    kept = data.draw(st.lists(st.sampled_from(rows), unique_by=identity_key))
    ids = assign_ids(kept, current)
    assert all(current[i] == r for i, r in zip(ids, kept, strict=True))
