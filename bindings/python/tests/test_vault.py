"""The vault-backed surface (cases, evidence, reminders, iCalendar export) through the
generated Python module, mirroring the Kotlin tests."""

import asyncio
import datetime as dt
import hashlib
import os
import pathlib
import re
import threading
import zoneinfo

import pytest

from tuilu import (
    ApiError,
    CancelToken,
    EvidenceSource,
    Fact,
    FactValue,
    Language,
    NewEvidenceRecord,
    ProgressListener,
    QuietHoursRecord,
    ReminderKind,
    SnoozeChoice,
    StepAction,
    StepStatus,
    TimeZoneRules,
    TransitionOptionsRecord,
    TuiluCore,
    default_reminder_settings,
)

SCENARIO = "douyin.guild-exit"
PREREQUISITES = ["check_account_status", "backup_data", "read_contract_and_negotiate"]


def t(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


CREATED = t("2026-09-29T08:00:00Z")
SUBMITTED = t("2026-09-30T09:00:00Z")  # the eve of National Day
DURING = t("2026-10-01T06:00:00Z")


def guild_facts(**extra):
    facts = {"has_unsettled_earnings": False, "has_violation_record": False, "contract_ended": True}
    facts.update(extra)
    return [Fact(id=k, value=FactValue.BOOL(value=v)) for k, v in facts.items()]


def run(coro):
    return asyncio.run(coro)


def step(core, case_id, step_id, action, now, **options):
    return core.transition_step(case_id, step_id, action, TransitionOptionsRecord(**options), now)


def submitted_case(core, at=SUBMITTED):
    created = CREATED if at == SUBMITTED else at - dt.timedelta(hours=1)
    case = core.create_case(SCENARIO, guild_facts(), created)
    for s in PREREQUISITES:
        step(core, case.id, s, StepAction.DONE, created)
    step(core, case.id, "submit_exit", StepAction.SUBMIT, at)
    return core.get_case(case.id, DURING if at == SUBMITTED else at)


def find(case, step_id):
    return next(s for s in case.steps + case.dropped_steps if s.id == step_id)


def evidence(case_id, **kw):
    return NewEvidenceRecord(case_id=case_id, source=kw.pop("source", EvidenceSource.IMPORT), **kw)


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


@pytest.fixture
def core(vault):
    return TuiluCore(vault)


def stored_files(vault):
    root = pathlib.Path(vault, "evidence")
    return [p for sub in ("sha256", "tmp") for p in (root / sub).rglob("*") if p.is_file()]


# -- cases ----------------------------------------------------------------------------------


def test_transitions_dependency_error_and_undo(core):
    assert core.open_vault(CREATED) >= 2
    case = core.create_case(SCENARIO, guild_facts(), CREATED)
    assert [f.id for f in case.facts] == ["contract_ended", "has_unsettled_earnings", "has_violation_record"]
    assert case.facts[0].value == FactValue.BOOL(value=True)
    with pytest.raises(ApiError.Conflict) as e:
        step(core, case.id, "submit_exit", StepAction.SUBMIT, CREATED)
    assert "check_account_status" in e.value.detail and "to do" in e.value.detail
    assert e.value.detail.startswith("dependency not done")  # the reason the apps show
    assert not any(s.can_undo for s in case.steps)
    assert not StepAction.UNDO.allowed_from(StepStatus.TODO)
    with pytest.raises(ApiError.NotFound) as missing:
        step(core, case.id, "nope", StepAction.START, CREATED)
    assert missing.value.detail.startswith("no such step")
    started = step(core, case.id, "check_account_status", StepAction.START, CREATED, note="看过了")
    assert (started.from_status, started.to_status) == (StepStatus.TODO, StepStatus.IN_PROGRESS)
    for s in PREREQUISITES:
        step(core, case.id, s, StepAction.DONE, CREATED)
    submitted = step(core, case.id, "submit_exit", StepAction.SUBMIT, SUBMITTED)
    assert submitted.to_status == StepStatus.SUBMITTED
    assert find(core.get_case(case.id, DURING), "submit_exit").can_undo
    undo = step(core, case.id, "submit_exit", StepAction.UNDO, DURING)
    assert undo.to_status == StepStatus.TODO and undo.undoes == submitted.seq
    assert not find(core.get_case(case.id, DURING), "submit_exit").can_undo
    with pytest.raises(ApiError.Conflict) as nothing:
        step(core, case.id, "submit_exit", StepAction.UNDO, DURING)
    assert nothing.value.detail.startswith("nothing to undo")
    assert find(core.get_case(case.id, DURING), "submit_exit").deadline is None
    journal = core.case_journal(case.id, DURING)
    assert journal[0].kind == "case_created" and journal[-1].kind == "undo"


def test_deadline_over_national_day(core):
    case = submitted_case(core)
    d = find(case, "submit_exit").deadline
    assert d.latest_date == "2026-10-10"
    assert d.earliest_date == "2026-10-08"
    assert d.deadline_utc == t("2026-10-10T15:59:59Z")
    assert d.deadline_beijing == "2026-10-10T23:59:59+08:00"
    assert case.next_deadline.step_id == "submit_exit"
    late = core.get_case(case.id, t("2026-10-11T00:00:00Z"))
    assert late.overdue_steps == ["submit_exit"]


def test_facts_change_drops_a_step(core):
    case = core.create_case(SCENARIO, guild_facts(guild_obstructs=True), CREATED)
    step(core, case.id, "record_communications", StepAction.DONE, CREATED)
    step(core, case.id, "report_obstruction", StepAction.START, CREATED)
    report = core.set_case_facts(case.id, guild_facts(guild_obstructs=False)[-1:], [], CREATED)
    assert [s.id for s in report.dropped] == ["report_obstruction"]
    assert report.dropped[0].status == StepStatus.IN_PROGRESS
    view = core.get_case(case.id, CREATED)
    assert "report_obstruction" not in [s.id for s in view.steps]
    assert not find(view, "report_obstruction").in_plan
    with pytest.raises(ApiError.Conflict):
        step(core, case.id, "report_obstruction", StepAction.DONE, CREATED)


def test_errors(core):
    case = core.create_case(SCENARIO, guild_facts(), CREATED)
    with pytest.raises(ApiError.NotFound):
        core.get_case("zzzzzzzz", CREATED)
    with pytest.raises(ApiError.NotFound):
        step(core, case.id, "nope", StepAction.START, CREATED)
    with pytest.raises(ApiError.Conflict):
        step(core, case.id, "backup_data", StepAction.UNDO, CREATED)
    with pytest.raises(ApiError.InvalidInput):
        step(core, case.id, "backup_data", StepAction.DONE, CREATED, at=t("2026-09-29T10:00:00Z"))


def test_vault_from_a_newer_app_is_refused_untouched(vault):
    core = TuiluCore(vault)
    core.open_vault(CREATED)
    del core
    db = pathlib.Path(vault, "tuilu.sqlite3")
    data = bytearray(db.read_bytes())
    data[60:64] = (999).to_bytes(4, "big")
    db.write_bytes(bytes(data))
    with pytest.raises(ApiError.Conflict) as e:
        TuiluCore(vault).list_cases(False, CREATED)
    assert e.value.detail.startswith("vault too new")
    assert db.read_bytes() == bytes(data)


def test_eight_threads_transition_different_cases(core):
    ids = [core.create_case(SCENARIO, guild_facts(), CREATED).id for _ in range(8)]
    errors = []

    def work(case_id):
        try:
            for s in PREREQUISITES:
                step(core, case_id, s, StepAction.START, CREATED)
                step(core, case_id, s, StepAction.DONE, CREATED)
            step(core, case_id, "submit_exit", StepAction.SUBMIT, SUBMITTED)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in ids]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    for case_id in ids:
        assert find(core.get_case(case_id, DURING), "submit_exit").status == StepStatus.SUBMITTED
        assert len(core.case_journal(case_id, DURING)) == 8


# -- evidence -------------------------------------------------------------------------------


def test_evidence_add_list_verify_and_tamper(core, vault, make_file):
    case = core.create_case(SCENARIO, guild_facts(), CREATED).id
    path, digest = make_file("聊天记录.png", b"not really a png")
    a = run(core.add_evidence_file(evidence(case), path, CREATED, None, None))
    assert a.item.sha256 == digest and a.item.original_name == "聊天记录.png"
    b = run(core.add_evidence_bytes(evidence(case, step_id="backup_data"), "b.txt", "备份".encode(), CREATED, None, None))
    assert b.item.step_id == "backup_data"
    title = find(core.get_case(case, CREATED), "backup_data").title
    assert b.item.step_title == title  # localized text, like every title
    assert [i.id for i in core.list_evidence(case, CREATED)] == [a.item.id, b.item.id]
    assert core.list_evidence(case, CREATED)[1].step_title == title
    report = run(core.verify_evidence(case, CREATED, None, None))
    assert report.intact and report.items_checked == 2

    sha = b.item.sha256
    stored = pathlib.Path(vault, "evidence", "sha256", sha[:2], sha)
    os.chmod(stored, 0o600)
    stored.write_bytes("篡改".encode())
    report = run(core.verify_evidence(None, CREATED, None, None))
    assert not report.intact
    (issue,) = report.issues
    assert issue.kind == "changed_file"
    assert issue.item.id == b.item.id and issue.item.step_id == "backup_data"
    assert issue.actual_sha256 == hashlib.sha256("篡改".encode()).hexdigest()


def test_same_file_for_another_step_is_attached(core, make_file):
    case = core.create_case(SCENARIO, guild_facts(), CREATED).id
    path, _ = make_file("退出申请.png", b"one screenshot, two steps")
    first = run(core.add_evidence_file(evidence(case, step_id="backup_data"), path, CREATED, None, None))
    assert not first.duplicate and first.linked_step is None and first.item.also_steps == []
    again = run(core.add_evidence_file(evidence(case, step_id="submit_exit"), path, CREATED, None, None))
    assert again.duplicate and again.linked_step == "submit_exit"
    assert again.item.id == first.item.id and again.item.step_id == "backup_data"
    assert [s.step_id for s in again.item.also_steps] == ["submit_exit"]
    assert again.item.also_steps[0].step_title.startswith("在App内提交退出公会申请")
    # Once attached, the same add links nothing more.
    third = run(core.add_evidence_file(evidence(case, step_id="submit_exit"), path, CREATED, None, None))
    assert third.duplicate and third.linked_step is None
    (item,) = core.list_evidence(case, CREATED)
    assert [s.step_id for s in item.also_steps] == ["submit_exit"]
    # The attach is in the custody log and the chain still verifies.
    report = run(core.verify_evidence(case, CREATED, None, None))
    assert report.intact and report.entries_checked == 2


def test_export_and_verify_bundle(core, tmp_path):
    case = core.create_case(SCENARIO, guild_facts(), CREATED).id
    run(core.add_evidence_bytes(evidence(case), "a.txt", b"one", CREATED, None, None))
    out = str(tmp_path / "bundle.zip")
    rec = Recorder()
    export = run(core.export_evidence(case, out, CREATED, rec, None))
    assert export.items == 1 and export.sha256 == hashlib.sha256(pathlib.Path(out).read_bytes()).hexdigest()
    assert rec.calls and rec.calls[-1][0] == rec.calls[-1][1]
    bundle = run(core.verify_bundle(out, None, None))
    assert bundle.intact and bundle.case_id == case and bundle.items == 1
    with pytest.raises(ApiError.Conflict):
        run(core.export_evidence(case, out, CREATED, None, None))


def test_cancelled_large_add_leaves_nothing(core, vault, make_file):
    case = core.create_case(SCENARIO, guild_facts(), CREATED).id
    path, _ = make_file("big.bin", size=64 * 1024 * 1024, seed=64)
    token = CancelToken()
    rec = Recorder(cancel=token)
    with pytest.raises(ApiError.Cancelled):
        run(core.add_evidence_file(evidence(case), path, CREATED, rec, token))
    assert rec.calls[-1][0] < 64 * 1024 * 1024
    assert core.list_evidence(case, CREATED) == []
    assert stored_files(vault) == []


def test_add_progress_is_monotonic(core, make_file):
    case = core.create_case(SCENARIO, guild_facts(), CREATED).id
    path, _ = make_file("progress.bin", size=5 * 1024 * 1024 + 3)
    rec = Recorder()
    run(core.add_evidence_file(evidence(case), path, CREATED, rec, None))
    total = 5 * 1024 * 1024 + 3
    assert rec.calls[0] == (0, total) and rec.calls[-1] == (total, total)
    assert all(a[0] < b[0] for a, b in zip(rec.calls, rec.calls[1:]))


def test_delete_evidence(core, vault):
    case = core.create_case(SCENARIO, guild_facts(), CREATED).id
    a = run(core.add_evidence_bytes(evidence(case), "d.txt", b"bye", CREATED, None, None))
    d = core.delete_evidence(a.item.id, CREATED)
    assert d.file_removed and d.item.deleted_at is not None
    assert core.list_evidence(case, CREATED) == [] and stored_files(vault) == []
    with pytest.raises(ApiError.Conflict):
        core.delete_evidence(a.item.id, CREATED)


def test_evidence_errors_carry_no_path(core, tmp_path):
    case = core.create_case(SCENARIO, guild_facts(), CREATED).id
    with pytest.raises(ApiError.NotFound) as e:
        run(core.add_evidence_file(evidence(case), str(tmp_path / "张三.pdf"), CREATED, None, None))
    assert "张三" not in e.value.detail
    with pytest.raises(ApiError.NotFound):
        run(core.add_evidence_bytes(evidence(case, step_id="nope"), "x", b"x", CREATED, None, None))


# -- reminders ------------------------------------------------------------------------------


class ZoneInfoRules(TimeZoneRules):
    """The core's zone rules from Python's own tz database (zoneinfo), as an app would
    supply them from the platform."""

    def __init__(self, name):
        self.zone = zoneinfo.ZoneInfo(name)

    def id(self):
        return self.zone.key

    def offset_seconds_at(self, utc):
        return int(utc.astimezone(self.zone).utcoffset().total_seconds())

    def offsets_seconds_for_local(self, local):
        naive = dt.datetime.fromisoformat(local)
        found = []  # (instant, offset), each a real reading of `naive`
        for fold in (0, 1):
            aware = naive.replace(tzinfo=self.zone, fold=fold)
            instant = aware.astimezone(dt.timezone.utc)
            # In a gap the local time does not come back from its instant.
            if instant.astimezone(self.zone).replace(tzinfo=None) != naive:
                continue
            offset = int(aware.utcoffset().total_seconds())
            if all(o != offset for _, o in found):
                found.append((instant, offset))
        return [o for _, o in sorted(found)]


def settings_in(name):
    return default_reminder_settings(ZoneInfoRules(name))


@pytest.fixture
def berlin():
    return settings_in("Europe/Berlin")


def test_zoneinfo_rules_gaps_and_folds():
    rules = ZoneInfoRules("Europe/Berlin")
    assert rules.offset_seconds_at(t("2026-10-25T00:59:59Z")) == 7200
    assert rules.offset_seconds_at(t("2026-10-25T01:00:00Z")) == 3600
    assert rules.offsets_seconds_for_local("2026-03-29T02:30:00") == []
    assert rules.offsets_seconds_for_local("2026-10-25T02:30:00") == [7200, 3600]
    assert rules.offsets_seconds_for_local("2026-10-26T09:30:00") == [3600]


def test_default_zone_is_beijing_time():
    s = default_reminder_settings()
    assert s.zone.id() == "Asia/Shanghai"
    assert s.zone.offset_seconds_at(t("2026-07-01T00:00:00Z")) == 8 * 3600
    assert s.preferred_time == "09:30" and s.limit == 60
    assert s.quiet_hours == QuietHoursRecord(start="22:00", end="08:00")


class CountingRules(ZoneInfoRules):
    """ZoneInfoRules that records every question the core asks."""

    def __init__(self, name):
        super().__init__(name)
        self.asked = []

    def offset_seconds_at(self, utc):
        self.asked.append(("at", utc))
        return super().offset_seconds_at(utc)

    def offsets_seconds_for_local(self, local):
        self.asked.append(("local", local))
        return super().offsets_seconds_for_local(local)


def test_each_zone_question_reaches_the_app_once_per_call(core):
    # Each answer is a call into the app; a plan for many cases repeats the same few.
    for i in range(20):
        submitted_case(core, t("2026-10-21T09:00:00Z") + dt.timedelta(hours=i))
    rules = CountingRules("Europe/Berlin")
    plan = core.plan_reminders(default_reminder_settings(rules), t("2026-10-21T12:00:00Z"))
    assert len(plan) >= 20
    assert rules.asked, "the plan used the app's zone"
    assert len(rules.asked) == len(set(rules.asked)), rules.asked


def test_dst_week_in_berlin_keeps_0930_local(core, berlin):
    # Submitted Wed 2026-10-21; the deadline is Mon 10-26, the day after clocks go back.
    at = t("2026-10-21T09:00:00Z")
    case = submitted_case(core, at)
    assert find(case, "submit_exit").deadline.deadline_utc == t("2026-10-26T15:59:59Z")
    plan = core.plan_reminders(berlin, at)
    assert [(r.kind, r.local_time) for r in plan] == [
        (ReminderKind.BEFORE_DEADLINE, "2026-10-23T09:30:00+02:00"),
        (ReminderKind.AT_DEADLINE, "2026-10-26T09:30:00+01:00"),
        (ReminderKind.FOLLOW_UP, "2026-10-27T09:30:00+01:00"),
        (ReminderKind.FOLLOW_UP_ESCALATE, "2026-10-30T09:30:00+01:00"),
    ]
    assert plan[0].fire_at == t("2026-10-23T07:30:00Z")
    assert plan[1].fire_at == t("2026-10-26T08:30:00Z")
    assert "2026-10-26 16:59" in plan[1].body.zh and "Europe/Berlin" in plan[1].body.zh
    # The same plan in New York (clocks go back a week later, on 11-01).
    ny = core.plan_reminders(settings_in("America/New_York"), at)
    assert ny[0].local_time == "2026-10-23T09:30:00-04:00"
    # The "before deadline" reminder fired on Friday 10-23; snoozed on Saturday evening.
    snoozed = core.snooze_reminder(
        plan[0].id, SnoozeChoice.TOMORROW_MORNING, berlin, t("2026-10-24T18:00:00Z"))
    assert snoozed.local_time == "2026-10-25T09:30:00+01:00"
    assert snoozed.until == t("2026-10-25T08:30:00Z")


def test_plan_snooze_dismiss_diff(core, berlin):
    assert core.plan_reminders(berlin, DURING) == []
    case = submitted_case(core)
    plan = core.plan_reminders(berlin, DURING)
    assert [r.kind for r in plan] == [
        ReminderKind.BEFORE_DEADLINE,
        ReminderKind.AT_DEADLINE,
        ReminderKind.FOLLOW_UP,
        ReminderKind.FOLLOW_UP_ESCALATE,
    ]
    before = plan[0]
    assert before.fire_at == t("2026-10-09T07:30:00Z")
    assert before.local_time == "2026-10-09T09:30:00+02:00"
    assert before.case_id == case.id and before.step_id == "submit_exit"

    fired = before.fire_at + dt.timedelta(minutes=1)
    snoozed = core.snooze_reminder(before.id, SnoozeChoice.ONE_HOUR, berlin, fired)
    assert snoozed.until == fired + dt.timedelta(hours=1)
    again = next(r for r in core.plan_reminders(berlin, fired) if r.id == before.id)
    assert again.fire_at == snoozed.until and again.snoozed

    at_deadline = plan[1]
    core.dismiss_reminder(at_deadline.id, berlin, DURING)
    assert at_deadline.id not in [r.id for r in core.plan_reminders(berlin, DURING)]
    with pytest.raises(ApiError.NotFound):
        core.dismiss_reminder("nope", berlin, DURING)

    tokens = [r.schedule_token for r in core.plan_reminders(berlin, DURING)]
    diff = core.reminder_diff(tokens + ["stale#0"], berlin, DURING)
    assert diff.add == [] and diff.cancel == ["stale#0"] and diff.keep == tokens
    step(core, case.id, "submit_exit", StepAction.DONE, DURING)
    diff = core.reminder_diff(tokens, berlin, DURING)
    assert diff.add == [] and diff.cancel == tokens


def test_a_delivered_catch_up_does_not_come_back(core, berlin):
    submitted_case(core)
    missed_at = t("2026-10-09T12:00:00Z")  # the 09:30 "before deadline" reminder went by
    catch_up = next(r for r in core.plan_reminders(berlin, missed_at) if r.kind == ReminderKind.CATCH_UP)
    assert [m.kind for m in catch_up.covers] == [ReminderKind.BEFORE_DEADLINE]
    shown = catch_up.fire_at + dt.timedelta(seconds=5)
    # As an alarm receiver reports it: the token it was scheduled under.
    core.mark_reminders_delivered([catch_up.schedule_token], berlin, shown)
    for later in (shown + dt.timedelta(hours=1), t("2026-10-10T06:00:00Z")):
        kinds = [r.kind for r in core.plan_reminders(berlin, later)]
        assert ReminderKind.CATCH_UP not in kinds, (later, kinds)


def test_an_early_snooze_keeps_the_planned_time(core, berlin):
    submitted_case(core)
    before = core.plan_reminders(berlin, DURING)[0]
    assert before.kind == ReminderKind.BEFORE_DEADLINE
    snoozed = core.snooze_reminder(before.id, SnoozeChoice.ONE_HOUR, berlin, DURING)
    assert snoozed.until == before.fire_at
    later = DURING + dt.timedelta(hours=3)
    plan = core.plan_reminders(berlin, later)
    assert [r.fire_at for r in plan if r.id == before.id] == [before.fire_at]
    assert ReminderKind.CATCH_UP not in [r.kind for r in plan]


def test_calendar_export(core, berlin):
    case = submitted_case(core)
    ics = core.export_calendar(None, berlin, Language.EN, DURING)
    assert ics.startswith("BEGIN:VCALENDAR") and ics.count("BEGIN:VEVENT") == 1
    assert re.search(r"(?m)^UID:\S+@tuilu\.app", ics)
    assert "DTEND:20261010T155959Z" in ics
    assert "截止" in core.export_calendar(case.id, berlin, Language.ZH, DURING)
    with pytest.raises(ApiError.InvalidInput):
        core.plan_reminders(default_reminder_settings(ZoneInfoRules("UTC")).__class__(
            zone=ZoneInfoRules("UTC"), quiet_hours=None, preferred_time="9.30", limit=10), DURING)


def test_flag_a_rule_as_outdated(core):
    now = CREATED
    flag = core.flag_rule(SCENARIO, "submit_exit", "现在需要人脸识别", now)
    assert flag.rule_id == "submit_exit" and flag.pack_version == "1.1.0"
    assert [f.rule_id for f in core.rule_flags(None, now)] == ["submit_exit"]
    with pytest.raises(ApiError.NotFound):
        core.flag_rule(SCENARIO, "no_such_rule", "", now)
    assert core.unflag_rule(SCENARIO, "submit_exit", now)
    assert core.rule_flags(SCENARIO, now) == []
