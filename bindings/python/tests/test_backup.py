"""Encrypted backup and restore through the generated Python module: a round trip with
100 evidence files into a new vault, bad input (each a typed error, the vault untouched),
cancellation leaving no file, and progress."""

import asyncio
import datetime as dt
import os
import pathlib
import threading

import pytest

from tuilu import (
    ApiError,
    CancelToken,
    EvidenceSource,
    Fact,
    FactValue,
    NewEvidenceRecord,
    ProgressListener,
    TuiluCore,
)

SCENARIO = "douyin.guild-exit"
NOW = dt.datetime(2026, 9, 29, 8, 0, tzinfo=dt.timezone.utc)
PASS = "门前大桥下 游过一群鸭"


def run(coro):
    return asyncio.run(coro)


def facts():
    values = {"has_unsettled_earnings": False, "has_violation_record": False, "contract_ended": True}
    return [Fact(id=k, value=FactValue.BOOL(value=v)) for k, v in values.items()]


def evidence(case_id):
    return NewEvidenceRecord(case_id=case_id, source=EvidenceSource.IMPORT)


class Recorder(ProgressListener):
    def __init__(self, cancel=None):
        self.calls = []
        self.lock = threading.Lock()
        self.cancel = cancel

    def on_progress(self, done, total):
        with self.lock:
            self.calls.append((done, total))
        if self.cancel is not None and done > 0:
            self.cancel.cancel()


def filled(vault, cases=3, files=100):
    core = TuiluCore(vault)
    ids = [core.create_case(SCENARIO, facts(), NOW).id for _ in range(cases)]
    for i in range(files):
        body = (f"证据 {i} ".encode() * (1 + i * 37))[: 100 + i * 211]
        run(core.add_evidence_bytes(evidence(ids[i % cases]), f"截图{i}.txt", body, NOW, None, None))
    return core, ids


def backup(core, path):
    return run(core.create_backup(str(path), PASS, NOW, 10, None, None))


def snapshot(core):
    cases = core.list_cases(True, NOW)
    return (
        [core.get_case(c.id, NOW) for c in cases],
        [core.list_evidence(c.id, NOW) for c in cases],
    )


def tree(folder):
    """The vault's files except the database (closing the open connection before a
    restore checkpoints its WAL into the file: same content, other bytes)."""
    out = {}
    for p in sorted(pathlib.Path(folder).rglob("*")):
        if p.is_file() and not p.name.startswith("tuilu.sqlite3") and not p.name.endswith(".lock"):
            out[str(p.relative_to(folder))] = p.read_bytes()
    return out


def test_round_trip_into_a_new_vault(tmp_path):
    core, ids = filled(str(tmp_path / "phone"))
    out = tmp_path / "备份.tuilu-backup"
    rec = Recorder()
    made = run(core.create_backup(str(out), PASS, NOW, 10, rec, None))
    assert made.size == out.stat().st_size
    counts = made.manifest.counts
    assert (counts.cases, counts.evidence_items, counts.evidence_files) == (3, 100, 100)
    assert rec.calls and rec.calls[-1][0] == rec.calls[-1][1]
    assert core.last_backup().created_at == NOW

    seen = run(core.inspect_backup(str(out), PASS, None, None))
    assert seen.manifest == made.manifest and seen.entries_checked == 101

    other = TuiluCore(str(tmp_path / "new-phone"))
    rec = Recorder()
    restored = run(other.restore_backup(str(out), PASS, False, NOW, rec, None))
    assert not restored.replaced and restored.evidence_items_verified == 100
    assert snapshot(other) == snapshot(core)
    assert run(other.verify_evidence(None, NOW, None, None)).intact
    done = [d for d, _ in rec.calls]
    assert done == sorted(done) and rec.calls[-1][0] == rec.calls[-1][1]


def test_restore_over_cases_needs_replace(tmp_path):
    a, _ = filled(str(tmp_path / "a"), cases=1, files=3)
    b, _ = filled(str(tmp_path / "b"), cases=2, files=2)
    out = tmp_path / "a.backup"
    backup(a, out)
    with pytest.raises(ApiError.Conflict) as e:
        run(b.restore_backup(str(out), PASS, False, NOW, None, None))
    assert e.value.detail == "backup vault_has_cases"
    run(b.restore_backup(str(out), PASS, True, NOW, None, None))
    # The core now reads the restored vault.
    assert snapshot(b) == snapshot(a)


def test_bad_input_is_typed_and_leaves_the_vault(tmp_path):
    src, _ = filled(str(tmp_path / "src"), cases=1, files=20)
    good = tmp_path / "good.backup"
    backup(src, good)
    data = good.read_bytes()
    vault = str(tmp_path / "vault")
    core, _ = filled(vault, cases=1, files=2)
    before = tree(vault)
    state = snapshot(core)

    def restore(path, passphrase=PASS):
        with pytest.raises(ApiError) as e:
            run(core.restore_backup(str(path), passphrase, True, NOW, None, None))
        assert tree(vault) == before
        assert snapshot(core) == state
        assert run(core.verify_evidence(None, NOW, None, None)).intact
        assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]
        return e.value

    e = restore(good, "鸭子")
    assert isinstance(e, ApiError.InvalidInput) and e.detail == "backup wrong_passphrase"

    cut = tmp_path / "cut"
    cut.write_bytes(data[: len(data) // 2])
    assert restore(cut).detail == "backup truncated"

    changed = bytearray(data)
    changed[len(data) // 3] ^= 1
    bad = tmp_path / "changed"
    bad.write_bytes(bytes(changed))
    assert restore(bad).detail == "backup damaged"

    junk = tmp_path / "photo.jpg"
    junk.write_bytes(b"\xff\xd8\xff not a backup")
    assert restore(junk).detail == "backup not_a_backup"

    e = restore(tmp_path / "missing")
    assert isinstance(e, ApiError.NotFound)


def test_cancelled_backup_leaves_no_file(tmp_path):
    core = TuiluCore(str(tmp_path / "vault"))
    case = core.create_case(SCENARIO, facts(), NOW).id
    big = os.urandom(8 * 1024 * 1024)
    run(core.add_evidence_bytes(evidence(case), "video.bin", big, NOW, None, None))
    outdir = tmp_path / "out"
    outdir.mkdir()
    token = CancelToken()
    rec = Recorder(cancel=token)
    with pytest.raises(ApiError.Cancelled):
        run(core.create_backup(str(outdir / "b.backup"), PASS, NOW, 10, rec, token))
    assert rec.calls and rec.calls[-1][0] < 8 * 1024 * 1024
    assert os.listdir(outdir) == []
