"""`{% may_delete document as may_delete %}` and `{% may_use_trash as may_trash %}`: whether
the document page offers "Move to trash" and the documents list links to the trash, by the
rules the trash's views enforce (docket.web.views.document_trash)."""

from django import template

from docket.documents.models import Document
from docket.web.views import document_trash

register = template.Library()


@register.simple_tag(takes_context=True)
def may_delete(context: template.Context, document: Document) -> bool:
    return document_trash.may_delete(context["request"].user, document)


@register.simple_tag(takes_context=True)
def may_use_trash(context: template.Context) -> bool:
    return document_trash.may_use_trash(context["request"].user)
