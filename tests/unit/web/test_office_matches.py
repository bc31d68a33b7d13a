"""A side's matches page names its own person (in the script recorded, with a transliteration)
and says the roster kinds in the reader's language; the other side's record stays a reference
(no spelling, birth or capture date of another compartment)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from parley.app import reconcile
from parley.app.desk_access import DeskAccess
from parley.app.ledger import Ledger
from parley.domain.matches import MatchState
from parley.log.command import command_body


def _office_sign_in(client: TestClient, ledger: Ledger, party: str) -> None:
    body = command_body({"party": party})
    signed = ledger.keys.sign_command(party, "POST", "/office/sign-in", body)
    reply = client.post(
        "/office/sign-in",
        content=body,
        headers={
            "Content-Digest": signed.content_digest,
            "Signature-Input": signed.signature_input(),
            "Signature": signed.signature_field(),
            "Content-Type": "application/json",
        },
    )
    assert reply.status_code == 200, reply.text
    assert json.loads(reply.text)["party"] == party


def _confirm(ledger: Ledger, left: str, right: str) -> None:
    for m in reconcile.matches(ledger, actor="MED"):
        if m["left"] == left and m["right"] == right:
            reconcile.decide_match(
                ledger, actor="MED", mid=m["match_id"], state=MatchState.CONFIRMED
            )
            return
    raise AssertionError(f"no proposal {left} ↔ {right}")


@pytest.mark.parametrize(
    ("party", "lang", "own", "own_latin", "other", "kinds"),
    [
        (
            "RU",
            "ru",
            "Коваль Петро",
            "Koval Petro",
            "Пётр",
            ("UA · разыскиваемые · s1", "RU · содержащиеся"),
        ),
        ("UA", "uk", "Коваль Пётр", "Koval", "Петро", ("UA · розшукувані", "RU · утримувані · r1")),
    ],
)
def test_a_side_sees_its_own_person_by_name_and_the_roster_kinds_in_its_language(
    instance: tuple[Ledger, DeskAccess],
    browser: TestClient,
    party: str,
    lang: str,
    own: str,
    own_latin: str,
    other: str,
    kinds: tuple[str, str],
) -> None:
    ledger, _ = instance
    _confirm(ledger, "UA:sought/s1", "RU:held/r1")
    _office_sign_in(browser, ledger, party)
    html = browser.get("/office/matches", headers={"Accept-Language": lang}).text
    assert own in html
    assert own_latin in html
    assert other not in html  # the other side's spelling stays in its compartment
    for said in kinds:
        assert said in html
    assert "sought/" not in html and "held/" not in html
    assert ">sought<" not in html and " held " not in html
