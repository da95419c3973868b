"""The UI's catalogues: every string in the code is in both, translated, and compiled."""

import importlib.util
import shutil
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
messages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(messages)


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_every_string_in_the_catalogue_is_translated(language):
    catalogue = polib.pofile(str(messages.catalogue_path(language)))
    assert len(catalogue) > 50
    assert messages.untranslated(catalogue) == []


def test_no_english_sentence_stands_untranslated_in_the_chinese_catalogue():
    """A msgid that holds Chinese examples (上个月 ABC 的合同) is still English: it needs its
    Chinese translation, not itself. Codes and acronyms (VIP) may stay as they are."""
    catalogue = polib.pofile(str(messages.catalogue_path("zh_Hans")))
    english = [
        e.msgid
        for e in catalogue
        if e.msgstr == e.msgid
        and not messages.mostly_chinese(e.msgid)
        and e.msgid != e.msgid.upper()
    ]
    assert english == []


@pytest.mark.parametrize("language", messages.LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    source = messages.catalogue_path(language)
    compiled = {
        e.msgid: e.msgstr or e.msgstr_plural for e in polib.mofile(source.with_suffix(".mo"))
    }
    written = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.pofile(str(source))}
    assert compiled == written


def test_the_catalogues_hold_every_string_the_code_marks(tmp_path):
    """makemessages over a copy of the code finds no string the committed catalogues lack
    (so a new {% translate %} without a translation fails here)."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: make setup installs gettext")
    copy = tmp_path / "docket"
    shutil.copytree(messages.SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    messages.collect(copy)
    for language in messages.LANGUAGES:
        fresh = {e.msgid for e in polib.pofile(str(messages.catalogue_path(language, copy)))}
        committed = {e.msgid for e in polib.pofile(str(messages.catalogue_path(language)))}
        assert fresh - committed == set(), f"{language}: run scripts/messages.py"


def test_chinese_is_the_default_and_english_is_complete():
    with translation.override("en"):
        assert translation.gettext("排队中") == "Queued"
        assert translation.gettext("Dashboard") == "Dashboard"
    with translation.override("zh-hans"):
        assert translation.gettext("Dashboard") == "工作台"
        assert translation.gettext("排队中") == "排队中"


def test_filling_keeps_a_translation_that_says_more_than_its_msgid():
    """English msgids are their own English translation only while they have none: the
    check-out refusal's English adds the time zone, and a run of the script keeps it."""
    catalogue = polib.POFile()
    said = "checked out by %(user)s until %(until)s UTC"
    catalogue.append(polib.POEntry(msgid="checked out by %(user)s until %(until)s", msgstr=said))
    catalogue.append(polib.POEntry(msgid="Dashboard", msgstr=""))
    messages.fill(catalogue, "en", {})
    assert [entry.msgstr for entry in catalogue] == [said, "Dashboard"]
