"""The mailbox source end to end against a real Dovecot: a customer's contact mails a contract;
Docket files the message and its attachment under that customer, once."""

import uuid
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command

from docket.customers.services import contact_create
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document
from docket.ingest.imap import MailboxConfig, fetch_new_messages
from docket.ingest.mail import fetch_mail
from docket.ingest.models import IngestJob
from tests.ingest.test_pipeline import CONTRACT_LINES

if TYPE_CHECKING:
    from tests.ingest.imap_server import ImapServer

pytest_plugins = ["tests.ingest.imap_server"]
pytestmark = pytest.mark.slow


def contract_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "张伟 <ZhangWei@ABC-trading.cn>"
    message["To"] = "archive@docket.example"
    message["Subject"] = "购销合同（盖章版）"
    message.set_content("李经理您好：附件是盖章版购销合同，请归档。")
    message.add_attachment(
        make_pdf(CONTRACT_LINES), maintype="application", subtype="pdf", filename="购销合同.pdf"
    )
    return bytes(message)


@pytest.fixture
def mailbox(imap_server: "ImapServer") -> MailboxConfig:
    folder = f"收件箱-{uuid.uuid4().hex[:8]}"
    imap_server.deliver(contract_mail(), folder)
    return MailboxConfig(
        host=imap_server.host,
        port=imap_server.port,
        username=imap_server.user,
        password=imap_server.password,
        folder=folder,
        processed_folder=f"{folder}/已处理",
    )


def test_a_mailed_contract_is_filed_under_the_senders_customer_once(
    mailbox, customer, contract_type, run_tasks
):
    contact_create(actor=None, customer=customer, name="张伟", email="zhangwei@abc-trading.cn")
    jobs = fetch_mail(mailbox)
    assert [j.source for j in jobs] == [IngestJob.Source.EMAIL]
    assert jobs[0].fields["sender"] == "zhangwei@abc-trading.cn"
    assert fetch_new_messages(mailbox) == []  # marked processed once its job committed
    IngestJob.objects.update(document_type=contract_type)
    run_tasks()
    message_job = IngestJob.objects.get(parent__isnull=True)
    assert message_job.state == IngestJob.State.DONE, message_job.reason
    assert message_job.document.customer == customer
    assert message_job.document.versions.get().mime_type == "message/rfc822"
    attachment = Document.objects.exclude(id=message_job.document_id).get()
    assert attachment.customer == customer
    assert "人民币壹拾贰万捌仟元整" in attachment.versions.get().text
    assert fetch_mail(mailbox) == []


def test_fetchmail_command_reports_an_unreachable_mailbox(settings, db):
    from django.core.management import CommandError

    settings.IMAP = {
        "HOST": "127.0.0.1",
        "PORT": 1,
        "USERNAME": "x",
        "PASSWORD": "y",
        "FOLDER": "INBOX",
        "USE_SSL": False,
    }
    with pytest.raises(CommandError):
        call_command("fetchmail", "--once")
