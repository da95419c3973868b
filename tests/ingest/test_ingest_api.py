"""/api/ingest/: upload many files at once, follow each job, work the inbox."""

from docket.demo.pdfgen import make_pdf
from docket.ingest.models import IngestJob
from tests.conftest import named_file
from tests.ingest.test_pipeline import CONTRACT_LINES


def submit(api, files, **fields):
    return api.post(
        "/api/ingest/",
        {"files": [named_file(d, n) for d, n in files], **fields},
        format="multipart",
    )


def test_many_files_are_accepted_as_jobs_and_filed_by_the_worker(api, customer, run_tasks):
    response = submit(
        api,
        [
            (make_pdf(CONTRACT_LINES), "合同.pdf"),
            ("报价单\n金额 ¥9,250.00\n".encode(), "报价单.txt"),
        ],
        customer=customer.id,
        type="合同",
        tags="扫描,2023",
    )
    assert response.status_code == 202, response.content
    jobs = response.json()
    assert [j["state"] for j in jobs] == ["queued", "queued"]
    task = api.get(f"/api/tasks/{jobs[0]['id']}/").json()
    assert (task["task"], task["state"]) == ("ingest", "queued")
    run_tasks()
    for job in jobs:
        detail = api.get(f"/api/ingest/{job['id']}/").json()
        assert detail["state"] == "done", detail["reason"]
        assert detail["document_archive_number"].startswith("HT-")
        assert sorted(detail["tag_names"]) == ["2023", "扫描"]
        assert api.get(f"/api/tasks/{job['id']}/").json()["state"] == "done"


def test_a_failed_job_is_in_the_inbox_with_its_reason_and_the_tasks_api_says_why(
    api, customer, run_tasks
):
    response = submit(
        api, [(b"%PDF-1.7\n" + b"\x00broken" * 100, "坏.pdf")], customer=customer.id, type="合同"
    )
    job_id = response.json()[0]["id"]
    run_tasks()
    inbox = api.get("/api/ingest/?inbox=true").json()["results"]
    assert [j["id"] for j in inbox] == [job_id]
    assert inbox[0]["state"] == "failed" and inbox[0]["reason"]
    task = api.get(f"/api/tasks/{job_id}/").json()
    assert task["state"] == "failed"
    assert task["reason"] == inbox[0]["reason"]


def test_a_job_waiting_for_review_is_retried_with_the_customer_a_person_chose(
    api, customer, run_tasks
):
    job_id = submit(
        api, [(make_pdf(["会议纪要", "无客户名称"]), "纪要.pdf")], type="会议纪要"
    ).json()[0]["id"]
    run_tasks()
    assert api.get(f"/api/ingest/{job_id}/").json()["state"] == "needs_review"
    response = api.post(f"/api/ingest/{job_id}/retry/", {"customer": customer.id}, format="json")
    assert response.status_code == 202
    run_tasks()
    detail = api.get(f"/api/ingest/{job_id}/").json()
    assert detail["state"] == "done"
    assert api.post(f"/api/ingest/{job_id}/retry/", {}, format="json").status_code == 409


def test_bad_submissions_are_clear_400s(api, customer):
    assert api.post("/api/ingest/", {}, format="multipart").status_code == 400
    bad_type = submit(api, [(b"x", "a.txt")], type="不存在")
    assert bad_type.status_code == 400 and "type" in bad_type.json()["error"]["fields"]
    empty = submit(api, [(b"", "empty.pdf")])
    assert empty.status_code == 400
    assert IngestJob.objects.count() == 0
    assert api.get("/api/ingest/?state=bogus").status_code == 400
    assert api.get("/api/ingest/not-a-uuid/").status_code == 404


def test_id_card_numbers_found_in_a_document_are_masked_without_the_permission(
    api, user, customer, run_tasks
):
    from django.contrib.auth.models import Permission

    from docket.ingest.fields import id_check_char

    body = "11010519491231002"
    id_number = body + id_check_char(body)
    job_id = submit(
        api,
        [(f"授权委托书\n受托人身份证号：{id_number}\n".encode(), "委托书.txt")],
        customer=customer.id,
        type="授权委托书",
    ).json()[0]["id"]
    run_tasks()
    masked = api.get(f"/api/ingest/{job_id}/").json()["fields"]["id_numbers"]
    assert masked and masked[0] != id_number and masked[0].startswith("1101") and "*" in masked[0]
    user.user_permissions.add(Permission.objects.get(codename="view_personal_identifiers"))
    from django.contrib.auth import get_user_model

    from tests.conftest import client_for

    cleared = client_for(get_user_model().objects.get(pk=user.pk))
    assert cleared.get(f"/api/ingest/{job_id}/").json()["fields"]["id_numbers"] == [id_number]
