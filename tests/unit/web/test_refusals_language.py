"""A refusal the app raises reaches the page in the reader's language: its sentence from the
catalog, its fields (parties, persons, states) filled in, a state named in that language too."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.unit.web.test_queue import csrf


def _refused_move(desk: TestClient, language: str) -> tuple[int, str]:
    board = desk.get("/desk/batches/B1").text
    wrong = desk.post(
        "/desk/batches/B1/moves",
        data={"csrf": csrf(board), "person": ["UA/u0"], "to": "received"},
        headers={"accept-language": language},
    )
    return wrong.status_code, wrong.text


def test_a_refused_move_is_said_in_ukrainian_and_russian(desk: TestClient) -> None:
    status, page = _refused_move(desk, "uk")
    assert status == 403
    assert (
        "Учасник MED не може перевести передачу до стану «прийнято»: це може лише сторона, що приймає"
    ) in page
    status, page = _refused_move(desk, "ru-RU,ru;q=0.9")
    assert status == 403
    assert (
        "Участник MED не может перевести передачу в состояние «принято»: это может только"
        " принимающая сторона"
    ) in page
    status, page = _refused_move(desk, "en")
    assert "MED may not move a handover to received: only the receiving side may" in page


def test_a_step_the_state_forbids_is_said_in_ukrainian_and_russian(desk: TestClient) -> None:
    page = desk.get("/desk/batches").text
    said = {}
    for language in ("uk", "ru", "en"):
        again = desk.post(  # batch B1 is planned already
            "/desk/batches",
            data={
                "csrf": csrf(page),
                "commitment": "AG-EX",
                "batch_id": "B1",
                "place": "Border crossing",
                "planned_date": "2026-06-01",
            },
            headers={"accept-language": language},
        )
        assert again.status_code == 409
        said[language] = again.text
    assert "партія B1 уже існує" in said["uk"]
    assert "партия B1 уже существует" in said["ru"]
    assert "batch B1 already exists" in said["en"]
