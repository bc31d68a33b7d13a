"""The reconciliation queue: pairs side by side in their scripts with a transliteration, the
score and its words; one decision, the ticked ones, and a bulk decision counted first."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from parley.app import reconcile
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger


def csrf(page: str) -> str:
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert found is not None
    return found.group(1)


def states(ledger: Ledger) -> dict[str, str]:
    return {m["match_id"]: m["state"] for m in reconcile.matches(ledger, actor="MED")}


def test_pairs_side_by_side_with_transliteration(desk: TestClient) -> None:
    page = desk.get("/desk/queue")
    assert page.status_code == 200
    text = page.text
    assert "Вышинский Кирилл" in text and "(Vyshinskiy Kirill)" in text
    assert "Вишинський Кирило" in text and "(Vyshynskyi Kyrylo)" in text
    assert "97%" in text and "91%" in text
    assert text.index("97%") < text.index("91%") < text.index("42%")  # surest first
    assert "names agree across scripts" in text


def test_one_pair_confirmed_and_the_ticked_ones_rejected(
    instance: tuple[Ledger, DeskAccess], desk: TestClient
) -> None:
    ledger, _ = instance
    page = desk.get("/desk/queue").text
    mids = sorted(states(ledger))
    first = next(m for m in mids if "s0" in m)
    reply = desk.post(
        "/desk/queue/decisions",
        data={"csrf": csrf(page), "confirm_one": first, "state": "proposed"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    assert "done=1" in reply.headers["location"]
    assert states(ledger)[first] == "confirmed"
    rest = [m for m in mids if m != first]
    reply = desk.post(
        "/desk/queue/decisions",
        data={"csrf": csrf(page), "mid": rest, "decision": "reject"},
        follow_redirects=False,
    )
    assert reply.status_code == 303
    assert {states(ledger)[m] for m in rest} == {"rejected"}
    again = desk.post("/desk/queue/decisions", data={"csrf": csrf(page), "confirm_one": first})
    assert again.status_code == 409
    assert "already confirmed" in again.text


def test_bulk_decision_shows_the_count_first_and_decides_that_many(
    instance: tuple[Ledger, DeskAccess], desk: TestClient
) -> None:
    ledger, _ = instance
    token = csrf(desk.get("/desk/queue").text)
    preview = desk.post(
        "/desk/queue/bulk-preview",
        data={"csrf": token, "min_score": "90", "decision": "confirm"},
    )
    assert preview.status_code == 200
    assert "2 proposals score 90% or more" in preview.text
    assert set(states(ledger).values()) == {"proposed"}  # nothing decided by counting
    stale = desk.post(
        "/desk/queue/bulk",
        data={"csrf": token, "min_score": "0.9", "decision": "confirm", "expected": "3"},
    )
    assert stale.status_code == 409
    assert set(states(ledger).values()) == {"proposed"}
    done = desk.post(
        "/desk/queue/bulk",
        data={"csrf": token, "min_score": "0.9", "decision": "confirm", "expected": "2"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert sorted(states(ledger).values()) == ["confirmed", "confirmed", "proposed"]


def test_a_side_cannot_read_the_queue(browser: TestClient) -> None:
    from parley.web.state import WebState

    state: WebState = browser.app.state.web  # type: ignore[attr-defined]
    sid = state.sessions.open("UA", "side")
    browser.cookies.set("parley_session", sid)
    page = browser.get("/desk/queue")
    assert page.status_code == 403
    assert "Вышинский" not in page.text


def test_a_confirmation_is_undone_by_a_recorded_reversal(
    instance: tuple[Ledger, DeskAccess], desk: TestClient
) -> None:
    ledger, _ = instance
    first = next(m for m in states(ledger) if "s0" in m)
    token = csrf(desk.get("/desk/queue").text)
    desk.post("/desk/queue/decisions", data={"csrf": token, "confirm_one": first})
    confirmed = desk.get("/desk/queue?state=confirmed").text
    assert "Undo a confirmation" in confirmed and 'action="/desk/queue/reversals"' in confirmed
    no_reason = desk.post("/desk/queue/reversals", data={"csrf": token, "mid": first})
    assert no_reason.status_code == 409
    assert states(ledger)[first] == "confirmed"
    done = desk.post(
        "/desk/queue/reversals",
        data={"csrf": token, "mid": first, "reason": "two brothers, not one man"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert states(ledger)[first] == "reversed"
    shown = desk.get("/desk/queue?state=reversed").text
    assert "Вышинский Кирилл" in shown
