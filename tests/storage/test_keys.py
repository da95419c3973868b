"""`docket keys`: encrypting blobs stored before the key was set, rotating the key, and the
command around them, on each backend."""

import hashlib
import io
import os

import pytest
from django.core.management import CommandError, call_command

from docket.storage import blobstore, keys
from docket.storage.blobstore import CHUNK_SIZE
from docket.storage.crypto import HEADER_SIZE, MAGIC, KeyNotConfigured
from docket.storage.local import LocalBlobStore
from tests.storage.conftest import KEY, NEW_KEY, keyring

pytestmark = pytest.mark.parametrize(
    "blob_store", ["local", pytest.param("s3", marks=pytest.mark.s3)], indirect=True
)

CONTENTS = [
    "上海ABC贸易有限公司 合同金额 ¥128,000.00".encode(),
    b"%PDF-1.4 scan",
    os.urandom(2 * CHUNK_SIZE + 9),
]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_id(key: str) -> str:
    return keyring(key).current.key_id.hex()


def put_all(store, contents=CONTENTS) -> list[str]:
    return [store.put(io.BytesIO(data)).sha256 for data in contents]


def assert_all_readable(store, contents=CONTENTS) -> None:
    for data in contents:
        assert store.read_bytes(sha(data)) == data
        assert store.measure(sha(data)) == (len(data), sha(data))


def test_encrypt_existing_encrypts_plaintext_blobs_in_place_and_is_idempotent(blob_store, read_raw):
    names = put_all(blob_store)  # stored before there was a key
    blob_store.keyring = keyring(KEY)

    first = keys.encrypt_existing(blob_store)
    stored = {name: read_raw(name) for name in names}
    second = keys.encrypt_existing(blob_store)

    assert first.counts == {keys.ENCRYPTED: 3} and first.ok
    assert second.counts == {keys.ALREADY_ENCRYPTED: 3}
    assert {name: read_raw(name) for name in names} == stored  # the second run wrote nothing
    for data in CONTENTS:
        assert stored[sha(data)].startswith(MAGIC) and data not in stored[sha(data)]
    assert_all_readable(blob_store)


def test_encrypt_existing_leaves_a_damaged_plaintext_blob_as_it_is(blob_store, write_raw):
    put_all(blob_store)
    damaged = sha(b"what the row names")
    write_raw(damaged, b"bit rot")
    blob_store.keyring = keyring(KEY)

    report = keys.encrypt_existing(blob_store)

    assert report.counts == {keys.ENCRYPTED: 3, keys.FAILED: 1}
    assert report.failures == [(damaged, f"blob {damaged} hashes to {sha(b'bit rot')}: "
                                "damaged, left unencrypted")]  # fmt: skip
    assert blob_store.read_bytes(damaged) == b"bit rot"  # still plaintext, still found by check


def test_encrypt_existing_resumes_after_a_crash_mid_rewrite(blob_store, read_raw, monkeypatch):
    names = put_all(blob_store)
    blob_store.keyring = keyring(KEY)
    real_replace = blob_store.replace_stored
    calls = []

    def crash_on_second(sha256, write) -> None:
        calls.append(sha256)
        if len(calls) == 2:
            # The temp file is complete; the process dies before it is renamed into place.
            real_replace(sha256, lambda out: (write(out), _raise(KeyboardInterrupt())))
        real_replace(sha256, write)

    monkeypatch.setattr(blob_store, "replace_stored", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        keys.encrypt_existing(blob_store)
    monkeypatch.undo()

    crashed = calls[1]
    assert not read_raw(crashed).startswith(MAGIC)  # the old bytes, intact
    assert read_raw(calls[0]).startswith(MAGIC)
    assert_all_readable(blob_store)
    resumed = keys.encrypt_existing(blob_store)
    assert resumed.counts == {keys.ENCRYPTED: 2, keys.ALREADY_ENCRYPTED: 1}
    assert all(read_raw(name).startswith(MAGIC) for name in names)
    assert_all_readable(blob_store)
    if isinstance(blob_store, LocalBlobStore):
        assert list(blob_store.tmp_dir.iterdir()) == []


def _raise(error: BaseException) -> None:
    raise error


def test_rotate_rewraps_every_blob_so_only_the_new_key_is_needed(blob_store, read_raw):
    blob_store.keyring = keyring(KEY)
    names = put_all(blob_store)
    before = {name: read_raw(name) for name in names}
    blob_store.keyring = keyring(NEW_KEY, old=KEY)

    report = keys.rotate(blob_store)

    assert report.counts == {keys.REWRAPPED: 3} and report.ok
    for name in names:
        after = read_raw(name)
        assert after[28:36].hex() == key_id(NEW_KEY)
        assert after[HEADER_SIZE:] == before[name][HEADER_SIZE:]  # only the header changed
    blob_store.keyring = keyring(NEW_KEY)  # the old key is gone from the configuration
    assert_all_readable(blob_store)
    blob_store.keyring = keyring(KEY)  # and the old key alone no longer opens them
    with pytest.raises(KeyNotConfigured, match=key_id(NEW_KEY)):
        blob_store.open(names[0])


def test_rotate_is_idempotent_and_reports_plaintext_blobs(blob_store):
    plain = blob_store.put(io.BytesIO(b"stored before encryption")).sha256
    blob_store.keyring = keyring(KEY)
    put_all(blob_store)
    blob_store.keyring = keyring(NEW_KEY, old=KEY)

    keys.rotate(blob_store)
    again = keys.rotate(blob_store)

    assert again.counts == {keys.ALREADY_CURRENT: 3, keys.PLAINTEXT: 1}
    assert blob_store.read_bytes(plain) == b"stored before encryption"


def test_reads_keep_working_while_a_rotation_is_half_done(blob_store, monkeypatch):
    blob_store.keyring = keyring(KEY)
    put_all(blob_store)
    blob_store.keyring = keyring(NEW_KEY, old=KEY)
    real_replace = blob_store.replace_stored
    done = []

    def stop_after_one(sha256, write) -> None:
        if done:
            raise KeyboardInterrupt
        real_replace(sha256, write)
        done.append(sha256)

    monkeypatch.setattr(blob_store, "replace_stored", stop_after_one)
    with pytest.raises(KeyboardInterrupt):
        keys.rotate(blob_store)
    monkeypatch.undo()

    assert keys.key_status(blob_store) == {
        f"key {key_id(NEW_KEY)} (current)": 1,
        f"key {key_id(KEY)} (old)": 2,
    }
    assert_all_readable(blob_store)  # both keys are accepted meanwhile
    assert keys.rotate(blob_store).counts == {keys.REWRAPPED: 2, keys.ALREADY_CURRENT: 1}


def test_rotate_names_a_blob_whose_key_is_not_configured(blob_store):
    blob_store.keyring = keyring(KEY)
    name = put_all(blob_store)[0]
    blob_store.keyring = keyring(NEW_KEY)  # the old key was dropped too early

    report = keys.rotate(blob_store)

    assert report.counts[keys.FAILED] == 3
    assert report.failures[0][0] in {sha(d) for d in CONTENTS}
    assert all(f"key id {key_id(KEY)}" in why for _, why in report.failures)
    blob_store.keyring = keyring(KEY)
    assert blob_store.read_bytes(name) == CONTENTS[0]  # untouched


def test_encrypt_and_rotate_need_a_current_key(blob_store):
    from django.core.exceptions import ImproperlyConfigured

    for run in (keys.encrypt_existing, keys.rotate):
        with pytest.raises(ImproperlyConfigured, match="DOCKET_ENCRYPTION_KEY is not set"):
            run(blob_store)


# The command, on the store settings configure (the autouse blob_root fixture: local).


@pytest.fixture
def configured(settings, blob_store, s3_config_if_s3):
    def configure(current: str = "", old: str = "") -> None:
        settings.BLOB_STORE = {
            **(s3_config_if_s3 or settings.BLOB_STORE),
            "ENCRYPTION_KEY": current,
            "ENCRYPTION_OLD_KEYS": old,
        }
        blobstore.get_blob_store.cache_clear()

    yield configure
    blobstore.get_blob_store.cache_clear()


@pytest.fixture
def s3_config_if_s3(blob_store, request):
    # s3_config is the one blob_store was made from: the same bucket.
    return None if isinstance(blob_store, LocalBlobStore) else request.getfixturevalue("s3_config")


def run_keys(capsys, *args: str) -> tuple[bool, str]:
    try:
        call_command("keys", *args, "--no-progress")
        ok = True
    except CommandError as error:
        ok = False
        print(error)
    return ok, capsys.readouterr().out


def test_the_command_turns_encryption_on_and_rotates(configured, capsys):
    configured()
    put_all(blobstore.get_blob_store())

    configured(KEY)
    ok, out = run_keys(capsys, "encrypt-existing")
    assert ok and "3 blobs: 3 encrypted." in out
    ok, out = run_keys(capsys, "status")
    assert f"3  key {key_id(KEY)} (current)" in out

    configured(NEW_KEY, old=KEY)
    ok, out = run_keys(capsys, "rotate")
    assert ok and "3 blobs: 3 rewrapped." in out and "wrapped by the current key" in out
    ok, out = run_keys(capsys, "rotate")
    assert ok and "3 blobs: 3 already current." in out

    configured(NEW_KEY)
    assert_all_readable(blobstore.get_blob_store())


def test_the_command_fails_clearly_without_a_key_or_with_unreadable_blobs(configured, capsys):
    configured()
    ok, out = run_keys(capsys, "rotate")
    assert not ok and "DOCKET_ENCRYPTION_KEY is not set" in out

    configured(KEY)
    put_all(blobstore.get_blob_store())
    configured(NEW_KEY)
    ok, out = run_keys(capsys, "rotate")
    assert not ok
    assert f"FAILED {sha(CONTENTS[0])}: blob {sha(CONTENTS[0])} is encrypted with key id" in out
    assert "3 blobs could not be rewrapped" in out
