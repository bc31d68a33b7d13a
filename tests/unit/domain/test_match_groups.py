"""An ambiguous group's resolution as a state machine: the chosen candidates confirmed, every
other open one rejected, nothing else touched; a choice that names a record twice, a candidate
outside the group or a resolved group is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.domain.errors import Conflict, DomainError, NotFound
from parley.domain.matches import MatchState, RecordRef, group_decisions, group_id, match_id

Candidates = dict[str, tuple[RecordRef, RecordRef, MatchState]]
_STATES = st.sampled_from([MatchState.AMBIGUOUS] * 3 + [MatchState.REJECTED, MatchState.CONFIRMED])


@st.composite
def groups(draw: st.DrawFn) -> tuple[Candidates, list[str]]:
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, 2), st.integers(0, 3)), min_size=1, max_size=6, unique=True
        )
    )
    candidates: Candidates = {}
    for a, b in pairs:
        left, right = RecordRef("RU:sought", f"s{a}"), RecordRef("UA:held", f"h{b}")
        candidates[match_id(left, right)] = (left, right, draw(_STATES))
    chosen = draw(st.lists(st.sampled_from(sorted(candidates)), max_size=3, unique=True))
    return candidates, chosen


@given(groups())
def test_a_choice_confirms_the_chosen_and_rejects_the_other_open_candidates(
    drawn: tuple[Candidates, list[str]],
) -> None:
    candidates, chosen = drawn
    open_ = {m for m, (_, _, s) in candidates.items() if s is MatchState.AMBIGUOUS}
    joined = {r for _, (a, b, s) in candidates.items() if s is MatchState.CONFIRMED for r in (a, b)}
    refs = [ref for m in chosen for ref in candidates[m][:2]]
    try:
        decided = dict(group_decisions("A-1", candidates, chosen))
    except Conflict:  # a resolved group, or a record a confirmed candidate names
        assert not open_ or set(refs) & joined
        return
    except DomainError:
        assert set(chosen) - open_ or len(refs) != len(set(refs))
        return
    assert open_ and set(chosen) <= open_ and len(refs) == len(set(refs))
    assert not set(refs) & joined
    assert set(decided) == open_  # a decided candidate is never decided again
    assert {m for m, s in decided.items() if s is MatchState.CONFIRMED} == set(chosen)
    assert {m for m, s in decided.items() if s is MatchState.REJECTED} == open_ - set(chosen)


def test_refusals_name_the_group_and_the_candidate() -> None:
    a, x, y = RecordRef("RU:sought", "a"), RecordRef("UA:held", "x"), RecordRef("UA:held", "y")
    ax, ay = match_id(a, x), match_id(a, y)
    open_ = {ax: (a, x, MatchState.AMBIGUOUS), ay: (a, y, MatchState.AMBIGUOUS)}
    with pytest.raises(NotFound, match="no ambiguous group A-9"):
        group_decisions("A-9", {}, [])
    with pytest.raises(DomainError, match=f"{ax} and {ay} both name RU:sought/a"):
        group_decisions("A-1", open_, [ax, ay])
    with pytest.raises(DomainError, match="is not an open candidate of ambiguous group A-1"):
        group_decisions("A-1", open_, ["nope"])
    done = {k: (v[0], v[1], MatchState.REJECTED) for k, v in open_.items()}
    with pytest.raises(Conflict, match="already resolved"):
        group_decisions("A-1", done, [])
    assert group_decisions("A-1", open_, []) == [
        (ax, MatchState.REJECTED),
        (ay, MatchState.REJECTED),
    ]


def test_a_group_id_depends_on_its_candidates_only() -> None:
    assert group_id(["b", "a"]) == group_id(["a", "b"]) != group_id(["a", "c"])
    assert group_id(["a"]).startswith("A-") and len(group_id(["a"])) == 14
