"""The rule engine and the calendar through the generated Python module; mirrors
android/core/src/test/kotlin/app/tuilu/core/RulesCalendarTest.kt."""

import datetime
import threading

import pytest

import tuilu
from tuilu import (
    ApiError,
    Applicability,
    Channel,
    DataSource,
    DayKind,
    DurationRecord,
    DurationUnit,
    EstimateKind,
    Fact,
    FactKind,
    FactValue,
    LocalizedText,
    TuiluCore,
)

XINGTU = "douyin.xingtu-task-cancel"
UTC = datetime.timezone.utc


def fact(id, value):
    return Fact(id=id, value=value)


def boolean(id, value):
    return fact(id, FactValue.BOOL(value))


def money(id, yuan):
    return fact(id, FactValue.MONEY(yuan))


def choice(id, value):
    return fact(id, FactValue.CHOICE(value))


def answer(id, typed):
    return fact(id, FactValue.RAW(typed))


XINGTU_BASE = [choice("task_type", "xingtu"), boolean("video_uploaded", True)]


def amount(plan, id):
    return next(a for a in plan.amounts if a.id == id)


@pytest.fixture
def core(vault):
    return TuiluCore(vault)


# -- scenarios ----------------------------------------------------------------------------


def test_lists_the_seven_bundled_scenarios(core):
    assert {s.id for s in core.scenarios()} == {
        "douyin.fan-group-exit",
        "douyin.guild-exit",
        "douyin.recharge-refund",
        "douyin.xingtu-task-cancel",
        "kuaishou.fan-group-exit",
        "kuaishou.live-exit",
        "wechat-channels.fan-group-exit",
    }
    info = core.scenario(XINGTU)
    task_type = next(f for f in info.facts if f.id == "task_type")
    assert task_type.kind == FactKind.ENUM
    assert [c.value for c in task_type.choices] == ["xingtu", "quanmin"]
    accepted = next(f for f in info.facts if f.id == "task_accepted")
    assert accepted.default_value == FactValue.BOOL(True)


def test_unknown_scenario_is_not_found(core):
    with pytest.raises(ApiError.NotFound):
        core.plan("no.such-scenario", [])
    with pytest.raises(ApiError.NotFound):
        core.scenario("no.such-scenario")


# -- plans --------------------------------------------------------------------------------


def test_xingtu_client_cancels_after_upload_pays_half(core):
    plan = core.plan(XINGTU, XINGTU_BASE + [choice("cancelled_by", "client"), money("task_amount", "3000")])
    assert plan.scenario_id == XINGTU
    assert amount(plan, "client_compensation").value == 1500.0
    assert amount(plan, "creator_receives").value == 1500.0
    assert [s.number for s in plan.steps] == list(range(1, len(plan.steps) + 1))
    assert money("task_amount", "3000.00") in plan.facts
    assert boolean("task_accepted", True) in plan.facts
    assert all(s.source is not None and s.source.quote for s in plan.steps)


def test_xingtu_creator_cancels_gets_nothing(core):
    plan = core.plan(XINGTU, XINGTU_BASE + [choice("cancelled_by", "creator"), money("task_amount", "3000")])
    assert amount(plan, "creator_receives").value == 0.0


def test_typed_and_typed_by_a_person_agree(core):
    typed = core.plan(XINGTU, XINGTU_BASE + [choice("cancelled_by", "client"), money("task_amount", "3000")])
    raw = core.plan(
        XINGTU,
        [
            answer("task_type", "xingtu"),
            answer("video_uploaded", "是"),
            answer("cancelled_by", "client"),
            answer("task_amount", "¥3,000"),
        ],
    )
    assert [(a.id, a.value) for a in typed.amounts] == [(a.id, a.value) for a in raw.amounts]
    assert typed.facts == raw.facts


def test_kuaishou_income_tax(core):
    plan = core.plan("kuaishou.live-exit", [money("balance", "8888.88")])
    assert amount(plan, "estimated_income_tax").value == 1777.78
    assert amount(plan, "balance_after_tax").value == 7111.1


def test_missing_facts_become_open_questions(core):
    plan = core.plan(XINGTU, [choice("task_type", "xingtu")])
    assert "cancelled_by" in plan.missing_facts
    q = next(q for q in plan.questions if q.id == "cancelled_by")
    assert q.kind == FactKind.ENUM
    assert [c.value for c in q.choices] == ["client", "creator"]
    assert q.prompt.zh and q.prompt.en and q.needed_by
    pay = amount(plan, "creator_receives")
    assert pay.value is None
    assert "cancelled_by" in pay.open_facts
    rules = plan.steps + plan.warnings + plan.consequences
    assert any(r.applicability == Applicability.UNDETERMINED for r in rules)


def test_unknown_fact_is_invalid_input_naming_it(core):
    with pytest.raises(ApiError.InvalidInput) as info:
        core.plan(XINGTU, [boolean("no_such_fact", True)])
    assert "no_such_fact" in info.value.detail


@pytest.mark.parametrize(
    "bad",
    [
        fact("video_uploaded", FactValue.TEXT("张三的秘密")),
        answer("video_uploaded", "张三的秘密"),
        money("task_amount", "张三的秘密"),
        choice("cancelled_by", "张三的秘密"),
        money("task_amount", "-1"),
    ],
)
def test_wrong_type_is_invalid_input_naming_the_fact_not_the_value(core, bad):
    with pytest.raises(ApiError.InvalidInput) as info:
        core.plan(XINGTU, [bad])
    assert bad.id in info.value.detail
    assert "张三" not in info.value.detail and "张三" not in str(info.value)


def test_a_fact_given_twice_is_invalid_input(core):
    with pytest.raises(ApiError.InvalidInput):
        core.plan(XINGTU, [boolean("video_uploaded", True), boolean("video_uploaded", False)])


# -- packs --------------------------------------------------------------------------------


def test_check_pack_lists_every_issue_with_paths(xingtu_pack, broken_xingtu_pack):
    assert broken_xingtu_pack != xingtu_pack
    ok = tuilu.check_pack(xingtu_pack)
    assert ok.valid and ok.scenario.id == XINGTU and not ok.issues
    broken = tuilu.check_pack(broken_xingtu_pack)
    assert not broken.valid
    assert broken.scenario is None
    assert broken.pack == XINGTU
    assert len(broken.issues) >= 2
    assert all(i.path and i.message for i in broken.issues)
    assert any("depends_on" in i.path for i in broken.issues)
    syntax = tuilu.check_pack('{\n  "id": "x",\n  "platform": 张三\n}')
    assert not syntax.valid
    assert syntax.issues[0].line == 3


def test_toml_packs_are_refused_with_the_way_to_compile_them(core, xingtu_pack_toml):
    check = tuilu.check_pack(xingtu_pack_toml)
    assert not check.valid
    assert "tuilu rules compile" in check.issues[0].message
    with pytest.raises(ApiError.InvalidInput):
        core.add_pack(xingtu_pack_toml)
    assert len(core.scenarios()) == 7


def test_add_pack_replaces_or_rejects(core, xingtu_pack, broken_xingtu_pack, tmp_path):
    with pytest.raises(ApiError.InvalidInput) as info:
        core.add_pack(broken_xingtu_pack)
    assert "problem" in info.value.detail
    updated = xingtu_pack.replace('"version": "1.1.0"', '"version": "1.1.1"')
    assert core.add_pack(updated).version == "1.1.1"
    assert len(core.scenarios()) == 7
    assert core.plan(XINGTU, []).pack_version == "1.1.1"
    path = tmp_path / "copy.json"
    path.write_text(updated.replace(f'"id": "{XINGTU}"', '"id": "test.file"'), encoding="utf-8")
    assert core.add_pack_file(str(path)).id == "test.file"
    with pytest.raises(ApiError.NotFound):
        core.add_pack_file(str(tmp_path / "missing.json"))


# -- calendar -----------------------------------------------------------------------------


def test_working_days(core):
    assert core.add_working_days("2026-09-18", 3).date == "2026-09-22"
    over = core.add_working_days("2026-09-30", 3)
    assert over.date == "2026-10-10" and not over.estimated
    assert core.working_days_between("2026-09-30", "2026-10-10").count == 3
    assert core.add_natural_days("2026-09-30", 3).date == "2026-10-03"
    holiday = core.is_working_day("2026-10-01")
    assert not holiday.working
    assert holiday.kind == DayKind.HOLIDAY
    assert holiday.holiday_name == "国庆节"
    assert core.is_working_day("2026-10-10").kind == DayKind.MAKE_UP_WORKDAY


def test_malformed_dates_are_invalid_input(core):
    for bad in ["2026-9-18", "2026-02-30", "张三"]:
        with pytest.raises(ApiError.InvalidInput) as info:
            core.is_working_day(bad)
        assert "张三" not in info.value.detail


def test_2027_is_an_estimate(core):
    day = core.is_working_day("2027-05-03")
    assert day.estimated
    assert day.estimate_reason.year == 2027
    assert day.estimate_reason.kind == EstimateKind.NO_DAYS_LISTED
    assert core.add_working_days("2026-12-28", 1).estimated


def test_step_deadline_over_national_day(core):
    start = datetime.datetime(2026, 9, 30, 9, 0, tzinfo=UTC)
    d = core.step_deadline(
        DurationRecord(
            unit=DurationUnit.WORKING_DAYS, min=1, max=3, starts_on=LocalizedText(zh="提交", en="submitted")
        ),
        start,
    )
    assert d.clock_start == start
    assert d.earliest_date == "2026-10-08"
    assert d.latest_date == "2026-10-10"
    assert d.deadline_utc == datetime.datetime(2026, 10, 10, 15, 59, 59, tzinfo=UTC)
    assert d.deadline_beijing == "2026-10-10T23:59:59+08:00"
    assert not d.estimated
    with pytest.raises(ApiError.InvalidInput):
        core.step_deadline(
            DurationRecord(unit=DurationUnit.NATURAL_DAYS, min=3, max=1, starts_on=LocalizedText(zh="", en="")),
            start,
        )


def test_plan_with_deadlines(core):
    start = datetime.datetime(2026, 9, 30, 9, 0, tzinfo=UTC)
    scheduled = core.plan_with_deadlines("douyin.guild-exit", [], start)
    assert scheduled.clock_start == start
    submit = next(d for d in scheduled.deadlines if d.step_id == "submit_exit" and d.route_id is None)
    assert submit.deadline.latest_date == "2026-10-10"
    assert submit.deadline.deadline_utc == datetime.datetime(2026, 10, 10, 15, 59, 59, tzinfo=UTC)


def test_calendar_import_rejects_malformed_json_and_keeps_earlier_data(core, vault):
    before = core.calendar_status()
    assert [y.year for y in before.years] == list(range(2020, 2028))
    good = b"""{"year": 2027, "papers": [], "days": [
        {"name": "test", "date": "2027-05-03", "isOffDay": true}]}"""
    y = core.import_holiday_year(good)
    assert (y.year, y.source, y.replaces_bundled, y.days_listed) == (2027, DataSource.IMPORTED, True, 1)
    assert not core.is_working_day("2027-05-03").working
    for bad in [b"{not json", b'{"year": 2027}', b'{"year": 2027, "days": []}']:
        with pytest.raises(ApiError.InvalidInput):
            core.import_holiday_year(bad)
    with pytest.raises(ApiError.InvalidInput) as info:
        core.import_holiday_year(b'{"year": 2027, "days": [{"date": "2027-05-04"}]}')
    assert "isOffDay" in info.value.detail
    assert not core.is_working_day("2027-05-03").working
    assert not TuiluCore(vault).is_working_day("2027-05-03").working


def test_labels_are_bilingual():
    assert Channel.APP.label().zh == "手机App"
    assert DayKind.HOLIDAY.label().en == "public holiday"


def test_bad_vault_path_is_invalid_input(tmp_path):
    f = tmp_path / "file"
    f.write_bytes(b"x")
    with pytest.raises(ApiError.InvalidInput):
        TuiluCore(str(f))
    with pytest.raises(ApiError.InvalidInput):
        TuiluCore("")


# -- concurrency --------------------------------------------------------------------------


def test_eight_concurrent_callers_plan_at_once(core):
    errors = []

    def worker(i):
        try:
            for _ in range(20):
                plan = core.plan(
                    XINGTU, XINGTU_BASE + [choice("cancelled_by", "client"), money("task_amount", str(i * 1000))]
                )
                assert amount(plan, "creator_receives").value == i * 500.0
                tax = core.plan("kuaishou.live-exit", [money("balance", f"{i}.00")])
                assert amount(tax, "estimated_income_tax").value == pytest.approx(i * 0.2)
                assert core.add_working_days("2026-09-30", 3).date == "2026-10-10"
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(1, 9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
