"""A batch planned with no date (or no place) is listed without an empty slot between the
separators: "Партия B1 · x · запланирована", not "Партия B1 · x · · …"."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("path", ["/desk/batches", "/desk/batches/B1"])
@pytest.mark.parametrize("lang", ["uk", "ru", "en"])
def test_no_empty_place_or_date_between_separators(desk: TestClient, path: str, lang: str) -> None:
    html = desk.get(path, headers={"Accept-Language": lang}).text
    text = _text(html)
    assert "x ·" in text  # B1's place, its date unset (tests/integration/helpers.plan_batch)
    assert "· ·" not in text
    assert "·  ·" not in html
