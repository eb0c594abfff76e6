"""The application layer through the FFI: view models and events, as a shell uses them."""

import datetime as dt
import threading

import pytest

import tuilu

ANSWERS = [
    tuilu.AnswerRecord(fact="has_unsettled_earnings", value="否"),
    tuilu.AnswerRecord(fact="has_violation_record", value="否"),
    tuilu.AnswerRecord(fact="contract_ended", value="是"),
]


def ctx(now="2026-09-29T08:00:00+00:00", lang=tuilu.Language.ZH):
    return tuilu.ViewContextRecord(
        language=lang, zone=tuilu.beijing_time_zone(), now=dt.datetime.fromisoformat(now)
    )


class Recorder(tuilu.ChangeObserver):
    def __init__(self):
        self.changes = []
        self.lock = threading.Lock()

    def changed(self, change):
        with self.lock:
            self.changes.append((change.kind, change.case_id))


def test_a_case_from_questionnaire_to_done_with_undo_observer_and_typed_errors(vault):
    app = tuilu.TuiluApp(vault)
    rec = Recorder()
    handle = app.add_observer(rec)

    q = app.questionnaire(ctx(), "kuaishou.live-exit", [tuilu.AnswerRecord(fact="fans", value="60万")])
    fans = next(x for x in q.questions if x.id == "fans")
    assert fans.answer_value == "600000"
    assert fans.kind == tuilu.QuestionKind.INTEGER
    assert all("bool" not in x.kind_label for x in q.questions)

    case = app.create_case(ctx(), "douyin.guild-exit", ANSWERS)
    with pytest.raises(tuilu.AppError.DependencyNotDone) as e:
        app.step_action(ctx(), case.id, "submit_exit", tuilu.StepAction.SUBMIT, None, None, None)
    assert e.value.dependency == "check_account_status"
    assert e.value.user_message.startswith("请先完成第 1 步「")

    for step in ["check_account_status", "backup_data", "read_contract_and_negotiate"]:
        case = app.step_action(ctx(), case.id, step, tuilu.StepAction.DONE, None, None, None)
    case = app.step_action(
        ctx("2026-09-30T09:00:00+00:00"), case.id, "submit_exit", tuilu.StepAction.SUBMIT, None, None, None
    )
    row = next(s for s in case.steps if s.id == "submit_exit")
    assert row.deadline.sense == tuilu.TimeSense.DEADLINE
    assert row.deadline.latest == "2026-10-10"
    assert row.deadline.relative == "还剩 3 个工作日"
    late = app.case_screen(ctx("2026-10-12T02:00:00+00:00"), case.id)
    late_row = next(s for s in late.steps if s.id == "submit_exit")
    assert late_row.overdue and late_row.deadline.relative == "已逾期 2 天"

    case = app.undo_last(ctx("2026-09-30T09:05:00+00:00"), case.id)
    assert next(s for s in case.steps if s.id == "submit_exit").status == tuilu.StepStatus.TODO

    with rec.lock:
        kinds = [k for k, _ in rec.changes]
    assert kinds[0] == tuilu.ChangeKind.CASE_CREATED
    assert kinds.count(tuilu.ChangeKind.CASE_CHANGED) == 5
    assert app.remove_observer(handle)

    home = app.home(ctx("2026-10-01T00:00:00+00:00"))
    assert home.cases[0].next_action.startswith("下一步：第 ")


def test_english_errors_and_settings(vault):
    app = tuilu.TuiluApp(vault)
    with pytest.raises(tuilu.AppError.NotFound) as e:
        app.case_screen(ctx(lang=tuilu.Language.EN), "zzzzzzzz")
    assert e.value.user_message == "No case “zzzzzzzz” was found"
    s = app.settings()
    assert s.quiet_start == "22:00"
    app.save_settings(tuilu.AppSettingsRecord(
        language=tuilu.Language.EN, quiet_hours_enabled=False,
        quiet_start="22:00", quiet_end="08:00", preferred_time="09:30"))
    view = app.settings_view(ctx(lang=tuilu.Language.EN))
    assert view.quiet_hours_text == "off"
    assert tuilu.TuiluApp(vault).settings().language == tuilu.Language.EN


def test_letters_list_ask_for_missing_facts_and_are_kept_as_evidence_when_sent(vault):
    app = tuilu.TuiluApp(vault)
    c = ctx("2026-10-08T01:00:00+00:00")
    answers = [
        tuilu.AnswerRecord(fact="recharge_amount", value="50"),
        tuilu.AnswerRecord(fact="refund_reason", value="mistaken"),
    ]
    case = app.create_case(c, "douyin.recharge-refund", answers)
    listed = app.letters(c, case.id)
    assert [(x.number, x.title) for x in listed.letters] == [
        (1, "充值退款申请"),
        (2, "未成年人充值退款申请（监护人）"),
    ]
    card = listed.letters[0]
    # Available, but three questions are still open (whether the balance was used is
    # asked, never assumed: issue 27); the step is named by number and title.
    assert card.available and card.reason is None
    assert card.status_text == "还需回答 3 个问题"
    assert not listed.letters[1].available
    assert card.step_text == "第 4 步「联系官方客服，请其核查充值记录」"

    letter = app.letter(c, case.id, "1")
    assert not letter.complete
    assert [q.id for q in letter.missing] == ["recharge_time", "recharge_method", "balance_used"]
    assert letter.missing[0].kind == tuilu.QuestionKind.DATE_TIME
    assert letter.plain_text == "" and letter.paragraphs == []

    app.set_case_facts(
        c,
        case.id,
        [
            tuilu.AnswerRecord(fact="recharge_time", value="2026-10-07 20:00"),
            tuilu.AnswerRecord(fact="recharge_method", value="微信支付"),
            tuilu.AnswerRecord(fact="balance_used", value="否"),
        ],
        [],
    )
    letter = app.letter(c, case.id, "refund_request")
    assert letter.complete
    assert letter.paragraphs[0] == (
        "您好！我于2026年10月7日 20:00（北京时间）在抖音内充值了50.00元，支付方式为微信支付，现申请退还这笔充值。"
    )
    assert letter.labels.demands == "诉求"
    assert "{" not in letter.plain_text
    assert "size: A4" in app.letter_html(c, case.id, "1")

    sent = app.mark_letter_sent(c, case.id, "1", dt.datetime.fromisoformat("2026-10-08T00:30:00+00:00"))
    assert len(sent.sent) == 1
    items = app.evidence_list(c, case.id, "contact_customer_service").items
    assert [i.file_name for i in items] == ["充值退款申请（2026年10月8日发送）.txt"]
    assert sent.sent[0].evidence_id == items[0].id

    en = app.letter(ctx("2026-10-08T01:00:00+00:00", tuilu.Language.EN), case.id, "1")
    assert "for your understanding only" in en.translation_note
    with pytest.raises(tuilu.AppError.NotFound):
        app.letter(c, case.id, "5")
