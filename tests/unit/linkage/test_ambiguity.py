"""Each record's best candidate is its answer; candidates too close to tell apart are a group."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from parley.linkage.ambiguity import MARGIN, answers

CUT = 0.0


def _rows(pairs: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(pairs, columns=["record_id_l", "record_id_r", "match_weight"])


def _found(pairs: list[tuple[int, int, float]]) -> dict[tuple[int, int], int]:
    out = answers(_rows(pairs), CUT)
    return dict(
        zip(
            zip(out.left.tolist(), out.right.tolist(), strict=True), out.group.tolist(), strict=True
        )
    )


def test_a_far_better_candidate_leaves_the_namesake_out() -> None:
    found = _found([(0, 0, 20.0), (0, 1, 8.0), (1, 1, 3.0)])
    assert found == {(0, 0): -1, (1, 1): -1}


def test_two_close_candidates_are_one_group_and_neither_is_linked() -> None:
    found = _found([(0, 0, 9.0), (0, 1, 8.0), (1, 2, 12.0)])
    assert found[(0, 0)] == found[(0, 1)] >= 0
    assert found[(1, 2)] == -1


def test_a_close_candidate_under_the_threshold_joins_the_group() -> None:
    found = _found([(0, 0, 1.0), (0, 1, -1.0)])
    assert found[(0, 0)] == found[(0, 1)] >= 0
    assert _found([(0, 0, -0.5), (0, 1, -1.0)]) == {}  # no candidate over the threshold


weights = st.floats(min_value=-8, max_value=30, allow_nan=False)
pairs = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6), weights), max_size=30)


@settings(max_examples=200, deadline=None)
@given(pairs)
def test_answers_are_one_to_one_or_grouped(drawn: list[tuple[int, int, float]]) -> None:
    unique = list({(a, b): (a, b, w) for a, b, w in drawn}.values())
    found = _found(unique)
    weight = {(a, b): w for a, b, w in unique}
    clear = [p for p, g in found.items() if g < 0]
    # A clear link is over the threshold and the only answer of both its records.
    assert all(weight[p] >= CUT for p in clear)
    for a, b in clear:
        assert [p for p in found if p[0] == a] == [(a, b)]
        assert [p for p in found if p[1] == b] == [(a, b)]
    # Answers that share a record are within the margin of each other.
    for a, b in found:
        assert weight[(a, b)] >= max(weight[p] for p in found if p[0] == a) - MARGIN
        assert weight[(a, b)] >= max(weight[p] for p in found if p[1] == b) - MARGIN
    # A pair over the threshold left out is far below another candidate of one of its
    # records, or beside a clear answer of one of them that the pairing of all settles.
    for (a, b), w in weight.items():
        if w >= CUT and (a, b) not in found:
            rivals = [v for (x, y), v in weight.items() if (x == a) != (y == b)]
            settled = [p for p in clear if (p[0] == a) != (p[1] == b)]
            assert w < max(rivals) - MARGIN or settled
    # A group has a candidate over the threshold.
    for g in {g for g in found.values() if g >= 0}:
        assert max(weight[p] for p, h in found.items() if h == g) >= CUT


def test_the_only_candidate_of_both_records_is_an_answer_under_the_threshold() -> None:
    rows = _rows([(0, 0, -1.5), (1, 1, -1.5), (1, 2, -4.0), (2, 3, -3.5)])
    out = answers(rows, CUT, lone=-2.0)
    pairs = zip(out.left.tolist(), out.right.tolist(), strict=True)
    found = dict(zip(pairs, out.group.tolist(), strict=True))
    # (1, 1) has a rival close enough to be the answer: a group; (2, 3) is alone but too weak.
    assert {p for p, g in found.items() if g < 0} == {(0, 0)}
    assert found[(1, 1)] == found[(1, 2)] >= 0 and (2, 3) not in found
    assert not len(answers(rows, CUT).left)


def test_a_rival_far_below_or_taken_by_its_own_record_leaves_a_candidate_alone() -> None:
    # (1, 2) is far below (1, 1): a namesake of record 1's answer, not a rival to it.
    rows = _rows([(1, 1, -1.5), (1, 2, -5.0)])
    out = answers(rows, CUT, lone=-2.0)
    assert set(zip(out.left.tolist(), out.right.tolist(), strict=True)) == {(1, 1)}
    # Record 3 has its own answer far better than (3, 0): (0, 0) stands alone.
    rows = _rows([(0, 0, -1.0), (3, 0, -1.2), (3, 3, 12.0)])
    out = answers(rows, CUT, lone=-2.0)
    pairs = zip(out.left.tolist(), out.right.tolist(), strict=True)
    assert dict(zip(pairs, out.group.tolist(), strict=True)) == {(0, 0): -1, (3, 3): -1}
    # Without `lone`, only the pair over the threshold.
    out = answers(rows, CUT)
    assert set(zip(out.left.tolist(), out.right.tolist(), strict=True)) == {(3, 3)}


def test_candidates_each_an_answer_alone_are_a_group_under_the_threshold() -> None:
    # Record 0 has two candidates either of which would be its answer alone: a group.
    rows = _rows([(0, 0, -1.0), (0, 1, -1.5), (2, 2, -3.0), (2, 3, -3.2)])
    out = answers(rows, CUT, lone=-2.0)
    pairs = zip(out.left.tolist(), out.right.tolist(), strict=True)
    found = dict(zip(pairs, out.group.tolist(), strict=True))
    assert found[(0, 0)] == found[(0, 1)] >= 0
    # Record 2's candidates are too weak even alone: not reported.
    assert (2, 2) not in found and (2, 3) not in found
    # Without `lone`, nothing under the threshold is reported.
    assert not len(answers(rows, CUT).left)


def test_a_rival_as_likely_another_records_is_settled_by_pairing_them_all() -> None:
    # Record 0's second candidate (record 1 of the right list) is as likely record 2's, and
    # record 2 has no other: 0 with 0 and 2 with 1 beat 0 with 1 and 2 unpaired by 5 bits.
    found = _found([(0, 0, 5.0), (0, 1, 3.0), (2, 1, 3.0)])
    assert found == {(0, 0): -1, (2, 1): -1}
    # The same under the threshold, as lone answers (`Башполченко` and his namesake).
    out = answers(_rows([(0, 0, 1.8), (0, 1, -0.5), (2, 1, -0.5)]), CUT, lone=-2.0)
    pairs = zip(out.left.tolist(), out.right.tolist(), strict=True)
    assert dict(zip(pairs, out.group.tolist(), strict=True)) == {(0, 0): -1, (2, 1): -1}


def test_a_tie_the_pairing_cannot_break_stays_a_group() -> None:
    # Three records of one name and one record that may be any of them: record 1 has its
    # own record, which settles it, but 0 and 2 stay a group.
    found = _found([(0, 0, 3.0), (1, 0, 3.0), (2, 0, 3.0), (1, 1, 3.0)])
    assert found[(1, 1)] == -1 and (1, 0) not in found
    assert found[(0, 0)] == found[(2, 0)] >= 0
    # A twin's record scores over his brother's own: the brother's record is no answer.
    found = _found([(0, 0, 13.4), (0, 1, 15.2)])
    assert found[(0, 0)] == found[(0, 1)] >= 0
