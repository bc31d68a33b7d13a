"""The planner's reasons and a match's words on the mediator's pages in the reader's language:
each a template with named fields said through the catalogs, its fields filled, no English
word of ours left (names, ids and numbers stay as they are)."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from parley.app import match_groups, reconcile
from parley.app.desk_access import DeskAccess
from parley.app.language import refusal, translations
from parley.app.ledger import Ledger
from parley.domain.dates import parse_written_date
from parley.names import compare_names
from tests.unit.web.conftest import H, S
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
    assert {
        "uk": "У поясненнях сторона A — це UA, сторона B — RU.",
        "ru": "В пояснениях сторона A — это UA, сторона B — RU.",
        "en": "In the reasons, side A is UA and side B is RU.",
    }[locale] in page
    page = _proposal(desk, locale, batch_size="0")  # nobody has a place: the reason says why
    assert _texts(page, "why") == [left_out]
    if locale != "en":
        for text in (picked, summary, left_out):
            assert ENGLISH.search(text) is None, text


# The pair s0/r0 in each language: the basis the log keeps quoted as recorded (the fixture's
# own words), then both records compared in the reader's words, the names as written.
COMPARED = {
    "uk": (
        "як знайдено (запис журналу): names agree across scripts;"
        " прізвище вышинский ~ вишинський: збігається після транслітерації (1,00);"
        " ім'я кирилл ~ кирило: те саме ім'я (Кирило) (1,00);"
        " особистий номер 12 / 12 збігається (Вышинский Кирилл / Вишинський Кирило)"
    ),
    "ru": (
        "как найдено (запись журнала): names agree across scripts;"
        " фамилия вышинский ~ вишинський: совпадает после транслитерации (1,00);"
        " имя кирилл ~ кирило: то же имя (Кирило) (1,00);"
        " личный номер 12 / 12 совпадает (Вышинский Кирилл / Вишинський Кирило)"
    ),
    "en": (
        "names agree across scripts;"
        " family name вышинский ~ вишинський: same once transliterated (1.00);"
        " given name кирилл ~ кирило: same given name (Кирило) (1.00);"
        " service number 12 / 12 agrees (Вышинский Кирилл / Вишинський Кирило)"
    ),
}


@pytest.mark.parametrize("locale", ["uk", "ru", "en"])
def test_a_matchs_words_in_the_readers_language(desk: TestClient, locale: str) -> None:
    page = desk.get("/desk/queue", headers={"accept-language": locale}).text
    said = _texts(page, "explanation")
    assert said[0] == COMPARED[locale]
    if locale != "en":
        for text, basis in zip(
            said[:2], ("names agree across scripts", "names agree"), strict=True
        ):
            assert basis in text  # the log's words, quoted as recorded
            assert ENGLISH.search(text.replace(basis, "")) is None, text


def test_a_groups_candidates_in_the_readers_language(
    instance: tuple[Ledger, DeskAccess], desk: TestClient
) -> None:
    ledger, _ = instance
    among = [  # as test_queue_groups records one: s0 too close to call between r1 and r2
        reconcile.Candidate(S("s0"), H("r1"), 0.62, "", "record linkage"),
        reconcile.Candidate(S("s0"), H("r2"), 0.58, "", "record linkage"),
    ]
    match_groups.record_groups(
        ledger, actor="MED", sought="UA:sought", held="RU:held", clear=[], ambiguous={"1": among}
    )
    said = {
        locale: _texts(
            desk.get("/desk/queue?state=ambiguous", headers={"accept-language": locale}).text,
            "explanation",
        )
        for locale in ("uk", "ru")
    }
    assert said["uk"][0] == (
        "як знайдено (запис журналу): record linkage; прізвище вышинский ~ коваль: написано"
        " інакше (0,23); ім'я кирилл ~ петро: різні імена (0,23) (Вышинский Кирилл / Коваль Петро)"
    )
    assert said["ru"][0] == (
        "как найдено (запись журнала): record linkage; фамилия вышинский ~ коваль: написано"
        " иначе (0,23); имя кирилл ~ петро: разные имена (0,23) (Вышинский Кирилл / Коваль Петро)"
    )
    assert len(said["uk"]) == len(said["ru"]) == 2  # the hostile r2's words quote its markup
    assert "прізвище та ім'я переставлено" in said["uk"][1]


def test_the_words_say_every_reason_and_date_agreement_the_comparisons_write() -> None:
    """Each word a name comparison or a birth-date comparison writes is in the catalogs, said
    otherwise in uk and ru; a comparison's English is `explain`'s, word for word."""
    from parley.linkage.search import date_agreement

    spoken = [
        compare_names(a, b)
        for a, b in (
            ("Коваль Олег Іванович", "Koval Oleh Ivanovych"),
            ("Коваль Олег Павлович", "Коваль Павло Олегович"),
            ("Шевченко Марія", "Шевчук Іван"),
            ("Коваленко О.", "Коваленко Олег"),
            ("Петренко Сашко", "Petrenko Oleksandr"),
        )
    ]
    dates = [
        date_agreement(parse_written_date(a), parse_written_date(b))
        for a, b in (
            ("1979-03-14", "1979-03-14"),
            ("1979-03-14", "1979-03-15"),
            ("1979-03-14", "1979-14-03"),
            ("1979-03-14", "1979-05-14"),
            ("1979-03-14", "1980-03-14"),
            ("1979-03-14", "1990-01-01"),
            ("1979", "1979-03-14"),
            ("1979-03", "1979-03-14"),
        )
    ]
    for locale in ("uk", "ru"):
        catalog = translations(locale)
        for c in spoken:
            assert str(c.said()) == c.explain()
            for word in [p.reason for p in c.parts if not p.group] + list(c.notes):
                assert catalog.gettext(word) != word, word
            said = refusal(c.said(), locale)
            assert ENGLISH.search(re.sub(r"\S+ ~ \S+:", ":", said)) is None, said
        for found in dates:
            assert found is not None
            assert catalog.gettext(found[1]) != found[1], found[1]


def test_the_roadmap_says_an_agreements_status_in_the_readers_language(desk: TestClient) -> None:
    said = {
        locale: desk.get("/desk/roadmap", headers={"accept-language": locale}).text
        for locale in ("uk", "ru", "en")
    }
    assert '<span class="muted">засвідчено посередником · версія 1</span>' in said["uk"]
    assert "witnessed" not in said["uk"] and "witnessed" not in said["ru"]
    assert '<span class="muted">witnessed by the mediator · version 1</span>' in said["en"]


def test_a_basis_of_our_own_words_is_said_a_linkages_read_back() -> None:
    """The bases the passes write are words of the catalogs; the linkage's are read back by its
    comparisons and levels (app.linkage_words) and said too, a part not read back as written."""
    from parley.app.explanations import explained

    exact = explained("birth date and capture date agree exactly", None, None)
    assert str(exact) == (
        "birth date and capture date agree exactly; a record is erased: nothing of it is shown"
    )
    assert refusal(exact, "uk") == (
        "як знайдено (запис журналу): дата народження та дата потрапляння в полон точно"
        " збігаються; запис стерто: з нього нічого не показано"
    )
    linked = explained(
        "record linkage: family name: the same once transliterated (+9.1)", None, None
    )
    assert refusal(linked, "ru") == (
        "как найдено (запись журнала): сопоставление записей: фамилия: совпадает после"
        " транслитерации (+9.1); запись стёрта: из неё ничего не показано"
    )
    unknown = explained("record linkage: family name: the same (+9.1)", None, None)
    assert refusal(unknown, "ru") == (
        "как найдено (запись журнала): сопоставление записей: family name: the same (+9.1);"
        " запись стёрта: из неё ничего не показано"
    )
