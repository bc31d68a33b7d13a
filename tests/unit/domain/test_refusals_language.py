"""The domain's refusals said in Ukrainian and Russian: a real refusal (an illegal handover
move, a batch that cannot close, an impossible date, a word no list knows) with its fields,
its states and its nested reasons translated."""

from __future__ import annotations

import pytest

from parley.app.language import refusal, translations
from parley.domain.agreements import PersonRef
from parley.domain.batches import STATUS_LABELS, new_batch
from parley.domain.dates import _MONTHS, PartialDate, parse_partial_date
from parley.domain.errors import Conflict, IllegalTransition, InvalidRecord
from parley.domain.handovers import STATE_LABELS, Handover, HandoverState
from parley.domain.persons import CATEGORY_WORDS, HEALTH_WORDS, SEX_WORDS, parse_health
from parley.errors import ParleyError

S = HandoverState


def _refused(move: object) -> ParleyError:
    with pytest.raises(ParleyError) as info:
        move()  # type: ignore[operator]
    return info.value


def test_an_illegal_handover_move_in_each_language_with_its_states() -> None:
    handover = Handover("B1", PersonRef("RU", "r1"), "UA", state=S.AGREED)
    error = _refused(lambda: handover.advance(S.TRANSFERRED))
    assert isinstance(error, IllegalTransition)
    assert str(error) == (
        "RU/r1 in batch B1 cannot move to transferred: from agreed it can go to: cleared,"
        " deceased, disputed, not delivered, substituted."
    )
    assert refusal(error, "uk") == (
        "особа RU/r1 у партії B1 не може перейти до стану «передано»: зі стану «погоджено»"
        " можливий перехід до: допущено, помер, оскаржено, не доставлено, замінено."
    )
    assert refusal(error, "ru") == (
        "лицо RU/r1 в партии B1 не может перейти в состояние «передано»: из состояния"
        " «согласовано» возможен переход в: допущено, умер, оспорено, не доставлено, заменено."
    )
    assert refusal(error, "en") == str(error)


def test_a_refusal_says_a_state_as_the_pages_and_papers_show_it() -> None:
    handover = Handover("B1", PersonRef("RU", "r1"), "UA", state=S.CONSENT_VERIFIED)
    error = _refused(lambda: handover.advance(S.RELEASED_TO_THIRD_STATE))
    assert str(error) == (
        "RU/r1 in batch B1 cannot move to released to a third state: from consent verified it"
        " can go to: deceased, disputed, not delivered, substituted, transferred."
    )
    gone = Handover("B1", PersonRef("RU", "r1"), "UA", state=S.NOT_DELIVERED)
    assert str(_refused(gone.withdraw)).endswith("cannot be withdrawn: already not delivered")
    assert refusal(_refused(gone.withdraw), "uk").endswith("«не доставлено»")


def test_a_batch_that_cannot_close_names_who_is_pending_in_the_readers_words() -> None:
    batch = new_batch("B7", "AG", "P1", "C1", "Gate", None, [(PersonRef("RU", "r1"), "UA")])
    error = _refused(batch.close)
    assert isinstance(error, Conflict)
    assert str(error) == (
        "batch B7 cannot close: 1 persons are not in a final state: RU/r1 (requested)"
    )
    assert refusal(error, "uk") == (
        "партію B7 не можна закрити: осіб, які не перебувають у кінцевому стані: 1:"
        " RU/r1 (запитано)"
    )
    assert refusal(error, "ru").endswith("RU/r1 (запрошено)")


def test_an_impossible_date_nests_in_the_fields_refusal() -> None:
    error = _refused(lambda: parse_partial_date("birth_date", "30.02.1961"))
    assert isinstance(error, InvalidRecord)
    assert str(error) == "birth_date: day 30 does not exist in February 1961"
    assert refusal(error, "uk") == "birth_date: у лютому 1961 р. немає 30-го числа"
    assert refusal(error, "ru") == "birth_date: в феврале 1961 г. нет 30-го числа"
    assert isinstance(_refused(lambda: PartialDate(1961, 13)), ValueError)  # as before


def test_a_word_no_list_knows_lists_the_accepted_ones_in_the_readers_language() -> None:
    error = _refused(lambda: parse_health("космонавт"))
    assert refusal(error, "uk") == (
        "health: 'космонавт' не є допустимим значенням; допустимі значення: здоровий, хворий,"
        " поранений, важкопоранений, невідомо"
    )
    assert refusal(error, "ru").endswith("здоров, больной, раненый, тяжелораненый, неизвестно")
    said_in_uk = _refused(lambda: parse_health("космонавт", "uk"))
    assert refusal(said_in_uk, "uk") == (
        "health: 'космонавт' не є допустимим значенням (допустимі значення: здоровий, хворий,"
        " поранений, важкопоранений, невідомо; англійською: fit, sick, wounded, seriously"
        " wounded or sick, unknown)"
    )


@pytest.mark.parametrize("locale", ["uk", "ru"])
def test_the_catalogs_translate_each_listed_word_as_the_words_of_the_list(locale: str) -> None:
    gettext = translations(locale).gettext
    for words in (CATEGORY_WORDS, HEALTH_WORDS, SEX_WORDS):
        assert [gettext(w) for w in words.shown("en")] == words.shown(locale)
    for word in (*STATE_LABELS.values(), *STATUS_LABELS.values(), *_MONTHS):
        assert gettext(word) != word, word
