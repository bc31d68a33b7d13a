"""The mediator's batches, board, roadmap and exceptions through the pages: the planner's
proposal with every candidate's reason planned only on the mediator's word, handovers moved
from the board, a commitment rated, an exception named as its holder wrote it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from parley.app import status
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from tests.unit.web.test_queue import csrf


def _batches(ledger: Ledger) -> set[str]:
    data = status.summary(ledger)
    return {
        b["id"]
        for a in data["agreements"]
        for ph in a["phases"]
        for c in ph["commitments"]
        for b in c.get("batches", [])
    }


def test_the_planners_proposal_is_shown_then_planned_on_the_mediators_word(
    instance: tuple[Ledger, DeskAccess], desk: TestClient
) -> None:
    ledger, _ = instance
    page = desk.get("/desk/batches").text
    assert "Batch B1" in page and "Plan the next batch" in page
    proposal = desk.post("/desk/batches/proposal", data={"csrf": csrf(page), "commitment": "AG-EX"})
    assert proposal.status_code == 200, proposal.text
    assert "Вишинський Кирило" in proposal.text  # RU's r0, the one candidate left
    assert "(Vyshynskyi Kyrylo)" in proposal.text
    assert _batches(ledger) == {"B1"}  # nothing planned by looking
    planned = desk.post(
        "/desk/batches",
        data={
            "csrf": csrf(page),
            "commitment": "AG-EX",
            "batch_id": "B2",
            "place": "Border crossing",
            "planned_date": "2026-06-01",
        },
        follow_redirects=False,
    )
    assert planned.status_code == 303, planned.text
    assert planned.headers["location"] == "/desk/batches/B2"
    assert _batches(ledger) == {"B1", "B2"}


def test_the_board_moves_the_ticked_persons_and_names_them(
    instance: tuple[Ledger, DeskAccess], desk: TestClient
) -> None:
    ledger, _ = instance
    board = desk.get("/desk/batches/B1").text
    assert "Вышинский Кирилл" in board and "(Vyshinskiy Kirill)" in board
    moved = desk.post(
        "/desk/batches/B1/moves",
        data={"csrf": csrf(board), "person": ["UA/u0", "RU/r1"], "to": "located"},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    board = desk.get("/desk/batches/B1").text
    assert board.count('<td class="state">located') == 2
    wrong = desk.post(
        "/desk/batches/B1/moves",
        data={"csrf": csrf(board), "person": ["UA/u0"], "to": "received"},
    )
    assert wrong.status_code == 403  # the receiving side's step, not the mediator's
    disputed = desk.post(
        "/desk/batches/B1/moves",
        data={"csrf": csrf(board), "person": ["RU/r1"], "to": "disputed", "note": "n"},
        follow_redirects=False,
    )
    assert disputed.status_code == 303
    exceptions = desk.get("/desk/exceptions").text
    assert "Коваль Петро" in exceptions and "(Koval Petro)" in exceptions
    assert "disputed" in exceptions
    assert status.summary(ledger)["exceptions"][0]["person"] == "RU/r1"


def test_a_commitment_is_rated_with_a_note(
    instance: tuple[Ledger, DeskAccess], desk: TestClient
) -> None:
    ledger, _ = instance
    page = desk.get("/desk/roadmap").text
    rated = desk.post(
        "/desk/roadmap/ratings",
        data={"csrf": csrf(page), "commitment": "AG-DIS", "rating": "1", "note": "begun"},
        follow_redirects=False,
    )
    assert rated.status_code == 303, rated.text
    commitment = next(
        c
        for a in status.summary(ledger)["agreements"]
        for ph in a["phases"]
        for c in ph["commitments"]
        if c["id"] == "AG-DIS"
    )
    assert (commitment["status"], commitment["note"]) == (1, "begun")
    assert "minimal" in desk.get("/desk/roadmap").text
