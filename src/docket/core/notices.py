"""Sentences for a person that the API and the CLI show in English and a page shows in the
user's language: an ingest job's reason ("the PDF is damaged: …"), a service's refusal, what a
search query's reading repaired.

A Notice is its English sentence (a str: what the API and the CLI show) and keeps its template
and values, so a page can show it in the user's language: `translated(notice)`. Templates are
marked with `gettext_noop as _`, so makemessages collects them. A value may be a Notice itself
("the zip archive" in "%(what)s is damaged"); it is translated with the sentence. A Notice kept
in the database (IngestJob.reason_notice) is stored `as_json` and read back `from_json`.
"""

from django.utils.translation import gettext

__all__ = ["Notice", "as_json", "from_json", "translated"]


class Notice(str):
    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> "Notice":
        notice = super().__new__(cls, template % values if values else template)
        notice.template = template
        notice.values = values
        return notice


def translated(notice: str) -> str:
    """The notice in the active language; a plain str as it is."""
    if not isinstance(notice, Notice):
        return notice
    template = gettext(notice.template)
    if not notice.values:
        return template
    values = {
        key: translated(value) if isinstance(value, Notice) else value
        for key, value in notice.values.items()
    }
    try:
        return template % values
    except (KeyError, ValueError, TypeError):  # a translation naming a value it does not get
        return str(notice)


def as_json(notice: str) -> dict | None:
    """What is needed to translate the notice later; None for a plain sentence (nothing to
    translate). Values other than numbers are kept as text."""
    if not isinstance(notice, Notice):
        return None
    values = {
        key: as_json(value) or (value if isinstance(value, int | float) else str(value))
        for key, value in notice.values.items()
    }
    return {"template": notice.template, "values": values}


def from_json(data: dict) -> Notice:
    values = data.get("values") or {}
    return Notice(
        data["template"],
        **{key: from_json(v) if isinstance(v, dict) else v for key, v in values.items()},
    )
