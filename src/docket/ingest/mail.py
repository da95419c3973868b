"""The mailbox source: each new message is filed as an .eml document (its attachments follow as
documents of their own, by the pipeline's email parser), under the customer whose contact sent
it. A message is marked processed on the server only after its job has committed in Docket,
so a crash in between fetches it again, and the pipeline's dedupe step files it once."""

import io
import re

from django.conf import settings

from docket.ingest.imap import MailboxConfig, fetch_new_messages, mark_processed
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_submit


def configured_mailbox() -> MailboxConfig | None:
    imap = settings.IMAP
    if not imap["HOST"]:
        return None
    return MailboxConfig(
        host=imap["HOST"],
        port=imap["PORT"],
        username=imap["USERNAME"],
        password=imap["PASSWORD"],
        folder=imap["FOLDER"],
        use_ssl=imap["USE_SSL"],
    )


def fetch_mail(config: MailboxConfig, *, limit: int = 100) -> list[IngestJob]:
    """One pass over the mailbox; raises MailboxError when it cannot be read."""
    jobs = []
    messages = fetch_new_messages(config, limit=limit)
    for message in messages:
        jobs.append(
            ingest_submit(
                actor=None,
                file=io.BytesIO(message.eml),
                filename=_eml_name(message.subject),
                source=IngestJob.Source.EMAIL,
                source_ref=f"imap://{config.username}@{config.host}/{config.folder};"
                f"UIDVALIDITY={message.uidvalidity}/;UID={message.uid}",
                fields={"sender": message.sender, "message_id": message.message_id},
            )
        )
    if messages:
        mark_processed(config, [m.uid for m in messages], uidvalidity=messages[0].uidvalidity)
    return jobs


def _eml_name(subject: str) -> str:
    stem = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", subject).strip(" .")[:100]
    return f"{stem or 'message'}.eml"
