"""What a coordination office reads after the demo's exchange: a batch proposal, the signed
lists, papers written, a witness's cosignature, a roster's comparison, the reports, a person's
history with its times: in Ukrainian or Russian when PARLEY_LANG says so, in English as it
always was (times as each language writes a date and a time)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parley.cli.main import app

# each command, and a phrase of each line it prints, in each language
SAID: dict[str, dict[str, list[str]]] = {
    "en": {
        "propose": [
            "UA releases 0; RU releases 1; phase after: A 30, B 29 (all for all)",
            "parity: A 30, B 28 (all for all) → A 30, B 29 (all for all)",
            "RU/RU-H-00069 │ in │ in: priority",
        ],
        "lists": ["RU: must include UA/UA-H-00041, UA/UA-H-00042, UA/UA-H-00043; veto —"],
        "manifest": ["b1.pdf: batch B1, 71 person(s), log entry 615, hash "],
        "export": ["ua.xlsx: UA's view (workbook)."],
        "witness": ["UA cosigned the checkpoint of size 1653 (last cosigned: "],
        "entry": ["Wrote entry 3 (", " bytes) to "],
        "diff": ["UA:held v1 → v1: 0 added, 0 removed, 0 corrected"],
        "settle": ["UA: no pending key."],
        "reports": ["observed", "commitment", "compliance", "violation", "Jun 30, 2020"],
        "person": ["Sep 7, 2019, 6:00:01\u202fAM UTC batch B1: planned → requested by MED"],
        "status": ["Log: 1653 signed entries, last at Jul 6, 2020, 9:00:02\u202fAM UTC."],
        "wrong": ["Error: --check changes nothing and --repair changes the projections"],
    },
    "uk": {
        "propose": [
            "паритет: A 30, B 28 (всіх на всіх) → A 30, B 29 (всіх на всіх)",
            "RU/RU-H-00069 │ включено │ у партії: за пріоритетом",
        ],
        "lists": ["RU: обов'язково UA/UA-H-00041, UA/UA-H-00042, UA/UA-H-00043; вето —"],
        "manifest": ["Записано файл ", "b1.pdf: партія B1, осіб: 71, запис журналу 615, геш "],
        "export": ["ua.xlsx: те, що бачить UA (книга Excel)."],
        "witness": ["Учасник UA засвідчив контрольну точку розміру 1\u00a0653 (востаннє"],
        "entry": ["Запис 3 (байтів: ", ") записано у "],
        "diff": ["UA:held v1 → v1: додано 0, вилучено 0, виправлено 0"],
        "settle": ["UA: очікуваного ключа немає."],
        "reports": [
            "дата спостереження",
            "зобов'язання",
            "дотримання",
            "порушення",
            "30 черв. 2020",
        ],
        "person": ["7 вер. 2019\u202fр., 06:00:01 UTC партія B1: заплановано → запитано"],
        "status": [
            "Журнал: підписаних записів — 1\u00a0653, останній від 6 лип. 2020\u202fр., 09:00:02"
        ],
        "wrong": ["Помилка: --check нічого не змінює, а --repair змінює проєкції"],
    },
    "ru": {
        "propose": [
            "паритет: A 30, B 28 (всех на всех) → A 30, B 29 (всех на всех)",
            "RU/RU-H-00069 │ включён │ в партии: по приоритету",
        ],
        "lists": ["RU: обязательно UA/UA-H-00041, UA/UA-H-00042, UA/UA-H-00043; вето —"],
        "manifest": ["Записан файл ", "b1.pdf: партия B1, лиц: 71, запись журнала 615, хеш "],
        "export": ["ua.xlsx: то, что видит UA (книга Excel)."],
        "witness": ["Участник UA заверил контрольную точку размера 1\u00a0653 (последний"],
        "entry": ["Запись 3 (байт: ", ") записана в "],
        "diff": ["UA:held v1 → v1: добавлено 0, удалено 0, исправлено 0"],
        "settle": ["UA: ожидающего ключа нет."],
        "reports": ["дата наблюдения", "обязательство", "соблюдение", "нарушение", "30 июн. 2020"],
        "person": ["7 сент. 2019\u202fг., 06:00:01 UTC партия B1: запланировано → запрошено"],
        "status": [
            "Журнал: подписанных записей — 1\u00a0653, последняя от 6 июл. 2020\u202fг., 09:00:02"
        ],
        "wrong": ["Ошибка: --check ничего не меняет, а --repair меняет проекции"],
    },
}
# our English words these lines printed before they were said in the user's language
ENGLISH = ("parity:", "must include", "Wrote", "cosigned", "added,", "pending", "observed", " AM ")


# the demo's story as it goes, and its closing lines, in Ukrainian (the English is as it was)
STORY = (
    "Зареєстровано учасників: Україна (UA), Російська Федерація (RU), посередник (MED),",
    "Список UA:held v1: осіб — 75, з файлу ua_held.csv.",
    "Точне звірення, список розшукуваних UA зі списком утримуваних RU: запропоновано збігів — 75",
    "Пакетне зв'язування, UA:held із самим собою: нових пропозицій — 0.",
    "UA: розшукуваних осіб, яких не знайдено: 2.",
    "Угоду ROADMAP-2019 підписали UA і RU, засвідчив MED.",
    "Партію B1 (етап 1) закрито: одна особа відмовилася на співбесіді, одну замінено.",
    "Контрольну точку журналу (записів: 1\u00a0653) підписав MED, засвідчили UA і RU.",
    "UA підписала свій список обов'язкових для етапу 2: осіб — 3.",
    "Партія B2-2 (етап 2), запропонована планувальником: сторона A звільняє: 10;",
    "Відмовлено за правилом перевірки: розведення сил у Petrivske не може розпочатися",
    "Демонстрацію завершено за ",
    "Спробуйте: parley status --json, parley rebuild --check, parley export --out audit &&",
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's instance (40 persons a side in the all-for-all phase), made once, its story
    told in Ukrainian."""
    data = tmp_path_factory.mktemp("demo") / "data"
    runner = CliRunner(env=_env(data, "uk"))
    made = runner.invoke(app, ["demo", "--size", "40"])
    assert made.exit_code == 0, made.output
    told = re.sub(r" *\n", " ", made.output)
    for line in STORY:
        assert line in told, f"{line!r} not in\n{made.output}"
    for english in ("Roster ", "Strict pass", "Batch linkage", "Checkpoint of", "Demo finished"):
        assert english not in told, made.output
    return data


def _env(data: Path, language: str) -> dict[str, str | None]:
    return {
        "PARLEY_DATA_DIR": str(data),
        "PARLEY_LANG": language,
        "PARLEY_DATABASE_URL": None,
        "PARLEY_SERVER": None,
    }


@pytest.mark.parametrize("language", ["en", "uk", "ru"])
def test_the_demos_exchange_is_said_in_the_users_language(
    demo: Path, tmp_path: Path, language: str
) -> None:
    runner = CliRunner(env=_env(demo, language))

    def run(*args: str, code: int = 0) -> str:
        """What a command printed, its lines wrapped at the console's width joined again."""
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return re.sub(r" *\n", " ", str(result.output))

    said = {
        "propose": run("batch", "propose", "--commitment", "P2-EX", "--size", "2"),
        "lists": run("batch", "lists", "--commitment", "P2-EX", "--as", "MED", "--show"),
        "manifest": run("batch", "manifest", "B1", "--pdf", str(tmp_path / "b1.pdf")),
        "export": run("roster", "export", str(tmp_path / "ua.xlsx"), "--as", "UA"),
        "witness": run("log", "witness", "--as", "UA"),
        "entry": run("log", "entry", "--index", "3", "--out", str(tmp_path / "e3")),
        "diff": run(
            "roster", "diff", "--party", "UA", "--kind", "held", "--from", "1", "--to", "1"
        ),
        "settle": run("key", "settle", "--as", "UA"),
        "reports": run("report", "list"),
        "person": run("person", "RU/RU-H-00034"),
        "status": run("status"),
        "wrong": run("rebuild", "--check", "--repair", code=1),
    }
    if language == "en":  # as it always was, to the byte
        assert said["manifest"].startswith(f"Wrote {tmp_path / 'b1.pdf'}: batch B1, 71 person(s)")
        assert said["export"] == f"Wrote {tmp_path / 'ua.xlsx'}: UA's view (workbook). "
    for view, phrases in SAID[language].items():
        for phrase in phrases:
            assert phrase in said[view], f"{view}: {phrase!r} not in\n{said[view]}"
    if language != "en":
        for view, text in said.items():
            for english in ENGLISH:
                assert english not in text, f"{view}: {english!r} in\n{text}"
