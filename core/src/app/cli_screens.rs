//! The checklist and home screens as the command line prints them (`tuilu case show`,
//! `tuilu case list`): the phones' views ([`CaseScreen`], [`HomeView`]) laid out as text,
//! with the headings, hints and commands the terminal needs, in the run's language. The
//! CLI only prints the text (`--json` prints the views themselves).

use std::fmt::Write as _;

use super::{CaseScreen, HomeView, StepRow};
use crate::text::{count_en, Lang};

/// The glyph of a status, by its stored name (layout only: the words come with the row).
fn status_mark(s: &StepRow) -> &'static str {
    match s.status.as_str() {
        "todo" => "○",
        "in_progress" => "◐",
        "submitted" => "⏳",
        "done" => "✓",
        "skipped" => "–",
        _ => "✗",
    }
}

fn render_step(out: &mut String, lang: Lang, s: &StepRow) {
    let _ = write!(
        out,
        "{:>2}. {} {} — {}",
        s.number,
        status_mark(s),
        s.title,
        s.status_label
    );
    if let Some(at) = &s.status_at {
        let _ = write!(out, " {at}");
    }
    out.push('\n');
    let pad = "      ";
    if let Some(p) = &s.pending {
        let _ = writeln!(out, "{pad}{p}");
    }
    if let Some(r) = s.routes.iter().find(|r| r.selected) {
        let _ = writeln!(
            out,
            "{pad}{}{}（{}）",
            lang.pick("途径：", "route: "),
            r.title,
            r.channel
        );
    }
    if let Some(d) = &s.deadline {
        let mut line = format!("{pad}{}：{} · {}", d.sense_label, d.text, d.relative);
        if lang == Lang::En {
            line = format!("{pad}{}: {} · {}", d.sense_label, d.text, d.relative);
        }
        if d.estimated {
            line.push_str(lang.pick("〔估算〕", " [estimate]"));
        }
        if d.overdue {
            line.push_str(lang.pick(" ‼", " ‼"));
        }
        let _ = writeln!(out, "{line}");
    } else if let Some(timing) = &s.timing {
        let _ = writeln!(out, "{pad}{timing}");
    }
    if let Some(r) = &s.locked_reason {
        let _ = writeln!(out, "{pad}🔒 {r}");
    } else if !s.actions.is_empty() {
        let labels: Vec<&str> = s.actions.iter().map(|a| a.label.as_str()).collect();
        let _ = writeln!(
            out,
            "{pad}{}{}",
            lang.pick("可以：", "you can: "),
            labels.join(" · ")
        );
    }
    if s.overdue {
        if let Some(e) = &s.escalation {
            let _ = writeln!(
                out,
                "{pad}{}{e}",
                lang.pick("逾期未答复：", "No answer in time: ")
            );
        }
    }
    if s.evidence_count > 0 {
        let _ = writeln!(
            out,
            "{pad}{}",
            match lang {
                Lang::Zh => format!("证据 {} 项", s.evidence_count),
                Lang::En => count_en(s.evidence_count as u64, "evidence item", "evidence items"),
            }
        );
    }
    if let Some(f) = &s.flag {
        let _ = writeln!(out, "{pad}{}", f.text);
    }
    if let Some(n) = &s.note {
        let _ = writeln!(out, "{pad}{}{n}", lang.pick("备注：", "note: "));
    }
}

/// A heading and its lines, after a blank line; nothing at all when there are no lines.
fn section(out: &mut String, heading: &str, lines: impl IntoIterator<Item = String>) {
    let mut lines = lines.into_iter().peekable();
    if lines.peek().is_some() {
        let _ = writeln!(out, "\n{heading}");
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
    }
}

/// The checklist as text.
pub fn case_text(c: &CaseScreen, lang: Lang) -> String {
    let mut out = String::new();
    let archived = match c.archived {
        true => lang.pick("  〔已归档〕", "  [archived]"),
        false => "",
    };
    let rules = lang.pick("规则", "rules");
    let _ = writeln!(
        out,
        "{}  [{}]  {rules} v{}{archived}",
        c.title, c.id, c.pack_version
    );
    let _ = writeln!(out, "{}\n→ {}", c.progress_text, c.next_text);
    if let Some(n) = &c.newer_pack {
        let _ = writeln!(out, "ⓘ {n}");
    }
    let colon = lang.pick("：", ": ");
    let facts = c.facts.iter().map(|f| {
        let mark = if f.assumed {
            lang.pick("（默认）", " (assumed)")
        } else {
            ""
        };
        // A question already ends in its mark: "……吗？ 不确定", never "……吗？：不确定".
        let sep = if f.label.ends_with(['？', '?']) {
            " "
        } else {
            colon
        };
        format!("  · {}{sep}{}{mark}", f.label, f.value)
    });
    section(&mut out, lang.pick("【你的情况】", "YOUR SITUATION"), facts);
    section(
        &mut out,
        lang.pick(
            "【阻碍】以下问题会挡住退出：",
            "BLOCKERS — these hold the exit back:",
        ),
        c.blockers
            .iter()
            .map(|b| format!("  ✗ {} — {}", b.title, b.remedy)),
    );
    let _ = writeln!(out, "\n{}", lang.pick("【步骤】", "STEPS"));
    for s in &c.steps {
        render_step(&mut out, lang, s);
    }
    if !c.dropped_steps.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            lang.pick(
                "【已移出计划】（进度保留，条件恢复时返回）",
                "DROPPED FROM THE PLAN (progress kept; back if they apply again)"
            )
        );
        for s in &c.dropped_steps {
            render_step(&mut out, lang, s);
        }
    }
    let amounts = c.amounts.iter().map(|a| {
        let value = a.value_text.as_ref().or(a.pending_text.as_ref());
        format!("  {}{colon}{}", a.label, value.map_or("", |v| v.as_str()))
    });
    section(&mut out, lang.pick("【金额】", "AMOUNTS"), amounts);
    let notes = c.warnings.iter().chain(&c.consequences);
    section(
        &mut out,
        lang.pick("【注意】", "NOTE"),
        notes.map(|w| format!("  ⚠ {w}")),
    );
    let questions = c.open_questions.iter().flat_map(|q| {
        let card = c.question_cards.iter().find(|k| &k.question.text == q);
        std::iter::once(format!("  ? {q}")).chain(card.map(|k| format!("    {}", k.reason)))
    });
    section(
        &mut out,
        lang.pick(
            "【待回答】（用 tuilu case facts 补充）",
            "OPEN QUESTIONS (answer with tuilu case facts)",
        ),
        questions,
    );
    if let Some(u) = &c.undo {
        let _ = writeln!(out, "\n↶ {}", u.label);
    }
    let _ = writeln!(
        out,
        "\n{}",
        match lang {
            Lang::Zh => format!(
                "更新步骤：tuilu step {} <序号> done|submit|start|skip|block|undo",
                c.id
            ),
            Lang::En => format!(
                "Update a step: tuilu step {} <number> done|submit|start|skip|block|undo",
                c.id
            ),
        }
    );
    out
}

/// Home as text.
pub fn home_text(h: &HomeView, lang: Lang) -> String {
    let mut out = String::new();
    if let Some(w) = &h.clock_warning {
        let _ = writeln!(out, "⚠ {w}");
    }
    for w in &h.calendar_warnings {
        let _ = writeln!(out, "ⓘ {w}");
    }
    if let Some(e) = &h.empty_text {
        let _ = writeln!(out, "{e}");
        let _ = writeln!(
            out,
            "{}",
            lang.pick(
                "开始：tuilu scenarios，然后 tuilu case new <场景>",
                "Start: tuilu scenarios, then tuilu case new <scenario>"
            )
        );
    }
    for c in &h.cases {
        let mut badges = String::new();
        if c.overdue {
            badges.push_str(lang.pick(" ‼已逾期", " ‼ overdue"));
        }
        if c.estimated {
            badges.push_str(lang.pick(" 〔估算〕", " [estimate]"));
        }
        let _ = writeln!(out, "{}  {}  {}{badges}", c.id, c.title, c.progress_text);
        if let Some(n) = &c.next_action {
            let _ = writeln!(out, "    {n}");
        }
        if let (Some(d), Some(step)) = (&c.next_deadline, &c.next_deadline_step) {
            let _ = writeln!(
                out,
                "    {step}{}{} · {}",
                lang.pick("：", ": "),
                d.text,
                d.relative
            );
        }
    }
    if let Some(more) = &h.more_cases {
        let _ = writeln!(out, "… {}", more.text);
    }
    if !h.archived_cases.is_empty() {
        let _ = writeln!(out, "\n{}", lang.pick("【已归档】", "ARCHIVED"));
        for c in &h.archived_cases {
            let _ = writeln!(out, "{}  {}  {}", c.id, c.title, c.progress_text);
        }
    } else if h.archived_count > 0 {
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::Zh => format!(
                    "另有 {} 个已归档案件（tuilu case list --all）",
                    h.archived_count
                ),
                Lang::En => format!(
                    "{} (tuilu case list --all)",
                    count_en(h.archived_count as u64, "archived case", "archived cases")
                ),
            }
        );
    }
    out
}
