"""Evidence by stream and by file descriptor through the FFI: read once, hashed while
copied, under a display name given separately; a listener or stream that throws is
handled in words, not with a panic."""

import asyncio
import datetime as dt
import hashlib
import os

import pytest

import tuilu
from test_screens import ANSWERS, ctx


def run(coro):
    return asyncio.run(coro)


class Chunks(tuilu.EvidenceSource):
    """Gives `data` in pieces of at most 1000 bytes, whatever is asked."""

    def __init__(self, data, fail_after=None):
        self.data = data
        self.at = 0
        self.calls = 0
        self.fail_after = fail_after

    def read(self, max):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise OSError("the provider went away")
        piece = self.data[self.at : self.at + min(max, 1000)]
        self.at += len(piece)
        return piece


class Throws(tuilu.ProgressListener):
    def __init__(self):
        self.calls = 0

    def on_progress(self, done, total):
        self.calls += 1
        raise RuntimeError("a bug in the app's listener")


def test_a_stream_is_added_under_its_display_name_with_any_name(vault):
    app = tuilu.TuiluApp(vault)
    case = app.create_case(ctx(), "douyin.guild-exit", ANSWERS)
    data = bytes(range(256)) * 400
    added = run(app.add_evidence_stream(ctx(), case.id, "backup_data", Chunks(data), "录屏 2026/09/30\n.mp4", len(data), "备注", None, None, None))
    row = added.list.items[0]
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.size == len(data)
    assert row.file_name == "30.mp4"


def test_a_file_descriptor_is_taken_over_read_and_closed(vault, make_file):
    app = tuilu.TuiluApp(vault)
    case = app.create_case(ctx(), "douyin.guild-exit", ANSWERS)
    path, sha = make_file("picked.bin", "聊天记录".encode() * 5000)
    fd = os.open(path, os.O_RDONLY)
    added = run(app.add_evidence_fd(ctx(), case.id, None, fd, "微信聊天记录.txt", None, None, None, None, None))
    assert added.list.items[0].sha256 == sha
    assert added.list.items[0].file_name == "微信聊天记录.txt"
    with pytest.raises(OSError):
        os.fstat(fd)  # closed by the library


def test_the_platforms_capture_time_goes_with_a_descriptor_and_the_core_words_its_source(vault, make_file):
    later = ctx(now="2026-12-07T08:00:00+00:00")
    app = tuilu.TuiluApp(vault)
    case = app.create_case(later, "douyin.guild-exit", ANSWERS)
    name = "Screenshot_20261009-143012_Douyin.png"
    path, _ = make_file("a.png", b"\x89PNG\r\n\x1a\none")
    taken = dt.datetime(2026, 10, 9, 6, 30, 11, tzinfo=dt.timezone.utc)
    captured = tuilu.CaptureTimeRecord(at=taken, source=tuilu.CaptureTimeSource.MEDIA_STORE)
    fd = os.open(path, os.O_RDONLY)
    added = run(app.add_evidence_fd(later, case.id, None, fd, name, None, None, captured, None, None))
    row = added.list.items[0]
    assert row.captured_at == taken
    assert "来自相册记录" in row.captured_text
    # Without it, the screenshot's name: 14:30:12 Beijing time, worded as a guess.
    path, _ = make_file("b.png", b"\x89PNG\r\n\x1a\ntwo")
    fd = os.open(path, os.O_RDONLY)
    added = run(app.add_evidence_fd(later, case.id, None, fd, name, None, None, None, None, None))
    row = next(i for i in added.list.items if i.id == added.item_id)
    assert row.captured_at == dt.datetime(2026, 10, 9, 6, 30, 12, tzinfo=dt.timezone.utc)
    assert "来自文件名（可能不准）" in row.captured_text


def test_a_failing_stream_leaves_nothing_and_a_throwing_listener_is_survived(vault):
    app = tuilu.TuiluApp(vault)
    case = app.create_case(ctx(), "douyin.guild-exit", ANSWERS)
    with pytest.raises(tuilu.AppError.FileProblem) as e:
        run(app.add_evidence_stream(ctx(), case.id, None, Chunks(b"x" * 10_000, fail_after=3), "视频.mp4", None, None, None, None, None))
    assert e.value.code == tuilu.FileProblemKind.UNREADABLE
    assert "视频.mp4" in e.value.user_message
    assert app.evidence_list(ctx(), case.id, None).items == []

    listener = Throws()
    added = run(app.add_evidence_stream(ctx(), case.id, None, Chunks(b"y" * 5000), "a.txt", 5000, None, None, listener, None))
    assert added.list.items[0].size == 5000
    assert listener.calls == 1  # called no more after it threw
