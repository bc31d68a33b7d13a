"""A refusal is an English template with named fields: `str` is the English sentence, and
`app.language.refusal` says it in Ukrainian or Russian from the catalogs, fields filled, a
nested refusal and a marked word translated too; its JSON form rebuilds it on a client."""

from __future__ import annotations

from parley.app.authz import Forbidden
from parley.app.language import refusal, translations
from parley.domain.errors import NotFound
from parley.errors import N_, ParleyError, Word, from_json, refusal_json, render

REGISTERED = N_("{party} is not a registered party")


def test_a_refusal_is_said_in_each_language_with_its_fields_filled() -> None:
    error = Forbidden(REGISTERED, party="UA-9")
    assert str(error) == "UA-9 is not a registered party"
    assert error.template == REGISTERED and error.params == {"party": "UA-9"}
    assert refusal(error, "en") == "UA-9 is not a registered party"
    assert refusal(error, "uk") == "UA-9 не є зареєстрованим учасником"
    assert refusal(error, "ru") == "UA-9 не является зарегистрированным участником"
    assert refusal(error, "de") == "UA-9 is not a registered party"  # not ours: English


def test_a_plain_sentence_and_braces_without_fields_are_kept_as_they_are() -> None:
    assert str(ParleyError("a {literal} brace")) == "a {literal} brace"
    assert refusal(ParleyError("a sentence no catalog holds"), "uk") == (
        "a sentence no catalog holds"
    )


def test_a_nested_refusal_and_a_marked_word_are_translated_the_rest_shown_as_given() -> None:
    def shout(text: str) -> str:
        return {"{why}: {state}": "{why} — {state}!", "requested": "ЗАПИТАНО"}.get(text, text)

    inner = Forbidden(REGISTERED, party="RU")
    outer = NotFound("{why}: {state}", why=inner, state=Word("requested"))
    assert str(outer) == "RU is not a registered party: requested"
    assert render(outer, shout) == "RU is not a registered party — ЗАПИТАНО!"
    said = refusal(NotFound("{why}: {state}", why=inner, state="requested"), "uk")
    assert said == "RU не є зареєстрованим учасником: requested"


def test_a_translation_whose_fields_do_not_fit_falls_back_to_english() -> None:
    error = NotFound(N_("no person {person}"), person="P1")
    assert render(error, lambda _: "немає особи {особа}") == "no person P1"


def test_the_json_form_rebuilds_the_refusal_on_a_client() -> None:
    error = NotFound(
        "{why}; batch {batch} of {n}", why=Forbidden(REGISTERED, party="RU"), batch="B1", n=3
    )
    sent = refusal_json(error)
    assert sent["detail"] == "RU is not a registered party; batch B1 of 3"
    assert sent["params"]["why"]["template"] == REGISTERED
    assert sent["params"]["why"]["params"] == {"party": "RU"}
    again = from_json(sent["template"], sent["params"], sent["detail"])
    assert str(again) == sent["detail"]
    gettext = translations("ru").gettext
    assert render(again, gettext) == "RU не является зарегистрированным участником; batch B1 of 3"
    word = refusal_json(NotFound("in {state}", state=Word("requested")))
    assert word["params"] == {"state": {"word": "requested"}}
    assert isinstance(from_json(word["template"], word["params"], "").params["state"], Word)


def test_every_role_and_standing_a_permission_names_is_a_translated_word() -> None:
    from parley.app import authz
    from parley.domain.parties import Role

    rules = authz.PERMISSIONS.values()
    words = {" or ".join(sorted(rule.who)) for rule in rules if "{who}" in rule.refusal}
    words |= {
        " or ".join(sorted(r.value for r in rule.roles)) for rule in authz.PERMISSIONS.values()
    }
    catalog = translations("uk")
    untranslated = sorted(w for w in words if catalog.gettext(w) == w)
    assert untranslated == []
    refused = authz.refusal(authz.Acting("RU", Role.SIDE), authz.Action.PARTY_REGISTER)
    assert refused is not None
    assert refusal(refused, "uk") == (
        "Учасник RU (сторона) не може реєструвати учасника: це може лише посередник"
    )
    assert str(refused) == "RU (side) may not register a party: only a mediator may"


def test_every_action_has_a_translated_label() -> None:
    """A refusal says what was refused in words ("read a roster"), never an action's id."""
    from parley.app import authz
    from parley.domain.parties import Role

    assert set(authz.LABELS) == set(authz.Action)
    for locale in ("uk", "ru"):
        catalog = translations(locale)
        assert sorted(w for w in set(authz.LABELS.values()) if catalog.gettext(w) == w) == []
    refused = authz.refusal(authz.Acting("SMM", Role.MONITOR), authz.Action.ROSTER_READ)
    assert refused is not None
    assert str(refused) == "SMM (monitor) may not read a roster: only a mediator or side may"
    assert refusal(refused, "uk") == (
        "Учасник SMM (спостерігач) не може переглядати список: це може лише посередник або сторона"
    )
    reported = authz.refusal(authz.Acting("UA", Role.SIDE), authz.Action.MONITOR_REPORT)
    assert reported is not None
    assert "may not send a monitor's report" in str(reported)
    assert "не может направлять отчёт наблюдателя" in refusal(reported, "ru")
