//! Golden views: for every bundled scenario, in zh and en, what each screen says: the
//! picker card, the questionnaire (kinds, options, assumptions), the plan preview, the
//! checklist of a new case and of the same case once a timed step is submitted (actions,
//! locked reasons, deadline wording), the home card and the notifications to schedule.
//! Compared with `tests/golden/views/<scenario>.<lang>.txt`; regenerate with
//! `UPDATE_GOLDEN=1 cargo test -p tuilu-tests --test golden_views` and review the diff.

use std::fmt::Write;

use chrono::{DateTime, Duration, Utc};
use tuilu_core::app::{Answer, App, CaseScreen, QuestionKind, StepRow, ViewContext};
use tuilu_core::reminders::UserZone;
use tuilu_core::vault::StepAction;
use tuilu_core::Lang;
use tuilu_tests::assert_golden;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// An answer a person could give to every open question.
fn typical(kind: QuestionKind, first_option: Option<&str>) -> String {
    match kind {
        QuestionKind::YesNo => "否".into(),
        QuestionKind::Choice => first_option.unwrap_or_default().into(),
        QuestionKind::Money => "8000".into(),
        QuestionKind::Integer => "60万".into(),
        QuestionKind::Date => "2026-09-01".into(),
        QuestionKind::DateTime => "2026-09-01 10:00".into(),
        QuestionKind::Text => "测试".into(),
    }
}

fn row(out: &mut String, s: &StepRow) {
    let _ = writeln!(
        out,
        "  {}. {} [{}] ({})",
        s.number, s.title, s.status_label, s.channel_label
    );
    if !s.actions.is_empty() {
        let labels: Vec<&str> = s.actions.iter().map(|a| a.label.as_str()).collect();
        let _ = writeln!(out, "     actions: {}", labels.join(" · "));
    }
    for (label, v) in [
        ("locked", &s.locked_reason),
        ("timing", &s.timing),
        ("pending", &s.pending),
    ] {
        if let Some(v) = v {
            let _ = writeln!(out, "     {label}: {v}");
        }
    }
    if let Some(d) = &s.deadline {
        let _ = writeln!(out, "     {}: {} · {}", d.sense_label, d.text, d.relative);
    }
    if let Some(src) = &s.source {
        let _ = writeln!(out, "     source: {}", src.summary);
    }
}

fn screen(out: &mut String, c: &CaseScreen) {
    let _ = writeln!(out, "{} · {} · {}", c.title, c.platform, c.progress_text);
    for f in &c.facts {
        let _ = writeln!(
            out,
            "  fact: {} = {}{}",
            f.label,
            f.value,
            if f.assumed { " (assumed)" } else { "" }
        );
    }
    for b in &c.blockers {
        let _ = writeln!(out, "  blocker: {} — {}", b.title, b.remedy);
    }
    for s in &c.steps {
        row(out, s);
    }
    for a in &c.amounts {
        let _ = writeln!(
            out,
            "  amount: {} = {}",
            a.label,
            a.value_text
                .clone()
                .or_else(|| a.pending_text.clone())
                .unwrap_or_default()
        );
    }
    if let Some(u) = &c.undo {
        let _ = writeln!(out, "  undo: {}", u.label);
    }
}

fn render(scenario: &str, lang: Lang) -> String {
    let dir = tempfile_dir();
    let app = App::open(&dir).unwrap();
    let now = t("2026-09-29T02:00:00Z");
    let ctx = ViewContext::new(lang, UserZone::beijing(), now);
    let mut out = String::new();

    let picker = app.scenario_picker(&ctx).unwrap();
    let (group, card) = picker
        .groups
        .iter()
        .find_map(|g| {
            g.scenarios
                .iter()
                .find(|s| s.id == scenario)
                .map(|s| (g, s))
        })
        .unwrap();
    let _ = writeln!(
        out,
        "== picker\n{} › {}\n  {}\n  {}",
        group.label, card.title, card.summary, card.last_reviewed_text
    );

    let q = app.questionnaire(&ctx, scenario, &[]).unwrap();
    let _ = writeln!(out, "\n== questionnaire ({} questions)", q.total);
    let mut answers = Vec::new();
    for question in &q.questions {
        let _ = writeln!(out, "? {} [{}]", question.text, question.kind_label);
        if !question.options.is_empty() {
            let labels: Vec<&str> = question.options.iter().map(|o| o.label.as_str()).collect();
            let _ = writeln!(out, "    options: {}", labels.join(" / "));
        }
        if let Some(a) = &question.assumed_text {
            let _ = writeln!(out, "    {a}");
        }
        if question.needs_answer {
            let first = question.options.first().map(|o| o.value.as_str());
            answers.push(Answer::new(
                question.id.clone(),
                typical(question.kind, first),
            ));
        }
    }
    // Yes/no answers that clear the blockers where the answers can (greedy, in order).
    let blockers = |answers: &[Answer]| {
        app.questionnaire(&ctx, scenario, answers)
            .unwrap()
            .preview
            .blockers
            .len()
    };
    for i in 0..answers.len() {
        if answers[i].value == "否" {
            let mut flipped = answers.clone();
            flipped[i].value = "是".into();
            if blockers(&flipped) < blockers(&answers) {
                answers = flipped;
            }
        }
    }
    let q = app.questionnaire(&ctx, scenario, &answers).unwrap();
    let _ = writeln!(out, "\n== preview ({})", q.preview.summary);
    for b in &q.preview.blockers {
        let _ = writeln!(out, "  blocker: {b}");
    }
    for s in &q.preview.added_steps {
        let _ = writeln!(out, "  added: {s}");
    }
    for s in &q.preview.removed_steps {
        let _ = writeln!(out, "  removed: {s}");
    }

    let case = app.create_case(&ctx, scenario, &answers).unwrap();
    let _ = writeln!(out, "\n== checklist (new)");
    screen(&mut out, &case);

    // Move through the steps until a timed one can be submitted; submit it.
    let mut c = case;
    let mut at = now;
    for _ in 0..30 {
        at += Duration::hours(1);
        let ctx = ViewContext::new(lang, UserZone::beijing(), at);
        let submit = c.steps.iter().find(|s| {
            // A timed step not yet running, or a wait already counted from the steps
            // before it (issue 27 N17): submit it.
            s.actions.iter().any(|a| a.action == StepAction::Submit)
                && (s.timing.is_some() || s.deadline.is_some())
        });
        if let Some(s) = submit {
            c = app
                .step_action(
                    &ctx,
                    &c.id,
                    &s.id.clone(),
                    StepAction::Submit,
                    None,
                    None,
                    None,
                )
                .unwrap();
            break;
        }
        let Some(s) = c
            .steps
            .iter()
            .find(|s| s.actions.iter().any(|a| a.action == StepAction::Done))
        else {
            break;
        };
        c = app
            .step_action(
                &ctx,
                &c.id,
                &s.id.clone(),
                StepAction::Done,
                None,
                None,
                None,
            )
            .unwrap();
    }
    let later = ViewContext::new(lang, UserZone::beijing(), at + Duration::days(2));
    let c = app.case_screen(&later, &c.id).unwrap();
    let _ = writeln!(out, "\n== checklist (two days after a submission)");
    screen(&mut out, &c);

    let home = app.home(&later).unwrap();
    let _ = writeln!(out, "\n== home");
    for card in &home.cases {
        let _ = writeln!(out, "{} · {}", card.title, card.progress_text);
        if let Some(n) = &card.next_action {
            let _ = writeln!(out, "  {n}");
        }
        if let (Some(d), Some(step)) = (&card.next_deadline, &card.next_deadline_step) {
            let _ = writeln!(out, "  {step}: {} · {}", d.text, d.relative);
        }
    }
    let sync = app.reminder_sync(&later, &[]).unwrap();
    let _ = writeln!(out, "\n== notifications");
    for n in &sync.schedule {
        let actions: Vec<&str> = n.actions.iter().map(|a| a.label.as_str()).collect();
        let _ = writeln!(
            out,
            "{} [{}] {}\n  {}\n  actions: {}",
            n.fire_local,
            n.category,
            n.title,
            n.body,
            actions.join(" · ")
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    out
}

fn tempfile_dir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tuilu-golden-views-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn every_view_of_every_scenario_in_both_languages() {
    let book = tuilu_core::load_bundled().unwrap();
    for sc in book.scenarios() {
        for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
            let text = render(sc.id(), lang);
            if lang == Lang::Zh {
                // A Chinese user never sees an internal id or a type name.
                for id in sc
                    .pack
                    .steps
                    .iter()
                    .map(|s| s.id.as_str())
                    .chain(sc.pack.facts.iter().map(|f| f.id.as_str()))
                {
                    if id.contains('_') {
                        assert!(!text.contains(id), "{} shows the id {id}", sc.id());
                    }
                }
                for ty in ["(bool)", "(enum)", "(money)", "(integer)"] {
                    assert!(!text.contains(ty), "{} shows {ty}", sc.id());
                }
            }
            assert_golden(&format!("views/{}.{tag}.txt", sc.id()), &text);
        }
    }
}
