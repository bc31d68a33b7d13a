"""The sex each part of a name tells, in either script, and how sure the whole name is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.names import normalise_person_name, part_sex, sex_evidence


@pytest.mark.parametrize(
    ("name", "told"),
    [
        ("Вишинська Олена Петрівна", ("f", "f", "f")),
        ("Вышинская Елена Петровна", ("f", "f", "f")),
        ("Vyshynska Olena Petrivna", ("f", "f", "f")),
        ("Вишинський Кирило Валерійович", ("m", "m", "m")),
        ("Kuzmina Olena", ("f", "f", None)),
        ("Бондаренко Павел Игоревич", (None, "m", "m")),
        ("Шевченко Саша", (None, "m", None)),  # a diminutive the table knows
        ("Алиев Рамиз Гейдар огли", ("m", None, "m")),
    ],
)
def test_each_part_tells_the_sex_it_can(name: str, told: tuple[str | None, ...]) -> None:
    n = normalise_person_name(name)
    parts = (n.family, "family"), (n.given, "given"), (n.patronymic, "patronymic")
    assert tuple(part_sex(p, role) for p, role in parts) == told  # type: ignore[arg-type]


sexes = st.sampled_from([None, "m", "f"])


@given(st.lists(sexes, min_size=1, max_size=4))
def test_evidence_counts_agreeing_witnesses_and_is_unsure_when_they_disagree(
    told: list[str | None],
) -> None:
    sex, count = sex_evidence(*told)
    said = {s for s in told if s}
    if len(said) > 1:
        assert (sex, count) == (told[0], 0)
    elif said:
        assert sex in said and count == sum(s is not None for s in told)
    else:
        assert (sex, count) == (None, 0)
