//! Letters drafted from a case: golden letters for realistic cases, every template filled
//! with every combination of its optional facts, missing facts asked as questions, the
//! sent letter kept as evidence, and the printable HTML rendered by headless Chromium.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use tuilu_core::app::{Answer, App, AppError, LetterView, ViewContext};
use tuilu_core::evidence::{CancelFlag, EvidenceStore, NewItem, NoProgress, Source};
use tuilu_core::rules::expr::Expr;
use tuilu_core::rules::letter::{placeholders, Slot};
use tuilu_core::rules::pack::LetterDef;
use tuilu_core::vault::{StepAction, StepStatus};
use tuilu_core::{load_bundled, Lang};

mod app_support;
mod chromium_support;
use app_support::{ctx, t};
use chromium_support::{chromium, render, tool};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Compares with `tests/golden/<rel>`; `UPDATE_GOLDEN=1` rewrites it (review the diff).
fn assert_golden(rel: &str, actual: &str) {
    let path = repo().join("tests/golden").join(rel);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden {}: run with UPDATE_GOLDEN=1",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "golden mismatch for {}\n--- expected\n{expected}\n--- actual\n{actual}",
        path.display()
    );
}

/// A realistic case: the scenario, its answers (plan facts and the letters' optional
/// facts), the steps done so far, the evidence kept, and "now".
struct Scene {
    scenario: &'static str,
    created: &'static str,
    now: &'static str,
    answers: &'static [(&'static str, &'static str)],
    /// (step, action, at), applied in order after every earlier step is settled.
    steps: &'static [(&'static str, StepAction, &'static str)],
    /// (step, file name, captured at).
    evidence: &'static [(&'static str, &'static str, &'static str)],
}

const MCN_FACTS: &[(&str, &str)] = &[
    ("exit_mode", "deregister"),
    ("fans", "80000"),
    ("has_mcn_contract", "是"),
    ("has_non_compete", "是"),
    ("balance", "0"),
    ("gift_diamonds", "0"),
    ("third_party_bound", "否"),
    ("has_dispute", "否"),
    ("real_name", "王小明"),
    ("account_name", "小明爱唱歌 / 3xk7m9q"),
    ("contact_phone", "138 0013 8000"),
    ("mcn_name", "杭州星光文化传媒有限公司"),
    ("contract_date", "2025-03-01"),
    ("last_stream_date", "2026-10-31"),
    (
        "stop_reason",
        "家里需要我回老家照顾父母，没有精力继续直播了。",
    ),
    ("other_platform", "微博 @小明爱唱歌"),
];

const GUILD_FACTS: &[(&str, &str)] = &[
    ("has_unsettled_earnings", "否"),
    ("has_violation_record", "否"),
    ("contract_ended", "是"),
    ("contract_penalty", "yes"),
    ("guild_obstructs", "是"),
    ("real_name", "李晓华"),
    ("account_name", "晓华的日常 / dy20250110"),
    ("guild_name", "星河传媒公会"),
    ("contract_date", "2025-01-10"),
    ("exit_reason", "revenue_share"),
    (
        "obstruction_details",
        "2026年10月12日起，公会运营多次以“退会要先交5000元违约金”为由拒绝确认退出，并在微信上连续催我撤回申请",
    ),
];

fn scenes() -> BTreeMap<&'static str, Scene> {
    let mut m = BTreeMap::new();
    m.insert(
        "mcn_termination_notice",
        Scene {
            scenario: "kuaishou.live-exit",
            created: "2026-10-01T02:00:00Z",
            now: "2026-10-08T01:00:00Z",
            answers: MCN_FACTS,
            steps: &[],
            evidence: &[(
                "mcn_written_notice",
                "经纪合作协议.pdf",
                "2025-03-01T06:00:00Z",
            )],
        },
    );
    m.insert(
        "farewell_post",
        Scene {
            scenario: "kuaishou.live-exit",
            created: "2026-10-01T02:00:00Z",
            now: "2026-10-25T12:00:00Z",
            answers: MCN_FACTS,
            steps: &[],
            evidence: &[],
        },
    );
    m.insert(
        "complaint_12315_deregistration",
        Scene {
            scenario: "kuaishou.live-exit",
            created: "2026-10-01T02:00:00Z",
            now: "2026-12-11T02:00:00Z",
            answers: MCN_FACTS,
            steps: &[(
                "deregister_account",
                StepAction::Submit,
                "2026-12-01T02:30:00Z",
            )],
            evidence: &[
                ("record_process", "注销操作录屏.mp4", "2026-12-01T02:25:00Z"),
                (
                    "deregister_account",
                    "注销申请已提交.png",
                    "2026-12-01T02:31:00Z",
                ),
                (
                    "record_process",
                    "与快手客服的对话.png",
                    "2026-12-09T07:40:00Z",
                ),
            ],
        },
    );
    m.insert(
        "exit_form_reason",
        Scene {
            scenario: "douyin.guild-exit",
            created: "2026-10-01T02:00:00Z",
            now: "2026-10-09T12:00:00Z",
            answers: GUILD_FACTS,
            steps: &[],
            evidence: &[],
        },
    );
    m.insert(
        "guild_negotiation_message",
        Scene {
            scenario: "douyin.guild-exit",
            created: "2026-10-01T02:00:00Z",
            now: "2026-10-03T11:00:00Z",
            answers: GUILD_FACTS,
            steps: &[],
            evidence: &[],
        },
    );
    m.insert(
        "obstruction_report",
        Scene {
            scenario: "douyin.guild-exit",
            created: "2026-10-01T02:00:00Z",
            now: "2026-10-16T03:00:00Z",
            answers: GUILD_FACTS,
            steps: &[("submit_exit", StepAction::Submit, "2026-10-09T12:15:00Z")],
            evidence: &[
                (
                    "record_communications",
                    "公会运营要求撤回申请.png",
                    "2026-10-12T13:02:00Z",
                ),
                (
                    "record_communications",
                    "公会运营索要违约金.png",
                    "2026-10-14T02:47:00Z",
                ),
            ],
        },
    );
    m.insert(
        "refund_request",
        Scene {
            scenario: "douyin.recharge-refund",
            created: "2026-10-08T01:00:00Z",
            now: "2026-10-08T02:00:00Z",
            answers: &[
                ("recharge_amount", "50"),
                ("refund_reason", "mistaken"),
                ("balance_used", "否"),
                ("recharge_time", "2026-10-07 20:00"),
                ("recharge_method", "wechat_pay"),
                ("order_number", "DY2026100720001234"),
                ("account_name", "小林爱旅行 / dy88886666"),
            ],
            steps: &[("apply_on_order", StepAction::Done, "2026-10-08T01:30:00Z")],
            evidence: &[
                (
                    "screenshot_recharge",
                    "充值记录.png",
                    "2026-10-07T12:01:00Z",
                ),
                (
                    "screenshot_recharge",
                    "微信支付账单.png",
                    "2026-10-07T12:02:00Z",
                ),
                ("apply_on_order", "订单退款申请.png", "2026-10-08T01:30:00Z"),
            ],
        },
    );
    m.insert(
        "cancel_reason",
        Scene {
            scenario: "douyin.xingtu-task-cancel",
            created: "2026-10-10T01:00:00Z",
            now: "2026-10-10T03:00:00Z",
            answers: &[
                ("task_type", "xingtu"),
                ("task_accepted", "是"),
                ("cancelled_by", "creator"),
                ("video_uploaded", "否"),
                ("task_amount", "3000"),
                ("task_name", "秋季新品保湿霜测评"),
                (
                    "cancel_reason_detail",
                    "档期冲突，无法在约定的10月20日前完成拍摄。",
                ),
            ],
            steps: &[],
            evidence: &[],
        },
    );
    m.insert(
        "minor_refund_request",
        Scene {
            scenario: "douyin.fan-group-exit",
            created: "2026-10-05T01:00:00Z",
            now: "2026-10-06T01:00:00Z",
            answers: &[
                ("has_paid_membership", "是"),
                ("plan_type", "monthly"),
                ("membership_fee", "30"),
                ("plans_to_rejoin", "否"),
                ("is_minor", "是"),
                ("guardian_name", "张丽"),
                ("guardian_phone", "139 1234 5678"),
                ("account_name", "小宇同学 / dy1029384756"),
                ("minor_spending", "648"),
            ],
            steps: &[],
            evidence: &[
                (
                    "record_before_exit",
                    "会员付款记录.png",
                    "2026-10-05T01:10:00Z",
                ),
                (
                    "minor_refund_request",
                    "监护关系公证书.pdf",
                    "2026-10-05T08:00:00Z",
                ),
            ],
        },
    );
    m.insert(
        "guardian_refund_request",
        Scene {
            scenario: "douyin.recharge-refund",
            created: "2026-10-08T01:00:00Z",
            now: "2026-10-09T02:00:00Z",
            answers: &[
                ("recharge_amount", "648"),
                ("refund_reason", "mistaken"),
                ("balance_used", "否"),
                ("minor_recharge", "是"),
                ("recharge_time", "2026-10-07 21:30"),
                ("recharge_method", "wechat_pay"),
                ("order_number", "DY2026100721305678"),
                ("account_name", "小宇同学 / dy1029384756"),
                ("guardian_name", "张丽"),
                ("guardian_phone", "139 1234 5678"),
            ],
            steps: &[],
            evidence: &[
                (
                    "screenshot_recharge",
                    "充值记录.png",
                    "2026-10-07T13:31:00Z",
                ),
                (
                    "guardian_notarised_proof",
                    "监护关系公证书.pdf",
                    "2026-10-08T08:00:00Z",
                ),
            ],
        },
    );
    m
}

/// Settles every step before `target` (done, or skipped when done is refused) at `at`.
fn settle_before(app: &App, c: &ViewContext, case: &str, target: &str, at: DateTime<Utc>) {
    let screen = app.case_screen(c, case).unwrap();
    let n = screen.steps.iter().find(|s| s.id == target).unwrap().number;
    for s in screen.steps.iter().filter(|s| s.number < n) {
        if matches!(s.status, StepStatus::Done | StepStatus::Skipped) {
            continue;
        }
        if app
            .step_action(c, case, &s.id, StepAction::Done, Some(at), None, None)
            .is_err()
        {
            app.step_action(c, case, &s.id, StepAction::Skip, Some(at), None, None)
                .unwrap_or_else(|e| panic!("{}: {e:?}", s.id));
        }
    }
}

fn add_evidence(app: &App, now: DateTime<Utc>, case: &str, step: &str, name: &str, at: &str) {
    let vault = app.vault(now).unwrap();
    let root = vault.dir().to_path_buf();
    let item = NewItem {
        case_id: case.to_string(),
        step_id: Some(step.to_string()),
        step_title: None,
        note: String::new(),
        tags: vec![],
        captured_at: Some(tuilu_core::evidence::CaptureTime::caller(t(at))),
        source: Source::Import,
    };
    // Distinct bytes per file, so each has its own hash.
    let bytes = format!("{step}/{name}").into_bytes();
    vault
        .with_connection_mut(|conn| {
            EvidenceStore::new(conn, &root).add_bytes(
                &item,
                name,
                &bytes,
                &NoProgress,
                &CancelFlag::default(),
                now,
            )
        })
        .unwrap();
}

/// Builds the scene in a fresh vault; returns the vault dir, the app and the case id.
fn build(scene: &Scene) -> (tempfile::TempDir, App, String) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let c0 = ctx(Lang::Zh, scene.created);
    let answers: Vec<Answer> = scene
        .answers
        .iter()
        .map(|(k, v)| Answer::new(*k, *v))
        .collect();
    let case = app.create_case(&c0, scene.scenario, &answers).unwrap().id;
    for (step, action, at) in scene.steps {
        let c = ctx(Lang::Zh, at);
        settle_before(&app, &c, &case, step, t(at));
        app.step_action(&c, &case, step, *action, Some(t(at)), None, None)
            .unwrap();
    }
    for (step, name, at) in scene.evidence {
        add_evidence(&app, t(scene.now), &case, step, name, at);
    }
    (dir, app, case)
}

/// The letter as the user reviews it: the text, then the advice and the source.
fn golden_text(v: &LetterView) -> String {
    let mut out = v.plain_text.clone();
    out.push_str("\n----\n");
    if let Some(g) = &v.guidance {
        out.push_str(&format!("写法提示：{g}\n"));
    }
    out.push_str(&format!(
        "出处：“{}”（{}）\n",
        v.source.quote, v.source.summary
    ));
    if let Some(n) = &v.source.note {
        out.push_str(&format!("说明：{n}\n"));
    }
    out
}

#[test]
fn every_letter_of_a_realistic_case_matches_its_golden_file() {
    let book = load_bundled().unwrap();
    let scenes = scenes();
    // Every template of every pack has a scene.
    for sc in book.scenarios() {
        for l in &sc.pack.letters {
            assert!(scenes.contains_key(l.id.as_str()), "no scene for {}", l.id);
        }
    }
    for (id, scene) in &scenes {
        let (_d, app, case) = build(scene);
        let v = app.letter(&ctx(Lang::Zh, scene.now), &case, id).unwrap();
        assert!(v.available, "{id}: {:?}", v.reason);
        assert!(v.complete, "{id}: missing {:?}", v.missing);
        assert!(v.missing.is_empty());
        assert!(v.translation_note.is_none());
        assert_golden(&format!("letters/{id}.zh.txt"), &golden_text(&v));
        // Every evidence item of the steps it attaches is listed, by name and short hash.
        assert_eq!(
            v.attachments.len(),
            scene
                .evidence
                .iter()
                .filter(|(s, _, _)| {
                    let def = book
                        .get(scene.scenario)
                        .unwrap()
                        .pack
                        .letters
                        .iter()
                        .find(|l| l.id == *id)
                        .unwrap();
                    def.attach.iter().any(|a| a == s || a == "all")
                })
                .count(),
            "{id}"
        );
        for a in &v.attachments {
            assert!(v.plain_text.contains(&a.file_name));
            assert!(v.plain_text.contains(&a.short_hash));
            assert_eq!(a.short_hash.len(), 12);
        }
        // The English rendering is marked as such and holds no placeholder either.
        let en = app.letter(&ctx(Lang::En, scene.now), &case, id).unwrap();
        assert!(en.complete);
        assert!(en.plain_text.contains("for your understanding only"));
        assert!(en.plain_text.contains("译文 仅供理解"));
        assert_clean(&en.plain_text, &en.recipient, id);
        assert_clean(&v.plain_text, &v.recipient, id);
    }
}

/// No placeholder, brace or empty value survives in a finished letter.
fn assert_clean(text: &str, recipient: &str, what: &str) {
    for bad in [
        "{", "}", "（）", "「」", "：。", "None", "null", "()", ": .",
    ] {
        assert!(!text.contains(bad), "{what}: `{bad}` in\n{text}");
    }
    for line in text.lines() {
        let l = line.trim();
        // Only headings and the salutation end with a colon; a label never stands alone.
        if l.ends_with('：') || l.ends_with(':') {
            let label = l.trim_end_matches(['：', ':']);
            assert!(
                [
                    "诉求",
                    "附件清单",
                    "日期说明",
                    "Demands",
                    "Attachments",
                    "Dates"
                ]
                .contains(&label)
                    || label == recipient,
                "{what}: a label without its value: `{l}` in\n{text}"
            );
        }
    }
}

/// The optional facts a template reads: (all of them, those it cannot do without).
fn optional_facts(
    book_letter: &LetterDef,
    optional: &BTreeSet<String>,
    sc: &tuilu_core::Scenario,
    answers: &[(&str, &str)],
) -> (Vec<String>, BTreeSet<String>) {
    // A line whose condition reads only plan facts and is false for the scene's answers
    // is not in the letter: its facts are not needed.
    let applies = |when: &str| {
        let e = Expr::parse(when).unwrap();
        if e.identifiers().iter().any(|id| optional.contains(id)) {
            return true;
        }
        let mut ctx = tuilu_core::rules::expr::FactContext::new();
        for id in e.identifiers() {
            match answers.iter().find(|(k, _)| k == id) {
                Some((_, v)) => ctx.set(id, sc.parse_fact(id, v).unwrap().to_expr()),
                None => return true,
            }
        }
        e.eval_bool(&ctx).unwrap_or(true)
    };
    let mut all = BTreeSet::new();
    let mut required = BTreeSet::new();
    let mut texts = vec![
        (book_letter.recipient.zh.clone(), None),
        (book_letter.recipient.en.clone(), None),
    ];
    for l in book_letter
        .paragraphs
        .iter()
        .chain(&book_letter.demands)
        .chain(&book_letter.signature)
    {
        texts.push((l.zh.clone(), l.when.clone()));
        texts.push((l.en.clone(), l.when.clone()));
    }
    for d in &book_letter.dates {
        texts.push((d.value.clone(), None));
    }
    for (text, when) in texts {
        if when.as_deref().is_some_and(|w| !applies(w)) {
            continue;
        }
        if let Some(w) = when {
            for id in Expr::parse(&w).unwrap().identifiers() {
                if optional.contains(id) {
                    all.insert(id.clone());
                    required.insert(id.clone());
                }
            }
        }
        for ph in placeholders(&text) {
            if let Slot::Fact(id) = &ph.slot {
                if optional.contains(id) {
                    all.insert(id.clone());
                    if !ph.optional {
                        required.insert(id.clone());
                    }
                }
            }
        }
    }
    (all.into_iter().collect(), required)
}

#[test]
fn every_template_with_every_combination_of_optional_facts_leaves_no_placeholder() {
    let book = load_bundled().unwrap();
    let mut tried = 0;
    for (id, scene) in scenes() {
        let sc = book.get(scene.scenario).unwrap();
        let def = sc.pack.letters.iter().find(|l| l.id == id).unwrap();
        let optional: BTreeSet<String> = sc
            .pack
            .facts
            .iter()
            .filter(|f| f.optional)
            .map(|f| f.id.clone())
            .collect();
        let (facts, required) = optional_facts(def, &optional, sc, scene.answers);
        assert!(!facts.is_empty(), "{id} reads no optional fact");
        let (_d, app, case) = build(&scene);
        let value = |f: &str| {
            scene
                .answers
                .iter()
                .find(|(k, _)| *k == f)
                .map(|(_, v)| *v)
                .unwrap_or_else(|| panic!("{id}: the scene gives no value for {f}"))
        };
        for mask in 0u32..(1 << facts.len()) {
            let set: Vec<Answer> = facts
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, f)| Answer::new(f.clone(), value(f)))
                .collect();
            let unset: Vec<String> = facts
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) == 0)
                .map(|(_, f)| f.clone())
                .collect();
            let c = ctx(Lang::Zh, scene.now);
            app.set_case_facts(&c, &case, &set, &unset).unwrap();
            for lang in [Lang::Zh, Lang::En] {
                let v = app.letter(&ctx(lang, scene.now), &case, id).unwrap();
                assert!(v.available, "{id}: {:?}", v.reason);
                let absent: BTreeSet<String> = required
                    .iter()
                    .filter(|f| unset.contains(f))
                    .cloned()
                    .collect();
                let asked: BTreeSet<String> = v.missing.iter().map(|q| q.id.clone()).collect();
                assert_eq!(
                    asked, absent,
                    "{id} with {set:?}: exactly the missing facts are asked"
                );
                if absent.is_empty() {
                    assert!(v.complete, "{id}");
                    assert_clean(
                        &v.plain_text,
                        &v.recipient,
                        &format!("{id} {lang:?} {set:?}"),
                    );
                    for p in v.paragraphs.iter().chain(&v.demands).chain(&v.signature) {
                        assert!(!p.trim().is_empty());
                    }
                } else {
                    // Never a blank: no body at all, the questions instead.
                    assert!(!v.complete);
                    assert!(v.plain_text.is_empty());
                    assert!(v.paragraphs.is_empty() && v.signature.is_empty());
                    assert!(v.recipient.is_empty());
                    assert!(v.missing_text.is_some());
                }
                tried += 1;
            }
        }
    }
    assert!(tried > 100, "{tried} letters filled");
}

#[test]
fn a_letter_with_missing_facts_asks_for_them_as_questions() {
    let scenes = scenes();
    let scene = &scenes["mcn_termination_notice"];
    let (_d, app, case) = build(scene);
    let c = ctx(Lang::Zh, scene.now);
    app.set_case_facts(
        &c,
        &case,
        &[],
        &[
            "mcn_name".into(),
            "contract_date".into(),
            "real_name".into(),
        ],
    )
    .unwrap();
    let v = app.letter(&c, &case, "mcn_termination_notice").unwrap();
    assert!(v.available && !v.complete);
    let asked: Vec<(&str, &str)> = v
        .missing
        .iter()
        .map(|q| (q.id.as_str(), q.text.as_str()))
        .collect();
    assert_eq!(
        asked,
        [
            ("mcn_name", "MCN机构的名称（合同上的全称）"),
            ("real_name", "你的真实姓名（与实名认证和合同上一致）"),
            ("contract_date", "你和MCN机构签约的日期"),
        ]
    );
    assert_eq!(
        v.missing_text.as_deref(),
        Some("还需要回答以下 3 个问题，才能生成这封信")
    );
    assert_eq!(v.missing[2].kind_label, "日期");
    // The list says the same in short; marking it sent is refused, naming the questions.
    let list = app.letters(&c, &case).unwrap();
    let card = list
        .letters
        .iter()
        .find(|l| l.id == "mcn_termination_notice")
        .unwrap();
    assert_eq!(card.status_text, "还需回答 3 个问题");
    let e = app
        .mark_letter_sent(&c, &case, "mcn_termination_notice", None)
        .unwrap_err();
    assert!(matches!(e, AppError::LetterNotReady { .. }));
    let m = e.message(Lang::Zh);
    assert!(
        m.contains("MCN机构的名称") && m.contains("签约的日期"),
        "{m}"
    );
    // Answered, the letter is complete.
    app.set_case_facts(
        &c,
        &case,
        &[
            Answer::new("mcn_name", "杭州星光文化传媒有限公司"),
            Answer::new("contract_date", "2025年3月1日"),
            Answer::new("real_name", "王小明"),
        ],
        &[],
    )
    .unwrap();
    let v = app.letter(&c, &case, "1").unwrap();
    assert!(v.complete);
    assert!(v.plain_text.contains("于2025年3月1日与贵司签订"));
}

#[test]
fn the_list_says_why_a_letter_is_not_available_naming_steps_by_title() {
    let scenes = scenes();
    let scene = &scenes["mcn_termination_notice"];
    let (_d, app, case) = build(scene);
    let c = ctx(Lang::Zh, scene.now);
    let list = app.letters(&c, &case).unwrap();
    let ids: Vec<(&str, i64)> = list
        .letters
        .iter()
        .map(|l| (l.id.as_str(), l.number))
        .collect();
    assert_eq!(
        ids,
        [
            ("mcn_termination_notice", 1),
            ("farewell_post", 2),
            ("complaint_12315_deregistration", 3)
        ]
    );
    assert!(list.letters[0].available);
    assert_eq!(list.letters[0].status_text, "可以生成");
    let complaint = &list.letters[2];
    assert!(!complaint.available);
    let why = complaint.reason.as_deref().unwrap();
    assert!(
        why.contains("「提交账号注销申请」") && why.contains("已提交"),
        "{why}"
    );
    assert!(!why.contains("deregister_account"), "{why}");
    // Submitted but not yet overdue: the deadline, by date.
    let at = "2026-12-01T02:30:00Z";
    let c2 = ctx(Lang::Zh, "2026-12-03T02:00:00Z");
    settle_before(&app, &c2, &case, "deregister_account", t(at));
    app.step_action(
        &c2,
        &case,
        "deregister_account",
        StepAction::Submit,
        Some(t(at)),
        None,
        None,
    )
    .unwrap();
    let v = app.letter(&c2, &case, "3").unwrap();
    let why = v.reason.unwrap();
    assert!(why.contains("的期限（2026年12月8日）还没到"), "{why}");
    // Not needed at all: the step is not in the plan.
    app.set_case_facts(&c2, &case, &[Answer::new("has_mcn_contract", "否")], &[])
        .unwrap();
    let list = app.letters(&c2, &case).unwrap();
    let why = list.letters[0].reason.as_deref().unwrap();
    assert!(
        why.contains("清单里没有「提前30天书面通知MCN解约」这一步"),
        "{why}"
    );
    // Unknown letter: a typed error.
    assert!(matches!(
        app.letter(&c2, &case, "9"),
        Err(AppError::NotFound { .. })
    ));
}

#[test]
fn the_notice_counts_its_period_with_the_calendar_and_labels_each_date() {
    let scenes = scenes();
    let scene = &scenes["mcn_termination_notice"];
    let (_d, app, case) = build(scene);
    // Before it is delivered: counted from the letter's date.
    let v = app
        .letter(&ctx(Lang::Zh, scene.now), &case, "mcn_termination_notice")
        .unwrap();
    assert_eq!(v.date_text, "2026年10月8日");
    let dates: Vec<(&str, &str)> = v
        .dates
        .iter()
        .map(|d| (d.label.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        dates,
        [
            ("30日通知期起算日（以本通知送达之日为准）", "2026年10月8日"),
            ("30日通知期届满日（协议自此日起解除）", "2026年11月7日"),
        ]
    );
    // Delivered on 10 October: the period follows the real start, as the checklist does.
    let at = "2026-10-10T06:00:00Z";
    let c = ctx(Lang::Zh, "2026-10-12T01:00:00Z");
    settle_before(&app, &c, &case, "mcn_written_notice", t(at));
    app.step_action(
        &c,
        &case,
        "mcn_written_notice",
        StepAction::Submit,
        Some(t(at)),
        None,
        None,
    )
    .unwrap();
    let v = app.letter(&c, &case, "mcn_termination_notice").unwrap();
    let screen = app.case_screen(&c, &case).unwrap();
    let row = screen
        .steps
        .iter()
        .find(|s| s.id == "mcn_written_notice")
        .unwrap();
    let latest = row.deadline.as_ref().unwrap().latest;
    assert_eq!(v.dates[0].value, "2026年10月10日");
    assert_eq!(
        v.dates[1].value,
        latest.format("%Y年%-m月%-d日").to_string(),
        "the letter and the checklist agree"
    );
    assert!(v.paragraphs[1].contains(&v.dates[1].value));
}

#[test]
fn marking_a_letter_sent_keeps_the_chinese_text_as_evidence_of_its_step() {
    let scenes = scenes();
    let scene = &scenes["mcn_termination_notice"];
    let (_d, app, case) = build(scene);
    // Asked in English, the evidence is still the Chinese letter that was sent.
    let c = ctx(Lang::En, scene.now);
    let sent_at = t("2026-10-08T00:30:00Z");
    let v = app
        .mark_letter_sent(&c, &case, "mcn_termination_notice", Some(sent_at))
        .unwrap();
    assert_eq!(v.sent.len(), 1);
    assert!(
        v.sent[0].text.starts_with("Sent 2026-10-08 08:30"),
        "{}",
        v.sent[0].text
    );
    let zh = app
        .letter(&ctx(Lang::Zh, scene.now), &case, "mcn_termination_notice")
        .unwrap();
    let list = app
        .evidence_list(&ctx(Lang::Zh, scene.now), &case, Some("mcn_written_notice"))
        .unwrap();
    let row = list
        .items
        .iter()
        .find(|r| r.file_name.starts_with("解除合作协议通知书"))
        .expect("the letter is evidence of its step");
    assert_eq!(row.file_name, "解除合作协议通知书（2026年10月8日发送）.txt");
    assert_eq!(row.captured_at, Some(sent_at));
    assert_eq!(row.media_type, "text/plain");
    assert_eq!(zh.sent[0].evidence_id, row.id);
    // The stored bytes are the Chinese letter, hashed.
    let vault = app.vault(t(scene.now)).unwrap();
    let root = vault.dir().to_path_buf();
    let item = vault
        .with_connection_mut(|conn| EvidenceStore::new(conn, &root).get(&row.id))
        .unwrap();
    let stored = std::fs::read_to_string(
        vault
            .with_connection_mut(|conn| {
                Ok::<_, tuilu_core::evidence::EvidenceError>(
                    EvidenceStore::new(conn, &root).content_path(&item.sha256),
                )
            })
            .unwrap(),
    )
    .unwrap();
    assert!(
        stored.starts_with("解除合作协议通知书\n\n杭州星光文化传媒有限公司："),
        "{stored}"
    );
    assert!(stored.contains("2026年10月8日"));
    assert!(item
        .tags
        .contains(&"letter:mcn_termination_notice".to_string()));
    // The letter does not list itself as an attachment; the list shows it as sent.
    assert!(!zh.attachments.iter().any(|a| a.evidence_id == row.id));
    let card = &app
        .letters(&ctx(Lang::Zh, scene.now), &case)
        .unwrap()
        .letters[0];
    assert_eq!(card.status_text, "已于 2026-10-08 08:30 发送");
    // A time in the future is refused and changes nothing.
    assert!(matches!(
        app.mark_letter_sent(&c, &case, "1", Some(t("2026-10-09T00:00:00Z"))),
        Err(AppError::TimeInFuture)
    ));
    // A letter that is not available cannot be marked sent.
    let e = app
        .mark_letter_sent(&ctx(Lang::Zh, scene.now), &case, "3", None)
        .unwrap_err();
    assert!(
        e.message(Lang::Zh).contains("还不能生成"),
        "{}",
        e.message(Lang::Zh)
    );
}

#[test]
fn the_printable_html_renders_to_an_a4_pdf_whose_text_matches_the_letter() {
    let browser = chromium();
    let scenes = scenes();
    let scene = &scenes["complaint_12315_deregistration"];
    let (_d, app, case) = build(scene);
    let v = app
        .letter(
            &ctx(Lang::Zh, scene.now),
            &case,
            "complaint_12315_deregistration",
        )
        .unwrap();
    let html = tuilu_core::app::letters::html(&v);
    assert!(html.contains("size: A4") && html.contains("Noto Sans CJK SC"));
    let work = tempfile::tempdir().unwrap();
    let page = work.path().join("letter.html");
    std::fs::write(&page, &html).unwrap();
    let pdf = work.path().join("letter.pdf");
    render(
        &browser,
        &work.path().join("profile"),
        &[format!("--print-to-pdf={}", pdf.display())],
        &page,
    );
    if let Some(keep) = std::env::var_os("TUILU_KEEP_RENDER") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&pdf, Path::new(&keep).join("letter.pdf")).unwrap();
    }
    let pdf = pdf.to_str().unwrap();
    let info = tool("pdfinfo", &[pdf]);
    assert!(info.contains("(A4)"), "{info}");
    // Clean print: no browser header or footer (date, file URL).
    let text = tool("pdftotext", &[pdf, "-"]);
    assert!(
        !text.contains("file://") && !text.contains("letter.html"),
        "{text}"
    );
    // The text extracts and matches the letter, line by line (extraction may wrap a
    // long line, so spaces and line breaks are ignored).
    let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut expected: Vec<String> = vec![v.title.clone(), format!("{}：", v.recipient)];
    expected.extend(v.paragraphs.iter().cloned());
    expected.extend(v.demands.iter().cloned());
    expected.extend(v.dates.iter().map(|d| format!("{}：{}", d.label, d.value)));
    expected.extend(v.attachments.iter().map(|a| a.text.clone()));
    expected.extend(v.signature.iter().cloned());
    let mut from = 0;
    for e in expected {
        let e: String = e.chars().filter(|c| !c.is_whitespace()).collect();
        let at = flat[from..]
            .find(&e)
            .unwrap_or_else(|| panic!("`{e}` not found in order in the PDF text:\n{text}"));
        from += at;
    }
}

/// Issue 27 (N4), over every letter of every scenario: a letter never states a fact the
/// user did not answer. With only the letters' own details answered, a sentence that
/// rests on an unanswered fact (a default such as "the balance is unused") is not in the
/// letter: the letter asks for that fact instead.
#[test]
fn a_letter_never_states_a_fact_the_user_did_not_answer() {
    use tuilu_core::rules::pack::FactType;
    let book = load_bundled().unwrap();
    let mut checked = 0;
    for sc in book.scenarios() {
        let answers: Vec<Answer> = sc
            .pack
            .facts
            .iter()
            .filter(|f| f.optional)
            .map(|f| {
                let v = match f.kind {
                    FactType::Date => "2026-10-01".to_string(),
                    FactType::Datetime => "2026-10-01 20:00".to_string(),
                    FactType::Money => "100".to_string(),
                    FactType::Integer => "1".to_string(),
                    FactType::Bool => "否".to_string(),
                    FactType::Enum => f.options[0].value.clone(),
                    FactType::Text => "示例".to_string(),
                };
                Answer::new(&f.id, &v)
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let app = App::open(dir.path()).unwrap();
        let c = ctx(Lang::Zh, "2026-11-02T02:00:00Z");
        let case = app.create_case(&c, sc.id(), &answers).unwrap().id;
        for l in &sc.pack.letters {
            let v = app.letter(&c, &case, &l.id).unwrap();
            if !v.available {
                continue;
            }
            for line in l.paragraphs.iter().chain(&l.demands).chain(&l.signature) {
                let Some(when) = &line.when else { continue };
                let unanswered: Vec<String> = Expr::parse(when)
                    .unwrap()
                    .identifiers()
                    .iter()
                    .filter(|id| !sc.pack.facts.iter().any(|f| &f.id == *id && f.optional))
                    .cloned()
                    .collect();
                for id in unanswered {
                    checked += 1;
                    assert!(
                        !v.complete && v.missing.iter().any(|q| q.id == id),
                        "{} {}: the sentence “{}” rests on `{id}`, never answered, yet the letter does not ask for it (complete: {})",
                        sc.id(),
                        l.id,
                        line.zh,
                        v.complete
                    );
                }
            }
        }
    }
    assert!(checked > 0);
}

/// Issue 27 N4: the refund request does not say the balance is unused unless the user
/// said so; answered, it does.
#[test]
fn the_refund_request_asks_whether_the_balance_was_used() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let c = ctx(Lang::Zh, "2026-11-02T02:00:00Z");
    let answers: Vec<Answer> = [
        ("recharge_amount", "648"),
        ("refund_reason", "误充值"),
        ("recharge_time", "2026-11-01 20:00"),
        ("recharge_method", "微信"),
        ("account_name", "小王"),
    ]
    .iter()
    .map(|(k, v)| Answer::new(*k, *v))
    .collect();
    let case = app
        .create_case(&c, "douyin.recharge-refund", &answers)
        .unwrap()
        .id;
    let v = app.letter(&c, &case, "refund_request").unwrap();
    assert!(!v.complete);
    assert!(v.missing.iter().any(|q| q.id == "balance_used"));
    assert!(!v.plain_text.contains("没有使用"));
    app.set_case_facts(&c, &case, &[Answer::new("balance_used", "否")], &[])
        .unwrap();
    let v = app.letter(&c, &case, "refund_request").unwrap();
    assert!(v.complete, "{:?}", v.missing);
    assert!(v.plain_text.contains("这笔充值的余额至今没有使用"));
    assert!(v.plain_text.contains("支付方式为微信支付"));
}

/// Issue 24/27: in English, no Chinese punctuation (：，；「」) in any letter or letter
/// view string of any scenario, answered or not (the quoted source passage is the seed's
/// own Chinese and is left out of the check).
#[test]
fn english_letters_carry_no_chinese_punctuation() {
    use tuilu_core::rules::pack::FactType;
    const CJK_PUNCT: [char; 5] = ['：', '，', '；', '「', '」'];
    let book = load_bundled().unwrap();
    let mut scanned = 0;
    for sc in book.scenarios() {
        for answered in [false, true] {
            let answers: Vec<Answer> = if answered {
                sc.pack
                    .facts
                    .iter()
                    .map(|f| {
                        let v = match f.kind {
                            FactType::Date => "2026-10-01".to_string(),
                            FactType::Datetime => "2026-10-01 20:00".to_string(),
                            FactType::Money => "100".to_string(),
                            FactType::Integer => "600000".to_string(),
                            FactType::Bool => "true".to_string(),
                            FactType::Enum => f.options[0].value.clone(),
                            FactType::Text => "Sample text".to_string(),
                        };
                        Answer::new(&f.id, &v)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let dir = tempfile::tempdir().unwrap();
            let app = App::open(dir.path()).unwrap();
            let c = ctx(Lang::En, "2026-11-02T02:00:00Z");
            let case = app.create_case(&c, sc.id(), &answers).unwrap().id;
            let list = app.letters(&c, &case).unwrap();
            let mut texts: Vec<String> = vec![list.title.clone()];
            texts.extend(list.empty_text.clone());
            for card in &list.letters {
                texts.extend([
                    card.title.clone(),
                    card.kind_label.clone(),
                    card.step_text.clone(),
                    card.status_text.clone(),
                ]);
                texts.extend(card.reason.clone());
            }
            for l in &sc.pack.letters {
                let v = app.letter(&c, &case, &l.id).unwrap();
                texts.extend([
                    v.title.clone(),
                    v.kind_label.clone(),
                    v.recipient.clone(),
                    v.date_text.clone(),
                    v.step_text.clone(),
                    v.plain_text.clone(),
                    v.source.summary.clone(),
                    v.source_text.replace(&v.source.quote, ""),
                    v.labels.demands.clone(),
                    v.labels.attachments.clone(),
                    v.labels.dates.clone(),
                    v.labels.source.clone(),
                ]);
                texts.extend(v.reason.clone());
                texts.extend(v.missing_text.clone());
                texts.extend(v.guidance.clone());
                texts.extend(v.translation_note.clone());
                texts.extend(v.page.iter().map(|p| p.text.clone()));
                texts.extend(v.paragraphs.iter().cloned());
                texts.extend(v.demands.iter().cloned());
                texts.extend(v.signature.iter().cloned());
                for d in &v.dates {
                    texts.extend([d.label.clone(), d.value.clone()]);
                }
                for q in &v.missing {
                    texts.extend([q.text.clone(), q.kind_label.clone()]);
                    texts.extend(q.options.iter().map(|o| o.label.clone()));
                    texts.extend(q.help.clone());
                }
                if v.complete {
                    assert!(!v.page.is_empty(), "{} {}", sc.id(), l.id);
                }
            }
            for t in texts {
                scanned += 1;
                assert!(
                    !t.contains(CJK_PUNCT),
                    "{}: Chinese punctuation in English text: {t}",
                    sc.id()
                );
            }
        }
    }
    assert!(scanned > 100, "{scanned}");
}
