"""What a query's reading tells the user ("unbalanced quote closed at the end"). A notice is
its English sentence (what the API and the CLI show) and keeps its template and values, so a
page can show it in the user's language: `translated(notice)`."""

from django.utils.translation import gettext

__all__ = ["Notice", "translated"]


class Notice(str):
    template: str
    values: dict[str, object]

    def __new__(cls, template: str, **values: object) -> "Notice":
        notice = super().__new__(cls, template % values if values else template)
        notice.template = template
        notice.values = values
        return notice


def translated(notice: str) -> str:
    if isinstance(notice, Notice):
        template = gettext(notice.template)
        return template % notice.values if notice.values else template
    return notice
