"""Roles, teams and tags over the API go through the same audited services as the web UI's
administration pages."""

from docket.access.models import Role, Team
from docket.audit.models import AuditEvent
from docket.documents.models import Tag
from tests.conftest import client_for


def changes(action: str = AuditEvent.Action.SETTINGS_CHANGE) -> list[dict]:
    events = AuditEvent.objects.filter(action=action)
    return [event.details for event in events.order_by("seq")]


def test_a_role_edited_over_the_api_is_audited(world):
    api = client_for(world.administrator)
    role = Role.objects.get(code="sales")
    answer = api.patch(f"/api/access/roles/{role.id}/", {"requires_2fa": True}, format="json")
    assert answer.status_code == 200 and answer.json()["requires_2fa"] is True
    assert changes(AuditEvent.Action.PERMISSION_CHANGE)[-1]["change"] == "role_updated"


def test_a_team_made_under_itself_is_refused_and_a_good_one_is_audited(world):
    api = client_for(world.administrator)
    made = api.post("/api/access/teams/", {"name": "华南", "parent": world.east.parent_id})
    assert made.status_code == 201
    assert changes(AuditEvent.Action.PERMISSION_CHANGE)[-1]["change"] == "team_created"
    loop = api.patch(f"/api/access/teams/{world.east.parent_id}/", {"parent": world.east.id})
    assert loop.status_code == 400
    assert Team.objects.get(id=world.east.parent_id).parent_id is None


def test_tags_are_made_renamed_and_deleted_over_the_api_with_an_audit_event_each(world):
    api = client_for(world.archivist)  # manage_catalog
    made = api.post("/api/tags/", {"name": "加急", "color": "#DC2626"})
    assert made.status_code == 201 and made.json()["color"] == "#dc2626"
    tag_id = made.json()["id"]
    assert api.patch(f"/api/tags/{tag_id}/", {"name": "特急"}).status_code == 200
    assert api.delete(f"/api/tags/{tag_id}/").status_code == 204
    assert not Tag.objects.filter(id=tag_id).exists()
    made_changes = [d["change"] for d in changes()]
    assert made_changes[-3:] == ["tag_created", "tag_updated", "tag_deleted"]


def test_a_sales_user_changes_no_tag(world):
    tag = Tag.objects.create(name="重要")
    api = client_for(world.sales_east)
    assert api.patch(f"/api/tags/{tag.id}/", {"name": "不重要"}).status_code == 403
    assert api.delete(f"/api/tags/{tag.id}/").status_code == 403
    tag.refresh_from_db()
    assert tag.name == "重要"
