"""The planner's reasons and a match's words on the mediator's pages in the reader's language:
each a template with named fields said through the catalogs, its fields filled, no English
word of ours left (names, ids and numbers stay as they are)."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from tests.unit.web.test_queue import csrf

# a word of two Latin letters or more: ours, in English (the sides are A and B, one letter)
ENGLISH = re.compile(r"[A-Za-z]{2,}")


def _texts(page: str, klass: str) -> list[str]:
    """The text of each element of `klass` (tags dropped, entities read)."""
    found = re.findall(rf'class="{klass}"[^>]*>(.*?)</(?:td|p)>', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", f)).strip() for f in found]


def _proposal(desk: TestClient, locale: str, batch_size: str = "") -> str:
    page = desk.get("/desk/batches", headers={"accept-language": locale}).text
    reply = desk.post(
        "/desk/batches/proposal",
        data={"csrf": csrf(page), "commitment": "AG-EX", "batch_size": batch_size},
        headers={"accept-language": locale},
    )
    assert reply.status_code == 200, reply.text
    return reply.text


SAID = {
    "uk": (
        "у партії: за пріоритетом — місце 1 серед кандидатів сторони B"
        " (усього 1; дата потрапляння в полон невідома, інше)",
        "сторона A звільняє: 0; сторона B звільняє: 1;"
        " на етапі після цієї партії: A 0, B 1 (всіх на всіх)",
        "поза партією: партію сторони B (розмір — 0) заповнено; місця посіли: ніхто"
        " (ця особа: дата потрапляння в полон невідома, інше; у партії нікого немає)",
    ),
    "ru": (
        "в партии: по приоритету — место 1 среди кандидатов стороны B"
        " (всего 1; дата пленения неизвестна, другое)",
        "сторона A освобождает: 0; сторона B освобождает: 1;"
        " на этапе после этой партии: A 0, B 1 (всех на всех)",
        "вне партии: партия стороны B (размер — 0) заполнена; места заняли: никто"
        " (это лицо: дата пленения неизвестна, другое; в партии никого нет)",
    ),
    "en": (
        "in: priority — rank 1 of side B's 1 candidates (capture date unknown, other)",
        "side A releases 0; side B releases 1; phase after: A 0, B 1 (all for all)",
        "out: side B's 0-person batch is full of no persons"
        " (this person: capture date unknown, other; nobody is in)",
    ),
}


@pytest.mark.parametrize("locale", ["uk", "ru", "en"])
def test_the_planners_reasons_in_the_readers_language(desk: TestClient, locale: str) -> None:
    picked, summary, left_out = SAID[locale]
    page = _proposal(desk, locale)
    assert _texts(page, "why") == [picked]
    assert _texts(page, "summary") == [summary]
    page = _proposal(desk, locale, batch_size="0")  # nobody has a place: the reason says why
    assert _texts(page, "why") == [left_out]
    if locale != "en":
        for text in (picked, summary, left_out):
            assert ENGLISH.search(text) is None, text
