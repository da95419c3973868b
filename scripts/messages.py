"""Update the UI's translation catalogues from the code, fill what can be filled, compile.

    .venv/bin/python scripts/messages.py [translations.json ...]

1. `makemessages` collects every translatable string in src/docket (Python and templates)
   into locale/{zh_Hans,en}/LC_MESSAGES/django.po, keeping the translations already there.
2. A string already in a catalogue's language is its own translation (the models' older
   Chinese labels in zh_Hans, English strings in en). Each JSON file given maps msgids to
   translations: {"zh_Hans": {"Sign in": "登录", "{{ counter }} document": ["…"]}, "en": {…}}.
   Fuzzy guesses by msgmerge are dropped: a wrong translation is worse than a missing one.
3. The catalogues are compiled to .mo with polib (no msgfmt needed to run the app).
Exits 1 and lists them when any string is still untranslated; tests/web checks the same.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "docket"
LANGUAGES = ("zh_Hans", "en")
CJK = re.compile(r"[\u3400-\u9fff]")


def catalogue_path(language: str, source: Path = SOURCE) -> Path:
    return source / "locale" / language / "LC_MESSAGES" / "django.po"


def collect(source: Path = SOURCE) -> None:
    """Run makemessages in `source` (the tests run it in a copy)."""
    for language in LANGUAGES:
        catalogue_path(language, source).parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "django", "makemessages", "--add-location", "file"]
    command += ["--no-obsolete"]  # a string gone from the code leaves the catalogue
    command += [arg for language in LANGUAGES for arg in ("-l", language)]
    command += ["--ignore", "migrations/*", "--ignore", "demo/*"]
    env = {"DJANGO_SETTINGS_MODULE": "docket.settings", "PATH": "/usr/bin:/bin"}
    env["DOCKET_DATA_DIR"] = str(Path("/tmp") / "docket-messages")
    subprocess.run(command, cwd=source, env=env, check=True, capture_output=True)


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{[^}]*\}\}|\{\w+\}|<[^>]+>")


def mostly_chinese(msgid: str) -> bool:
    """More Chinese characters than Latin letters, placeholders and tags aside: an English
    sentence with a Chinese example in it (搜索文档, e.g. 上个月 ABC 的合同) is English."""
    text = PLACEHOLDER.sub("", msgid)
    return len(CJK.findall(text)) > len(re.findall(r"[A-Za-z]", text))


def own_language(language: str, msgid: str) -> bool:
    if language == "zh_Hans":
        return mostly_chinese(msgid)
    return not CJK.search(msgid)


def fill(catalogue: polib.POFile, language: str, given: dict) -> None:
    for entry in catalogue:
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
            entry.msgstr, entry.previous_msgid, entry.previous_msgid_plural = "", None, None
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
        translation = given.get(entry.msgid)
        translated = entry.msgstr or any(entry.msgstr_plural.values())
        if translation is None and not translated and own_language(language, entry.msgid):
            # Its own translation only while it has none: an English one may say more (UTC).
            translation = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else entry.msgid
        if translation is None:
            continue
        if entry.msgid_plural:
            forms = [translation] if isinstance(translation, str) else translation
            count = 1 if language == "zh_Hans" else 2  # Chinese has one plural form
            entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)] for i in range(count)}
        else:
            entry.msgstr = translation if isinstance(translation, str) else translation[0]


def untranslated(catalogue: polib.POFile) -> list[str]:
    missing = []
    for entry in catalogue:
        values = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if entry.obsolete:
            continue
        if entry.fuzzy or not all(values):
            missing.append(entry.msgid)
    return missing


def main(paths: list[str]) -> int:
    given: dict[str, dict] = {language: {} for language in LANGUAGES}
    for path in paths:
        for language, translations in json.loads(Path(path).read_text("utf-8")).items():
            given[language].update(translations)
    collect()
    status = 0
    for language in LANGUAGES:
        path = catalogue_path(language)
        catalogue = polib.pofile(str(path), wrapwidth=100)
        catalogue.metadata["Plural-Forms"] = (
            "nplurals=1; plural=0;" if language == "zh_Hans" else "nplurals=2; plural=(n != 1);"
        )
        fill(catalogue, language, given[language])
        catalogue.save(str(path))
        catalogue.save_as_mofile(str(path.with_suffix(".mo")))
        if missing := untranslated(catalogue):
            status = 1
            print(f"{language}: {len(missing)} untranslated", *missing, sep="\n  ")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
