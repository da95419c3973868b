"""The `docket` command: one entry point for administrators. Each subcommand is a Django
management command underneath; `docket --help` lists Docket's own."""

import os
import sys

COMMANDS = {
    "serve": ("serve", "serve the web app (and, with --with-worker, a background worker)"),
    "worker": ("worker", "run background jobs: the ingest pipeline, OCR, text extraction"),
    "migrate": ("migrate", "create or upgrade the database schema"),
    "createadmin": ("createadmin", "create an administrator account"),
    "unlock": ("unlock", "unlock an account locked after failed logins"),
    "import": ("import_tree", "import a folder tree: one subfolder per customer"),
    "export": ("export_tree", "export documents to a folder tree with a manifest"),
    "upload": ("upload", "upload one or more files to a customer (no pipeline)"),
    "ingest": ("ingest", "send files through the pipeline: sniff, text, OCR, suggest, file"),
    "watch": ("watch", "file what scanners drop into a watched folder"),
    "fetchmail": ("fetchmail", "file new e-mail from the configured IMAP mailbox"),
    "train": ("train", "retrain the customer/type/tag suggestion model"),
    "naming": ("naming", "naming rules: report names off the rule, apply a changed rule"),
    "search": ("search", "search documents as the API does (words, phrases, filters)"),
    "reindex": ("reindex", "rebuild the full-text search index"),
    "check": ("check_blobs", "verify every version's blob exists and matches its SHA-256"),
    "keys": ("keys", "encryption at rest: generate a key, encrypt existing blobs, rotate"),
    "demo": ("demo", "load demo customers and documents"),
    "audit": ("audit", "audit trail: verify its hash chain, export events (CSV, JSONL)"),
}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "docket.settings")
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print("usage: docket COMMAND [options]   (docket COMMAND --help for its options)\n")
        for name, (_, text) in COMMANDS.items():
            print(f"  {name:<12} {text}")
        print("\nAny other Django management command also works, e.g. `docket shell`.")
        return
    name = argv[0]
    command = COMMANDS.get(name, (name, ""))[0]
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line([f"docket {name}", command, *argv[1:]])
    except BrokenPipeError:
        # The reader went away (`docket audit export | head`): stop quietly, as Unix tools
        # do. Python would otherwise complain again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
