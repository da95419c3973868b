"""docket.core.notices: a sentence that is English for the API and the CLI and the user's
language on a page, with the values it was made with."""

import pickle
import re
from pathlib import Path

import polib
from django.utils import translation

from docket.core import notices
from docket.core.notices import Notice, as_json, from_json, translated
from docket.ingest.types import CorruptFile

DETAIL = "unable to find trailer dictionary while recovering damaged file"
ZIP = Notice("the zip archive")
PLACEHOLDER = re.compile(r"%\((\w+)\)")
CATALOGUE = Path(notices.__file__).parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_a_notice_is_its_english_sentence_and_a_page_shows_it_in_chinese_with_its_values():
    notice = Notice("the PDF is damaged: %(detail)s", detail=DETAIL)
    assert notice == f"the PDF is damaged: {DETAIL}"  # what the API and the CLI show
    with translation.override("zh-hans"):
        assert translated(notice) == f"PDF 文件已损坏：{DETAIL}"
    with translation.override("en"):
        assert translated(notice) == f"the PDF is damaged: {DETAIL}"


def test_a_notice_inside_a_notice_is_translated_with_it():
    notice = Notice("%(what)s is damaged: %(detail)s", what=ZIP, detail="Bad magic number")
    assert notice == "the zip archive is damaged: Bad magic number"
    with translation.override("zh-hans"):
        assert translated(notice) == "ZIP 压缩包已损坏：Bad magic number"


def test_a_plain_sentence_or_an_unknown_template_is_shown_as_it_is():
    with translation.override("zh-hans"):
        assert translated("文件已损坏") == "文件已损坏"
        assert translated(Notice("no such template %(n)s", n=3)) == "no such template 3"


def test_a_notice_kept_as_json_comes_back_whole():
    notice = Notice("%(what)s has more than %(limit)s members", what=ZIP, limit=10_000)
    kept = as_json(notice)
    assert kept == {
        "template": "%(what)s has more than %(limit)s members",
        "values": {"what": {"template": "the zip archive", "values": {}}, "limit": 10_000},
    }
    back = from_json(kept)
    assert back == notice and back.values["what"].template == "the zip archive"
    assert as_json("a plain sentence") is None


def test_a_reason_crossing_to_another_process_keeps_its_template():
    """The OCR pool's workers raise IngestErrors; they come back pickled."""
    error = CorruptFile(Notice("the PDF is damaged: %(detail)s", detail=DETAIL))
    back = pickle.loads(pickle.dumps(error))
    assert back.reason == error.reason and back.reason.template == error.reason.template
    assert back.reason.values == {"detail": DETAIL}


def test_a_translation_naming_a_value_the_notice_lacks_falls_back_to_english(monkeypatch):
    monkeypatch.setattr(notices, "gettext", lambda template: "第 %(page)s 页已损坏")
    assert translated(Notice("the PDF is damaged: %(detail)s", detail="x")) == (
        "the PDF is damaged: x"
    )


def test_no_chinese_template_names_a_value_its_english_one_does_not_give():
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.msgstr and not entry.msgid_plural:
            extra = set(PLACEHOLDER.findall(entry.msgstr)) - set(PLACEHOLDER.findall(entry.msgid))
            assert not extra, entry.msgid
