"""A refusal over the server: the JSON body carries the English `detail` and beside it the
`template` and `params` a client says it with; the CLI says a server's refusal, and its own, in
its user's language (PARLEY_LANG, else the locale)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.api.app import create_app
from parley.app.client import Client, ServerRefused
from parley.app.config import Settings
from parley.app.keys import KeyRing
from parley.app.language import refusal
from parley.app.ledger import Ledger
from parley.cli.main import app
from parley.log.command import command_body
from tests.api.helpers import run_cli, serving, verifier_key

SAID = {
    "en": "RU may not import UA's roster: only UA signs its own",
    "uk": "Учасник RU не може імпортувати список учасника UA: лише UA підписує власні списки",
    "ru": "Участник RU не может импортировать список участника UA: только UA подписывает"
    " собственные списки",
}

REFUSED = {"en": "Refused", "uk": "Відмовлено", "ru": "Отказано"}  # the line's label


@pytest.fixture
def served(runner: CliRunner, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    med, ru = tmp_path / "med", tmp_path / "ru"
    ru_key = verifier_key(run_cli(runner, ru, "key", "init", "--party", "RU"))
    ua_key = verifier_key(run_cli(runner, tmp_path / "ua", "key", "init", "--party", "UA"))
    run_cli(runner, med, "init")
    run_cli(runner, med, "party", "add", "UA", "--name", "Ukraine", "--key", ua_key)
    run_cli(runner, med, "party", "add", "RU", "--name", "Russia", "--key", ru_key)
    ledger = Ledger.open(Settings.from_env(med))
    try:
        with serving(create_app(ledger)) as url:
            yield url, ru
    finally:
        ledger.close()


def test_the_json_body_carries_the_template_and_its_params(served: tuple[str, Path]) -> None:
    url, ru = served
    client = Client(url, KeyRing(ru / "keys").signer("RU"))
    body = command_body({"records": [{"record_id": "UA-9", "family_name": "X"}]})
    reply = client.send(client.sign("POST", "/v1/rosters/UA/held", body), body)
    assert reply.status == 403
    answer = json.loads(reply.body)
    assert answer["detail"] == SAID["en"]
    assert (
        answer["template"] == "{actor} may not import {owner}'s roster: only {owner} signs its own"
    )
    assert answer["params"] == {"actor": "RU", "owner": "UA"}


@pytest.mark.parametrize("language", ["uk", "ru", "en"])
def test_the_cli_says_a_servers_refusal_in_its_users_language(
    runner: CliRunner,
    served: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
) -> None:
    url, ru = served
    roster = tmp_path / "ua-held.csv"
    roster.write_text("record_id,family_name,given_name\nUA-1,Шевченко,Тарас\n", encoding="utf-8")
    monkeypatch.delenv("PARLEY_LANG", raising=False)
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "")
    # the locale speaks unless PARLEY_LANG says otherwise
    monkeypatch.setenv("LANG", f"{language}_UA.UTF-8" if language != "en" else "C.UTF-8")
    args = ["--data-dir", str(ru), "--server", url, "roster", "import", str(roster)]
    refused = runner.invoke(app, [*args, "--party", "UA", "--kind", "held", "--as", "RU"])
    assert refused.exit_code == 1
    assert refused.stderr.strip() == f"{REFUSED[language]}: {SAID[language]}"
    monkeypatch.setenv("PARLEY_LANG", "ru")
    refused = runner.invoke(app, [*args, "--party", "UA", "--kind", "held", "--as", "RU"])
    assert refused.stderr.strip() == f"Отказано: {SAID['ru']}"


def test_the_cli_says_its_own_refusal_in_its_users_language(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_cli(runner, tmp_path, "init")
    monkeypatch.setenv("PARLEY_LANG", "uk")
    result = runner.invoke(
        app, ["--data-dir", str(tmp_path), "person", "NOBODY:held/X", "--as", "NOBODY"]
    )
    assert result.exit_code == 1
    assert "NOBODY не є зареєстрованим учасником" in result.stderr, result.stderr


@pytest.mark.parametrize("where", ["local", "server"])
def test_a_roster_files_problems_are_said_in_the_users_language(
    runner: CliRunner,
    served: tuple[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    url, ru = served
    roster = tmp_path / "ru-held.csv"
    roster.write_text(
        "record_id,family_name,given_name,birth_date\nRU-1,Шевченко,Тарас,1990-02-31\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PARLEY_LANG", "uk")
    if where == "server":
        before, after = ["--data-dir", str(ru), "--server", url], ["--as", "RU"]
    else:
        data = tmp_path / "local"
        run_cli(runner, data, "init")
        run_cli(runner, data, "party", "add", "RU", "--name", "Russia", "--local-key")
        before, after = ["--data-dir", str(data)], ["--as", "RU"]
    result = runner.invoke(
        app,
        [*before, "roster", "import", str(roster), "--party", "RU", "--kind", "held", *after],
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Відмовлено, нічого не імпортовано: ")
    assert "рядок 2, стовпець birth_date: у лютому 1990 р. немає 31-го числа" in result.stderr, (
        result.stderr
    )


def test_a_page_reads_the_refusal_in_its_own_language(served: tuple[str, Path]) -> None:
    """A page's request (the office signs in the browser) gets `said` in the page's language:
    its cookie, else the browser's Accept-Language; the CLI's client gets English there."""
    url, ru = served
    client = Client(url, KeyRing(ru / "keys").signer("RU"))
    body = command_body({"records": [{"record_id": "UA-9", "family_name": "X"}]})
    for extra, language in (
        ({"Accept-Language": "uk-UA,uk;q=0.9"}, "uk"),
        ({"Accept-Language": "uk", "Cookie": "parley_lang=ru"}, "ru"),
        ({}, "en"),
    ):
        signed = client.sign("POST", "/v1/rosters/UA/held", body)
        headers = {
            "Content-Digest": signed.content_digest,
            "Signature-Input": signed.signature_input(),
            "Signature": signed.signature_field(),
            "Content-Type": "application/json",
            **extra,
        }
        reply = client.raw(signed.method, signed.path, body, headers)
        assert reply.status == 403
        assert json.loads(reply.body)["said"] == SAID[language]


def test_a_malformed_hash_is_refused_before_it_is_sent(
    runner: CliRunner, served: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, ru = served
    monkeypatch.setenv("PARLEY_LANG", "uk")
    args = ["--data-dir", str(ru), "--server", url, "agreement", "sign", "ROADMAP"]
    result = runner.invoke(app, [*args, "--hash", "zz", "--as", "RU"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Помилка: --hash 'zz' не є хешем SHA-256: він складається з 64 шістнадцяткових"
        " цифр (0-9, a-f)"
    )


def test_a_body_the_server_finds_malformed_is_one_refusal_with_named_fields(
    served: tuple[str, Path],
) -> None:
    url, ru = served
    client = Client(url, KeyRing(ru / "keys").signer("RU"))
    with pytest.raises(ServerRefused) as refused:
        client.request("POST", "/v1/agreements/ROADMAP/signatures", {"text_sha256": "zz"})
    error = refused.value
    assert error.status == 422
    assert error.template == "the request's field {field} should be {expected}"
    assert str(error) == (
        "the request's field text_sha256 should be 64 hexadecimal digits (0-9, a-f)"
    )
    assert refusal(error, "uk") == (
        "поле запиту text_sha256 має бути таким: 64 шістнадцяткових цифр (0-9, a-f)"
    )
    with pytest.raises(ServerRefused) as refused:
        client.request("POST", "/v1/agreements/ROADMAP/signatures", {})
    assert refusal(refused.value, "ru") == "в запросе нет поля text_sha256"
