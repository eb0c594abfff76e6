"""Long work and the rest of the app's events through the FFI: evidence, bundles, the
calendar, notification actions, backups, and a case carried to the end."""

import asyncio
import datetime as dt
import zipfile

import pytest

import tuilu
from test_screens import ANSWERS, Recorder, ctx

PNG = b"\x89PNG\r\n\x1a\nnot really a picture"


class Progress(tuilu.ProgressListener):
    def __init__(self):
        self.calls = []

    def on_progress(self, done, total):
        self.calls.append((done, total))


def run(coro):
    return asyncio.run(coro)


def new_case(app):
    return app.create_case(ctx(), "douyin.guild-exit", ANSWERS)


def test_evidence_add_verify_export_and_bundle_check(vault, make_file, tmp_path):
    app = tuilu.TuiluApp(vault)
    case = new_case(app)
    rec = Recorder()
    app.add_observer(rec)
    path, sha = make_file("聊天记录.png", PNG)
    progress = Progress()
    added = run(app.add_evidence_file(ctx(), case.id, "backup_data", path, "群聊截图", None, progress, None))
    assert not added.duplicate
    assert added.notice.startswith("已添加「聊天记录.png」")
    assert progress.calls[-1] == (len(PNG), len(PNG))
    row = added.list.items[0]
    assert row.sha256 == sha and row.note == "群聊截图"
    assert row.verify_state == tuilu.VerifyState.UNCHECKED
    assert (tuilu.ChangeKind.EVIDENCE_CHANGED, case.id) in rec.changes

    again = run(app.add_evidence_bytes(ctx(), case.id, "record_communications", "shared.png", PNG, None, None, None, None))
    assert again.duplicate and again.item_id == added.item_id
    assert "现在也作为" in again.notice

    checked = run(app.verify_evidence(ctx(lang=tuilu.Language.EN), case.id, None, None, None))
    assert checked.verify_intact is True
    assert checked.verify_summary.startswith("Checked 1 item: all intact")
    assert checked.items[0].verify_state == tuilu.VerifyState.INTACT

    out = str(tmp_path / "dispute.zip")
    preview = app.bundle_preview(ctx(), case.id, False)
    assert preview.files == 1 and preview.withheld_facts and not preview.facts
    done = run(app.export_bundle(ctx(), case.id, out, False, None, None))
    assert done.count == 1 and len(done.sha256) == 64
    assert zipfile.is_zipfile(out)
    check = run(app.verify_bundle(ctx(), out, None, None))
    assert check.intact and check.headline.startswith("证据包完好")

    with pytest.raises(tuilu.AppError.FileProblem) as e:
        run(app.export_bundle(ctx(), case.id, out, True, None, None))
    assert e.value.code == tuilu.FileProblemKind.OUTPUT_EXISTS
    with pytest.raises(tuilu.AppError.FileProblem) as e:
        run(app.add_evidence_file(ctx(lang=tuilu.Language.EN), case.id, None, str(tmp_path / "gone.png"), None, None, None, None))
    assert e.value.user_message == "File not found: gone.png"


def test_a_cancelled_token_stops_an_add_and_leaves_nothing(vault, make_file):
    app = tuilu.TuiluApp(vault)
    case = new_case(app)
    path, _ = make_file("big.bin", size=4 << 20)
    token = tuilu.CancelToken()
    token.cancel()
    with pytest.raises(tuilu.AppError.Cancelled) as e:
        run(app.add_evidence_file(ctx(), case.id, None, path, None, None, None, token))
    assert e.value.user_message == "已取消，未留下任何内容"
    run(token.join())
    assert app.evidence_list(ctx(), case.id, None).items == []


def test_notification_actions_calendar_and_a_finished_case(vault, tmp_path):
    app = tuilu.TuiluApp(vault)
    case = new_case(app)
    for step in ["check_account_status", "backup_data", "read_contract_and_negotiate"]:
        app.step_action(ctx(), case.id, step, tuilu.StepAction.DONE, None, None, None)
    now = ctx("2026-09-30T09:00:00+00:00")
    app.step_action(now, case.id, "submit_exit", tuilu.StepAction.SUBMIT, None, None, None)
    sync = app.reminder_sync(now, [])
    n = next(x for x in sync.schedule if x.step_id == "submit_exit")
    assert [a.id for a in n.actions][-1] == "snooze"
    snoozed = app.snooze_reminder(now, n.id, tuilu.SnoozeChoice.ONE_HOUR, [])
    assert any(x.id == n.id for x in snoozed.schedule)
    app.reminders_delivered(now, [n.token])
    after = app.notification_action(now, n.id, "done", [])
    assert all(x.step_id != "submit_exit" for x in after.schedule)
    with pytest.raises(tuilu.AppError.NotFound):
        app.notification_action(now, n.id, "nope", [])

    ics = str(tmp_path / "tuilu.ics")
    written = app.export_calendar(now, None, ics)
    assert open(ics, encoding="utf-8").read().startswith("BEGIN:VCALENDAR")
    assert written.notice.startswith("已导出")

    from conftest import REPO
    year = (REPO / "core/data/holidays-cn/2026.json").read_text(encoding="utf-8").replace("2026", "2028")
    view = app.import_holiday_year(now, year.encode())
    assert not next(y for y in view.calendar_years if y.year == 2028).estimated
    with pytest.raises(tuilu.AppError):
        app.import_holiday_year(now, b"{}")

    # Every step left, done: the case ends settled, and home says so.
    screen = app.case_screen(now, case.id)
    while True:
        nxt = next((s for s in screen.steps if any(a.action == tuilu.StepAction.DONE for a in s.actions)), None)
        if nxt is None:
            break
        screen = app.step_action(now, case.id, nxt.id, tuilu.StepAction.DONE, None, None, None)
    assert screen.settled == screen.total
    assert f"{screen.total}/{screen.total}" in app.home(now).cases[0].progress_text


def test_backup_round_trip_and_a_wrong_passphrase(vault, tmp_path):
    app = tuilu.TuiluApp(vault)
    case = new_case(app)
    run(app.add_evidence_bytes(ctx(), case.id, "backup_data", "a.png", PNG, None, None, None, None))
    before = app.backup_section(ctx())
    assert before.last_backup_at is None and before.due
    assert not app.passphrase_hint(ctx(), "5201314").accepted
    assert app.passphrase_hint(ctx(), "correct horse battery staple").label == "强"
    assert not app.passphrase_hint(ctx(), "woaini1314520").accepted
    assert len(app.new_recovery_code(ctx()).code) == 35
    file = str(tmp_path / "tuilu.backup")
    made = run(app.create_backup(ctx(), file, "correct horse battery staple", 10, Progress(), None))
    assert made.cases == 1 and made.contents_text.startswith("1 个案件、1 份证据文件")
    after = app.backup_section(ctx())
    assert after.last_backup_at is not None and not after.due
    assert after.last_backup_text.startswith("上次备份：")
    with pytest.raises(tuilu.AppError.Backup) as e:
        run(app.inspect_backup(ctx(), file, "wrong", None, None))
    assert e.value.kind == tuilu.BackupErrorKind.WRONG_PASSPHRASE and e.value.user_message.startswith("口令不对")

    other = tuilu.TuiluApp(str(tmp_path / "phone2"))
    restored = run(other.restore_backup(ctx(lang=tuilu.Language.EN), file, "correct horse battery staple", False, None, None))
    assert restored.headline == "Restored from the backup" and not restored.replaced
    assert [c.id for c in other.home(ctx()).cases] == [case.id]
    assert len(other.evidence_list(ctx(), case.id, None).items) == 1
    with pytest.raises(tuilu.AppError.Backup) as e:
        run(other.restore_backup(ctx(), file, "correct horse battery staple", False, None, None))
    assert e.value.kind == tuilu.BackupErrorKind.VAULT_HAS_CASES


def test_added_packs_survive_a_restart(vault, xingtu_pack, broken_xingtu_pack):
    app = tuilu.TuiluApp(vault)
    assert app.add_pack(xingtu_pack) == "douyin.xingtu-task-cancel"
    with pytest.raises(tuilu.AppError.Refused) as e:
        app.add_pack(broken_xingtu_pack)
    assert e.value.code == tuilu.ErrorKind.INVALID_PACK
    ids = [s.id for g in tuilu.TuiluApp(vault).scenario_picker(ctx()).groups for s in g.scenarios]
    assert "douyin.xingtu-task-cancel" in ids
    assert tuilu.core_version() == tuilu.TuiluApp(vault).version()
    assert dt.datetime  # the module's timestamps are aware datetimes (see test_screens)


def test_rule_updates_from_bytes_refuse_an_unsigned_release_and_record_the_check(vault, xingtu_pack):
    app = tuilu.TuiluApp(vault)
    view = app.rule_updates_view(ctx())
    assert view.last_check_text == "尚未检查规则更新"
    assert view.check_due and view.base_url_is_default
    assert any(p.text.startswith("抖音：") and p.source == "bundled" for p in view.packs)

    index = (
        '{"format":1,"released":"2026-12-07","packs":[{"scenario":"douyin.xingtu-task-cancel",'
        '"version":"9.0.0","sha256":"' + "0" * 64 + '","file":"douyin.xingtu-task-cancel.json",'
        '"min_app_version":"0.1.0","released":"2026-12-07","notes":{"zh":"改","en":"changed"}}]}'
    ).encode()
    signed = tuilu.SignedIndexRecord(
        index=index, index_sig=b"untrusted comment: no\nnot a signature\n", key_list=None, key_list_sig=None
    )
    assert app.rule_update_files_needed(ctx(), signed) == []
    result = app.install_rule_update(
        ctx(), signed, [tuilu.ReleaseFileRecord(name="douyin.xingtu-task-cancel.json", bytes=xingtu_pack.encode())]
    )
    assert result.outcome == "refused" and not result.installed
    assert result.refusal_kind == "malformed"
    assert result.message.startswith("规则更新被拒绝，未做任何更改：")
    ids = {s.id: s.pack_version for g in app.scenario_picker(ctx()).groups for s in g.scenarios}
    assert ids["douyin.xingtu-task-cancel"] != "9.0.0"

    failed = app.record_rule_update_failure(ctx(lang=tuilu.Language.EN), "HTTP 503")
    assert failed.outcome == "failed"
    assert failed.message == "Could not fetch the rule update; nothing was changed. HTTP 503"
    view = app.set_rule_update_source(ctx(), "https://mirror.example.cn/tuilu/v1/", False)
    assert view.base_url == "https://mirror.example.cn/tuilu/v1/"
    assert not view.last_check_ok and view.last_check_text.startswith("上次检查：")
