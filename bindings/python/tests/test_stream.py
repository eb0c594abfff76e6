"""Evidence by stream and by file descriptor through the FFI: read once, hashed while
copied, under a display name given separately; a listener or stream that throws is
handled in words, not with a panic."""

import asyncio
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
    added = run(app.add_evidence_stream(ctx(), case.id, "backup_data", Chunks(data), "录屏 2026/09/30\n.mp4", len(data), "备注", None, None))
    row = added.list.items[0]
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert row.size == len(data)
    assert row.file_name == "30.mp4"


def test_a_file_descriptor_is_taken_over_read_and_closed(vault, make_file):
    app = tuilu.TuiluApp(vault)
    case = app.create_case(ctx(), "douyin.guild-exit", ANSWERS)
    path, sha = make_file("picked.bin", "聊天记录".encode() * 5000)
    fd = os.open(path, os.O_RDONLY)
    added = run(app.add_evidence_fd(ctx(), case.id, None, fd, "微信聊天记录.txt", None, None, None, None))
    assert added.list.items[0].sha256 == sha
    assert added.list.items[0].file_name == "微信聊天记录.txt"
    with pytest.raises(OSError):
        os.fstat(fd)  # closed by the library


def test_a_failing_stream_leaves_nothing_and_a_throwing_listener_is_survived(vault):
    app = tuilu.TuiluApp(vault)
    case = app.create_case(ctx(), "douyin.guild-exit", ANSWERS)
    with pytest.raises(tuilu.AppError.FileProblem) as e:
        run(app.add_evidence_stream(ctx(), case.id, None, Chunks(b"x" * 10_000, fail_after=3), "视频.mp4", None, None, None, None))
    assert e.value.code == tuilu.FileProblemKind.UNREADABLE
    assert "视频.mp4" in e.value.user_message
    assert app.evidence_list(ctx(), case.id, None).items == []

    listener = Throws()
    added = run(app.add_evidence_stream(ctx(), case.id, None, Chunks(b"y" * 5000), "a.txt", 5000, None, listener, None))
    assert added.list.items[0].size == 5000
    assert listener.calls == 1  # called no more after it threw
