"""/api/ingest/: upload many files at once, follow each job, work the inbox."""

from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document
from docket.ingest.models import IngestJob
from docket.storage.blobstore import get_blob_store
from tests.conftest import client_for, named_file, user_with_role
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


# --- what a person answers through the API is checked as the upload page checks it ----------
MINUTES = ["会议纪要", "讨论了明年的计划"]


def test_a_wrong_password_on_retry_is_a_400_and_the_job_keeps_waiting(
    sales, own, contract_type, run_tasks
):
    from tests.ingest import samples
    from tests.ingest.test_review_services import run

    job = run(
        sales,
        samples.encrypted_pdf("密码123"),
        "加密合同.pdf",
        run_tasks,
        customer=own,
        document_type=contract_type,
    )
    assert job.state == IngestJob.State.NEEDS_PASSWORD
    client = client_for(sales)
    refused = client.post(f"/api/ingest/{job.id}/retry/", {"password": "错的"}, format="json")
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "invalid" and "password" in error["fields"]
    kept = IngestJob.objects.get(pk=job.pk)
    assert (kept.state, kept.sha256) == (IngestJob.State.NEEDS_PASSWORD, job.sha256)
    assert get_blob_store().exists(job.sha256)
    answer = client.post(f"/api/ingest/{job.id}/retry/", {"password": "密码123"}, format="json")
    assert answer.status_code == 202, answer.content
    run_tasks()
    assert client.get(f"/api/ingest/{job.id}/").json()["state"] == "done"


def test_a_password_for_a_file_that_is_not_a_pdf_is_a_400(sales, contract_type, run_tasks):
    from tests.ingest.test_review_services import run

    job = run(sales, "会议纪要\n讨论了明年的计划\n".encode(), "纪要.txt", run_tasks)
    assert job.state == IngestJob.State.NEEDS_REVIEW
    refused = client_for(sales).post(
        f"/api/ingest/{job.id}/retry/", {"password": "密码123"}, format="json"
    )
    assert refused.status_code == 400, refused.content
    assert "password" in refused.json()["error"]["fields"]
    assert IngestJob.objects.get(pk=job.pk).state == IngestJob.State.NEEDS_REVIEW


def test_retry_to_a_customer_the_uploader_may_not_file_to_is_refused(
    sales, theirs, contract_type, run_tasks
):
    from docket.access.models import Permission
    from docket.access.services import grant_add
    from tests.ingest.test_review_services import run

    job = run(sales, make_pdf(MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    client = client_for(sales)
    url = f"/api/ingest/{job.id}/retry/"
    assert client.post(url, {"customer": theirs.id}, format="json").status_code == 404
    grant_add(actor=None, permission=Permission.VIEW, user=sales, customer=theirs)
    assert client.post(url, {"customer": theirs.id}, format="json").status_code == 403
    job.refresh_from_db()
    assert job.state == IngestJob.State.NEEDS_REVIEW and job.customer is None
    run_tasks()
    assert Document.objects.count() == 0


def test_a_manager_retrying_a_members_job_files_only_where_the_member_may(
    east, sales, own, contract_type, run_tasks
):
    from docket.customers.services import customer_create
    from tests.ingest.test_review_services import run

    manager = user_with_role("chenjing", role="manager", team=east)
    colleague = user_with_role("zhaolei", role="sales", team=east)
    colleagues = customer_create(actor=None, name="北京XYZ科技有限公司", owner=colleague)
    job = run(sales, make_pdf(MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    client = client_for(manager)
    url = f"/api/ingest/{job.id}/retry/"
    assert client.post(url, {"customer": colleagues.id}, format="json").status_code == 404
    assert client.post(url, {"customer": own.id}, format="json").status_code == 202
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE and job.document.customer == own


# --- what the API shows of customers and documents the user may not see --------------------
def test_a_suggested_customer_the_user_may_not_see_is_not_named(sales, own, theirs, run_tasks):
    from tests.ingest.test_review_services import run

    lines = ["购销合同", "甲方：天津恒通物流有限公司", "乙方：上海ABC贸易有限公司"]
    job = run(sales, make_pdf(lines), "合同.pdf", run_tasks)
    assert {s["id"] for s in job.suggestions["customer"]} >= {own.id, theirs.id}  # found both
    client = client_for(sales)
    for body in (client.get(f"/api/ingest/{job.id}/"), client.get("/api/ingest/?inbox=true")):
        assert body.status_code == 200
        assert "天津恒通" not in body.content.decode()  # … but names only the one they know
    shown = client.get(f"/api/ingest/{job.id}/").json()["suggestions"]["customer"]
    assert [s["id"] for s in shown] == [own.id]


def test_a_duplicate_of_a_document_the_user_may_not_see_does_not_show_its_number(
    sales, stranger, theirs, contract_type, run_tasks
):
    from tests.ingest.test_review_services import run

    contract = make_pdf(["购销合同", "甲方：天津恒通物流有限公司"])
    filed = run(stranger, contract, "c.pdf", run_tasks, document_type=contract_type)
    number = filed.document.archive_number
    again = run(sales, contract, "c.pdf", run_tasks, document_type=contract_type)
    assert again.duplicate and again.document_id == filed.document_id
    for body in (
        client_for(sales).get(f"/api/ingest/{again.id}/"),
        client_for(sales).get("/api/ingest/"),
    ):
        assert number not in body.content.decode()
    detail = client_for(sales).get(f"/api/ingest/{again.id}/").json()
    assert detail["document_archive_number"] is None and detail["duplicate"] is True
    # whoever may see the document still sees which one it is
    theirs_view = client_for(stranger).get(f"/api/ingest/{filed.id}/").json()
    assert theirs_view["document_archive_number"] == number


def test_the_job_list_makes_as_many_queries_for_8_jobs_as_for_2(
    sales, own, theirs, contract_type, run_tasks, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.ingest.test_review_services import run

    client = client_for(sales)
    lines = ["购销合同", "甲方：天津恒通物流有限公司", "乙方：上海ABC贸易有限公司"]

    def upload(n: int) -> None:
        for i in range(n):
            run(sales, make_pdf([*lines, f"第{i}号"]), f"合同{i}.pdf", run_tasks)
            run(
                sales,
                make_pdf(["报价单", f"第{i}号"]),
                f"报价{i}.pdf",
                run_tasks,
                customer=own,
                document_type=contract_type,
            )

    upload(1)
    client.get("/api/ingest/")  # warm: the token's last use, the access subject
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/ingest/").status_code == 200
    upload(3)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get("/api/ingest/").json()["results"]) == 8
