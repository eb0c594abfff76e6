//! `tuilu step <case> <step> start|submit|done|skip|block|undo`.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use tuilu_core::vault::{StepAction, StepStatus, TransitionOptions};

use tuilu_core::app::{vault_error, AppError, Missing};

use crate::cmd_case::{local, status_label};
use crate::output::t;
use crate::output::{parse_time, print_json, Globals};
use crate::views;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Action {
    /// 开始 / start working on it.
    Start,
    /// 已提交（开始计时）/ handed in: its clock starts.
    Submit,
    /// 完成 / done.
    Done,
    /// 跳过 / skip it.
    Skip,
    /// 受阻（被拒、无回应）/ stuck: refused or no answer.
    Block,
    /// 撤销此步骤最近一次变更 / revert this step's latest transition.
    Undo,
}

impl From<Action> for StepAction {
    fn from(a: Action) -> StepAction {
        match a {
            Action::Start => StepAction::Start,
            Action::Submit => StepAction::Submit,
            Action::Done => StepAction::Done,
            Action::Skip => StepAction::Skip,
            Action::Block => StepAction::Block,
            Action::Undo => StepAction::Undo,
        }
    }
}

#[derive(Args)]
pub struct StepArgs {
    /// 案件 id（或至少 4 位的唯一前缀）/ case id (or a unique prefix of 4+ characters).
    pub case: String,
    /// 步骤 id / step id.
    pub step: String,
    #[arg(value_enum)]
    pub action: Action,
    /// 发生时间（RFC 3339），默认现在 / when it happened (RFC 3339), default now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub at: Option<DateTime<Utc>>,
    /// 备注 / a note kept in the journal.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// 办理途径（备选途径 id），决定计时 / the route taken (an alternative's id); sets the clock.
    #[arg(long, value_name = "ROUTE")]
    pub route: Option<String>,
}

pub fn step(g: &Globals, args: StepArgs) -> anyhow::Result<ExitCode> {
    let now = g.clock();
    let lang = g.lang;
    let app = views::open_app(g)?;
    let vault = app.vault(now)?;
    let before = vault
        .case(&args.case, now)
        .map_err(|e| vault_error(e, None, lang))?;
    // A step by its number in the checklist, or by its id.
    let step_id = match args.step.parse::<i64>() {
        Ok(n) => before
            .steps
            .iter()
            .find(|s| s.number == n)
            .map(|s| s.id.clone())
            .ok_or_else(|| AppError::NotFound {
                what: Missing::Step,
                id: args.step.clone(),
            })?,
        Err(_) => args.step.clone(),
    };
    let opts = TransitionOptions {
        at: args.at,
        note: args.note,
        route: args.route,
    };
    let out = vault
        .transition(&before.id, &step_id, args.action.into(), &opts, now)
        .map_err(|e| vault_error(e, Some(&before), lang))?;
    if g.json {
        print_json(&out)?;
    } else {
        let screen = app.case_screen(&views::context(g), &out.case_id)?;
        let row = screen.steps.iter().find(|s| s.id == out.step);
        // The step's kind words its status (a wait's running clock is not "submitted").
        let label = |s: StepStatus| match before.steps.iter().find(|b| b.id == out.step) {
            Some(b) => s.label_for(b.kind).get(lang).to_string(),
            None => status_label(lang, s),
        };
        println!(
            "{}. {}{}{} → {}  ({} #{}, {})",
            row.map_or(0, |r| r.number),
            row.map_or(out.step.as_str(), |r| r.title.as_str()),
            t(lang, "：", ": "),
            label(out.from),
            label(out.to),
            t(lang, "日志", "journal"),
            out.seq,
            local(out.at)
        );
        if let Some(d) = row.and_then(|r| r.deadline.as_ref()) {
            println!(
                "  {}{}{} · {}",
                d.sense_label,
                t(lang, "：", ": "),
                d.text,
                d.relative
            );
        }
        if let Some(u) = &screen.undo {
            println!("  ↶ {}", u.label);
        }
    }
    Ok(ExitCode::SUCCESS)
}
