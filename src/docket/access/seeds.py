"""The roles a new installation starts with (editable afterwards). Migration 0002 writes them;
tests and the demo refer to them by code. Their names and descriptions are stored in Chinese
and marked for translation: while a role keeps the seeded text, pages show it in the
reader's language (Role.display_name)."""

from django.utils.translation import gettext, gettext_noop

from docket.access.models import Capability as C
from docket.access.models import Permission as P
from docket.access.models import Scope

SALES, MANAGER, ARCHIVIST, ADMINISTRATOR = "sales", "manager", "archivist", "administrator"

ROLES = [
    {
        "code": SALES,
        "name": gettext_noop("销售"),
        "description": gettext_noop("查看和上传自己负责或被分配的客户的文档"),
        "scope": Scope.OWN,
        "permissions": [P.VIEW, P.DOWNLOAD, P.UPLOAD],
        "capabilities": [],
    },
    {
        "code": MANAGER,
        "name": gettext_noop("经理"),
        "description": gettext_noop("本团队客户的全部文档：编辑、审批、分享、授权"),
        "scope": Scope.TEAM,
        "permissions": [P.VIEW, P.DOWNLOAD, P.UPLOAD, P.EDIT, P.DELETE, P.SHARE, P.MANAGE],
        "capabilities": [C.APPROVE],
    },
    {
        "code": ARCHIVIST,
        "name": gettext_noop("档案管理员"),
        "description": gettext_noop("纸质档案、保管期限和全部元数据；超出密级的内容不可见"),
        "scope": Scope.ALL,
        "permissions": [P.VIEW, P.DOWNLOAD, P.EDIT],
        "capabilities": [C.ALL_METADATA, C.MANAGE_ARCHIVE, C.MANAGE_CATALOG],
    },
    {
        "code": ADMINISTRATOR,
        "name": gettext_noop("IT管理员"),
        "description": gettext_noop("用户、角色、备份和设置；完全控制"),
        "scope": Scope.ALL,
        "permissions": [p.value for p in P],
        "capabilities": [C.FULL_CONTROL],
        "requires_2fa": False,
    },
]

SEEDED = {str(role["code"]): role for role in ROLES}


def seeded_text(code: str, field: str, text: str) -> str:
    """A role's `field` (name or description) as a page shows it: translated while it is
    still the text the role was seeded with, as stored otherwise."""
    seeded = SEEDED.get(code)
    return gettext(text) if text and seeded is not None and seeded[field] == text else text


def ensure_roles(role_model: type | None = None) -> None:
    """Create the seeded roles that are missing (migration 0002 passes its historical model)."""
    if role_model is None:
        from docket.access.models import Role as role_model
    for role in ROLES:
        fields = {
            key: [str(v) for v in value] if isinstance(value, list) else value
            for key, value in role.items()
            if key != "code"
        }
        role_model.objects.get_or_create(code=role["code"], defaults=fields)
