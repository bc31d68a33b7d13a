"""Ambiguous groups in the mediator's queue: the record the group is about, then each candidate
side by side in its script with a transliteration, its dates, score and words; the mediator
ticks one (the others are rejected) or rejects them all; a side sees no group."""

from __future__ import annotations

from fastapi.testclient import TestClient

from parley.app import match_groups, reconcile
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.matches import match_id
from tests.unit.web.conftest import XSS, H, S
from tests.unit.web.test_queue import csrf, states

FIRST, SECOND = match_id(S("s0"), H("r1")), match_id(S("s0"), H("r2"))


def _group(ledger: Ledger) -> str:
    """One group as a reconciliation records it: s0 too close to call between r1 and r2."""
    among = [
        reconcile.Candidate(S("s0"), H("r1"), 0.62, "", "record linkage: names agree"),
        reconcile.Candidate(S("s0"), H("r2"), 0.58, "", "record linkage: names agree"),
    ]
    outcome = match_groups.record_groups(
        ledger, actor="MED", sought="UA:sought", held="RU:held", clear=[], ambiguous={"1": among}
    )
    (group,) = outcome.formed
    return group


def test_the_group_side_by_side(instance: tuple[Ledger, DeskAccess], desk: TestClient) -> None:
    ledger, _ = instance
    group = _group(ledger)
    page = desk.get("/desk/queue?state=ambiguous")
    assert page.status_code == 200
    text = page.text
    assert group in text and "Too close to tell apart: 2 candidates" in text
    # the sought record once, then both candidates, in their scripts with a transliteration
    assert text.count('lang="und-Cyrl">Вышинский Кирилл<') == 1 and "(Vyshinskiy Kirill)" in text
    assert "(Вышинский Кирилл / Коваль Петро)" in text  # the words compare both as written
    assert "Коваль Петро" in text and "(Koval Petro)" in text
    assert text.index("62%") < text.index("58%")  # the likeliest first
    assert "names agree" in text
    # what sets the candidates apart: the held records' names, part by part
    assert "What sets the candidates apart" in text
    assert "Family name: Коваль / &lt;img" in text
    assert XSS[1] not in text and "&lt;script&gt;" in text  # hostile markup shown as text
    assert text.count('type="radio" name="choose"') == 2
    # the tab counts the candidates waiting
    assert "Too close to tell apart (2)" in text
    # the pairs' own tab holds no group
    assert group not in desk.get("/desk/queue").text


def test_the_mediator_chooses_one(instance: tuple[Ledger, DeskAccess], desk: TestClient) -> None:
    ledger, _ = instance
    group = _group(ledger)
    token = csrf(desk.get("/desk/queue?state=ambiguous").text)
    none_ticked = desk.post(
        "/desk/queue/groups", data={"csrf": token, "group": group, "decision": "choose"}
    )
    assert none_ticked.status_code == 409 and "tick the candidate" in none_ticked.text
    reply = desk.post(
        "/desk/queue/groups",
        data={
            "csrf": token,
            "group": group,
            "choose": FIRST,
            "decision": "choose",
            "state": "ambiguous",
        },
        follow_redirects=False,
    )
    assert reply.status_code == 303
    assert "done=2" in reply.headers["location"] and "state=ambiguous" in reply.headers["location"]
    assert (states(ledger)[FIRST], states(ledger)[SECOND]) == ("confirmed", "rejected")
    assert "Nothing here." in desk.get("/desk/queue?state=ambiguous").text
    again = desk.post(
        "/desk/queue/groups", data={"csrf": token, "group": group, "decision": "none"}
    )
    assert again.status_code == 409 and "already resolved" in again.text


def test_none_of_them(instance: tuple[Ledger, DeskAccess], desk: TestClient) -> None:
    ledger, _ = instance
    group = _group(ledger)
    token = csrf(desk.get("/desk/queue?state=ambiguous").text)
    reply = desk.post(
        "/desk/queue/groups",
        data={"csrf": token, "group": group, "choose": FIRST, "decision": "none"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    assert (states(ledger)[FIRST], states(ledger)[SECOND]) == ("rejected", "rejected")


def test_no_group_without_signing_in(
    instance: tuple[Ledger, DeskAccess], browser: TestClient
) -> None:
    ledger, _ = instance
    group = _group(ledger)
    page = browser.get("/desk/queue?state=ambiguous", follow_redirects=False)
    assert page.status_code in (302, 303, 401, 403) and group not in page.text
    reply = browser.post("/desk/queue/groups", data={"group": group, "choose": FIRST})
    assert reply.status_code in (400, 401, 403)
    assert states(ledger)[FIRST] == "ambiguous"
