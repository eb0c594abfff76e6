"""The tuilu FFI surface through the generated Python module: a third client of the same
library the Kotlin and Swift apps use."""

import asyncio
import re
import threading

import pytest

import tuilu
from tuilu import ApiError, CancelToken, ProgressListener, TuiluCore


class Recorder(ProgressListener):
    """Records progress; optionally cancels a token or raises on the first call."""

    def __init__(self, cancel=None, raise_error=False):
        self.calls = []
        self.lock = threading.Lock()
        self.cancel = cancel
        self.raise_error = raise_error

    def on_progress(self, done, total):
        with self.lock:
            self.calls.append((done, total))
        if self.cancel is not None:
            self.cancel.cancel()
        if self.raise_error:
            raise RuntimeError("listener bug with /home/someone/secret")


def run(coro):
    return asyncio.run(coro)


# -- version ------------------------------------------------------------------------------


def test_version_is_semver_and_the_same_everywhere(vault):
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", tuilu.core_version())
    assert TuiluCore(vault).version() == tuilu.core_version()


# -- hashing ------------------------------------------------------------------------------


def test_hashes_known_content(make_file, vault):
    core = TuiluCore(vault)
    empty, _ = make_file("empty", b"")
    abc, _ = make_file("abc", b"abc")
    chinese, chinese_digest = make_file("证据-截图.txt", "退路".encode())
    assert run(core.hash_file(empty, None, None)) == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert run(core.hash_file(abc, None, None)) == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert run(core.hash_file(chinese, None, None)) == chinese_digest


def test_large_file_reports_monotonic_progress_ending_at_total(make_file, vault):
    size = 3 * 1024 * 1024 + 17
    path, digest = make_file("large.bin", size=size)
    rec = Recorder()
    assert run(TuiluCore(vault).hash_file(path, rec, None)) == digest
    assert rec.calls[0] == (0, size)
    assert rec.calls[-1] == (size, size)
    assert 3 <= len(rec.calls) <= 102
    assert all(a[0] < b[0] for a, b in zip(rec.calls, rec.calls[1:]))


# -- cancel -------------------------------------------------------------------------------


def test_cancel_token_stops_hashing(make_file, vault):
    path, _ = make_file("cancel.bin", size=4 * 1024 * 1024)
    token = CancelToken()
    rec = Recorder(cancel=token)
    with pytest.raises(ApiError.Cancelled):
        run(TuiluCore(vault).hash_file(path, rec, token))
    assert token.is_cancelled()
    assert len(rec.calls) <= 2


def test_already_cancelled_token_fails_at_once(make_file, vault):
    path, _ = make_file("pre", b"x")
    token = CancelToken()
    token.cancel()
    with pytest.raises(ApiError.Cancelled):
        run(TuiluCore(vault).hash_file(path, None, token))


def test_cancelling_the_task_with_its_token(make_file, vault):
    """The app-side pattern: cancel the asyncio task and the token together."""
    path, _ = make_file("slow.bin", size=8 * 1024 * 1024)

    class Slow(Recorder):
        def on_progress(self, done, total):
            super().on_progress(done, total)
            threading.Event().wait(0.02)

    async def scenario():
        token = CancelToken()
        rec = Slow()
        task = asyncio.ensure_future(TuiluCore(vault).hash_file(path, rec, token))
        while not rec.calls:
            await asyncio.sleep(0.01)
        token.cancel()
        with pytest.raises(ApiError.Cancelled):
            await task
        return len(rec.calls)

    assert run(scenario()) < 30


# -- errors -------------------------------------------------------------------------------


def test_missing_file_is_not_found_without_the_path(tmp_path, vault):
    path = str(tmp_path / "张三-私人" / "合同.pdf")
    with pytest.raises(ApiError.NotFound) as info:
        run(TuiluCore(vault).hash_file(path, None, None))
    assert "张三" not in info.value.detail
    assert "张三" not in str(info.value)


def test_directory_and_empty_path_are_invalid_input(tmp_path, vault):
    core = TuiluCore(vault)
    with pytest.raises(ApiError.InvalidInput):
        run(core.hash_file(str(tmp_path), None, None))
    with pytest.raises(ApiError.InvalidInput):
        run(core.hash_file("", None, None))


def test_raising_listener_becomes_internal_and_the_core_survives(make_file, vault):
    path, digest = make_file("throw.bin", bytes(range(256)) * 4)
    core = TuiluCore(vault)
    with pytest.raises(ApiError.Internal) as info:
        run(core.hash_file(path, Recorder(raise_error=True), None))
    assert "someone" not in info.value.detail
    assert run(core.hash_file(path, None, None)) == digest


def test_every_variant_is_an_api_error():
    for variant in (
        ApiError.InvalidInput("d"),
        ApiError.NotFound("d"),
        ApiError.Conflict("d"),
        ApiError.Storage("d"),
        ApiError.Io("d"),
        ApiError.Cancelled(),
        ApiError.Internal("d"),
    ):
        assert isinstance(variant, ApiError)


# -- concurrency --------------------------------------------------------------------------


def test_eight_concurrent_callers(make_file, xingtu_pack, vault):
    core = TuiluCore(vault)
    files = [make_file(f"concurrent-{i}.bin", size=512 * 1024 + i, seed=i) for i in range(8)]

    async def one(path):
        rec = Recorder()
        digest = await core.hash_file(path, rec, None)
        return digest, len(rec.calls)

    async def all_of_them():
        return await asyncio.gather(*(one(path) for path, _ in files))

    results = run(all_of_them())
    for (_, expected), (digest, calls) in zip(files, results):
        assert digest == expected
        assert calls >= 2

    # And from 8 threads at once, blocking calls included.
    errors = []

    def worker(i):
        try:
            path, expected = files[i]
            assert run(core.hash_file(path, None, None)) == expected
            assert tuilu.check_pack(xingtu_pack).pack == "douyin.xingtu-task-cancel"
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
