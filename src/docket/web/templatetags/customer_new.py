"""`{% may_create_customers as may_create %}`: whether the signed-in user may add a customer.
Every page that offers the new-customer page (the customers list, the upload page) asks the
same rule here, the one its view enforces (docket.web.views.customer_new)."""

from django import template

from docket.web.views.customer_new import may_create_customers as _may_create

register = template.Library()


@register.simple_tag(takes_context=True)
def may_create_customers(context: template.Context) -> bool:
    return _may_create(context["request"].user)
