"""Relatives are other people: the link says why in words, and does not link them."""

from __future__ import annotations

from parley.linkage import LinkageRecord, link
from tests.unit.linkage.cross_script import cross_script_lists


def test_a_twin_and_a_sister_are_not_linked_and_the_reasons_are_said() -> None:
    left, right = cross_script_lists()
    left += [
        LinkageRecord("oleh", "Бондаренко", "Олег", "Ігорович", birth_date="1984-05-17"),
        LinkageRecord("kyrylo", "Вишинський", "Кирило", "Валерійович", birth_date="1981"),
    ]
    right += [
        LinkageRecord("twin", full_name="Бондаренко Павел Игоревич", birth_date="1984-05-17"),
        LinkageRecord("sister", "Вышинская", "Елена", "Валерьевна", birth_date="1979"),
    ]
    linked = {(lk.left_id, lk.right_id) for lk in link(left, right).links}
    assert not {("oleh", "twin"), ("kyrylo", "sister")} & linked
    # Asked for every pair however unlikely, the explanations say why.
    said = {(lk.left_id, lk.right_id): lk for lk in link(left, right, threshold=1e-9).links}
    twin, sister = said[("oleh", "twin")], said[("kyrylo", "sister")]
    assert twin.match_probability < 0.5 and sister.match_probability < 0.5
    assert "given name: different given names" in twin.explanation
    assert "олег / павел — a brother or a twin?" in twin.explanation
    assert "sex: a man and a woman" in sister.explanation
