"""The desk served by several worker processes (`parley serve --workers`): each builds its own app
over the secret the supervisor wrote, and a browser's requests land on any of them. A sign-in link
works once whichever worker redeems it; a session opened by one is read by the others, and ends
for all at sign-out; a form token one worker signed is taken by another; a restart (a new secret)
ends every session."""

from __future__ import annotations

from fastapi.testclient import TestClient

from parley.api.app import create_app
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from tests.unit.web.conftest import BASE
from tests.unit.web.test_queue import csrf


def test_the_desk_is_one_across_workers(instance: tuple[Ledger, DeskAccess]) -> None:
    ledger, started = instance
    workers = [create_app(ledger, desk=DeskAccess.load(started.folder)) for _ in range(2)]
    first, second = (TestClient(w, base_url=BASE) for w in workers)

    link = started.link(ledger, party_id="MED").removeprefix(BASE)
    assert first.get(link, follow_redirects=False).status_code == 303
    used = TestClient(workers[1], base_url=BASE).get(link, follow_redirects=False)
    assert used.status_code == 403 and "already used" in used.text

    second.cookies = first.cookies  # the same browser, its next request on the other worker
    assert second.get("/desk/queue").status_code == 200
    page = first.get("/desk/queue").text
    out = second.post("/sign-out", data={"csrf": csrf(page)}, follow_redirects=False)
    assert out.status_code == 303  # the token the first worker signed holds on the second
    first.cookies = second.cookies
    assert first.get("/desk/queue").status_code == 401  # signed out on every worker

    link = started.link(ledger, party_id="MED").removeprefix(BASE)
    assert second.get(link, follow_redirects=False).status_code == 303
    assert second.get("/desk/queue").status_code == 200
    DeskAccess.start(started.folder, BASE)  # a restart of the server
    assert second.get("/desk/queue").status_code == 401
