//! What the command line asks of the application layer beyond the phones' screens: the
//! case commands' documented `--json` records (the vault's records, unchanged) and their
//! one-line confirmations, the journal in words, a step moved by its number, and the
//! words of any error the core raised. The CLI is a shell like the phones: it calls these
//! on the one [`App`] of its process (one rule book, one calendar, one database handle)
//! and lays out what they return.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::present::{local_text, size_text_in};
use super::{poisoned, vault_error, App, AppError, ChangeKind, Missing, ViewContext};
use crate::rules::Facts;
use crate::text::Lang;
use crate::vault::{
    CaseView, Event, ReplanReport, StepAction, StepRef, TransitionOptions, Vault, VaultError,
};

fn tr(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// A record for `--json` with the lines a person reads instead.
#[derive(Debug, Clone, Serialize)]
pub struct CommandOutcome {
    /// The case the command was about (its full id).
    pub case_id: String,
    /// The documented JSON record (docs/cases.md).
    pub json: serde_json::Value,
    /// What a person reads, one entry a line, in the run's language.
    pub lines: Vec<String>,
}

/// What a command that is about no single case prints: the documented `--json` record,
/// the lines a person reads instead, the problems said on stderr, and whether what it
/// checked is intact (evidence, bundles: the CLI exits 2 when not).
#[derive(Debug, Clone, Serialize)]
pub struct Printout {
    pub json: serde_json::Value,
    pub lines: Vec<String>,
    /// Problems met on the way (a file that could not be added), in the run's language;
    /// the command exits 1 when there are any.
    pub errors: Vec<String>,
    pub intact: bool,
}

impl Default for Printout {
    fn default() -> Printout {
        Printout {
            json: serde_json::Value::Null,
            lines: Vec::new(),
            errors: Vec::new(),
            intact: true,
        }
    }
}

impl Printout {
    pub fn new(json: serde_json::Value, lines: Vec<String>) -> Printout {
        Printout {
            json,
            lines,
            ..Printout::default()
        }
    }
}

/// Progress and cancellation of long commands, as the phones pass them.
pub use crate::evidence::{CancelFlag, Progress};

pub(super) fn json_of<T: Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal {
        detail: e.to_string(),
    })
}

/// How the command line names the step actions (`tuilu step <case> <step> <action>`):
/// the vault's own names, so there is one list.
pub fn step_action_names() -> [&'static str; 6] {
    StepAction::ALL.map(StepAction::as_str)
}

impl App {
    /// [`App::open`] for a shell that names the folder itself (the CLI's `--vault`): a
    /// file where the vault should be is refused in `lang`, with nothing created.
    pub fn open_in(dir: &Path, lang: Lang) -> Result<App, AppError> {
        if dir.exists() && !dir.is_dir() {
            let e = VaultError::NotAFolder {
                path: dir.to_path_buf(),
            };
            return Err(vault_error(e, None, lang));
        }
        App::open(dir)
    }

    /// [`App::vault`] with a failure to open worded in the context's language.
    pub fn vault_for(&self, ctx: &ViewContext) -> Result<Arc<Vault>, AppError> {
        let mut slot = self.vault.lock().map_err(|_| poisoned())?;
        if let Some(v) = slot.as_ref().filter(|v| !v.is_replaced()) {
            return Ok(v.clone());
        }
        let v =
            Arc::new(Vault::open(&self.dir, ctx.now).map_err(|e| vault_error(e, None, ctx.lang))?);
        *slot = Some(v.clone());
        Ok(v)
    }

    fn case_of(&self, ctx: &ViewContext, case_ref: &str) -> Result<CaseView, AppError> {
        self.vault_for(ctx)?
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))
    }

    /// Starts a case from facts already read against the scenario (`--fact`,
    /// `--facts-file`). The JSON is the case record.
    pub fn create_case_from_facts(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        facts: &Facts,
    ) -> Result<CommandOutcome, AppError> {
        let (book, i) = self.scenario(scenario)?;
        let sc = &book.scenarios()[i];
        let view = self
            .vault(ctx.now)?
            .create_case(sc, facts, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        self.notify(ChangeKind::CaseCreated, Some(&view.id));
        Ok(CommandOutcome {
            case_id: view.id.clone(),
            json: json_of(&view)?,
            lines: vec![format!(
                "{} {}",
                tr(ctx.lang, "已创建案件", "Created case"),
                view.id
            )],
        })
    }

    /// The case record (`tuilu case show --json` before the checklist view), by id or
    /// unique prefix.
    pub fn case_record(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
    ) -> Result<serde_json::Value, AppError> {
        json_of(&self.case_of(ctx, case_ref)?)
    }

    /// The scenario id of a case.
    pub fn case_scenario(&self, ctx: &ViewContext, case_ref: &str) -> Result<String, AppError> {
        Ok(self.case_of(ctx, case_ref)?.scenario)
    }

    /// Changes a case's facts (`set` replaces, `unset` forgets), or with `upgrade` moves it
    /// to the current pack; re-plans keeping progress. The JSON is the re-plan report with
    /// the case under `case`; the lines say what changed.
    pub fn replan_case(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        set: &Facts,
        unset: &[String],
        upgrade: bool,
    ) -> Result<CommandOutcome, AppError> {
        let vault = self.vault_for(ctx)?;
        let current = self.case_of(ctx, case_ref)?;
        let (book, i) = self.scenario(&current.scenario)?;
        let sc = &book.scenarios()[i];
        let report = if upgrade {
            vault.upgrade(&current.id, sc, ctx.now)
        } else {
            vault.set_facts(&current.id, sc, set, unset, ctx.now)
        }
        .map_err(|e| vault_error(e, Some(&current), ctx.lang))?;
        let after = self.case_of(ctx, &report.case_id)?;
        let mut json = json_of(&report)?;
        if let Some(obj) = json.as_object_mut() {
            obj.insert("case".into(), json_of(&after)?);
        }
        if report.changed_anything {
            self.notify(ChangeKind::CaseChanged, Some(&after.id));
        }
        Ok(CommandOutcome {
            case_id: after.id,
            json,
            lines: replan_lines(&report, ctx.lang),
        })
    }

    /// Archives or restores a case. JSON `{id, archived, changed}`.
    pub fn set_case_archived(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        archived: bool,
    ) -> Result<CommandOutcome, AppError> {
        let vault = self.vault_for(ctx)?;
        let said = |e| vault_error(e, None, ctx.lang);
        let id = vault.resolve_case(case_ref).map_err(said)?;
        let changed = vault.set_archived(&id, archived, ctx.now).map_err(said)?;
        if changed {
            self.notify(ChangeKind::CaseChanged, Some(&id));
        }
        let msg = match (archived, changed) {
            (true, true) => tr(ctx.lang, "已归档案件", "Archived case"),
            (true, false) => tr(ctx.lang, "案件本已归档", "Case was already archived"),
            (false, true) => tr(ctx.lang, "已取消归档", "Unarchived case"),
            (false, false) => tr(ctx.lang, "案件未归档", "Case was not archived"),
        };
        Ok(CommandOutcome {
            json: serde_json::json!({ "id": id, "archived": archived, "changed": changed }),
            lines: vec![format!("{msg} {id}")],
            case_id: id,
        })
    }

    /// Deletes a case with its evidence for good (the user confirmed). JSON `{id,
    /// deleted, evidence_items, evidence_bytes, evidence_files_removed}`.
    pub fn delete_case_confirmed(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
    ) -> Result<CommandOutcome, AppError> {
        let gone = self
            .vault(ctx.now)?
            .delete_case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        self.notify(ChangeKind::CaseDeleted, Some(&gone.id));
        let ev = gone.evidence;
        let size = size_text_in(ctx.lang, ev.bytes);
        let line = match ctx.lang {
            Lang::Zh => format!(
                "已删除案件 {}，连同 {} 件证据（{size}），只留下删除记录（文件指纹与大小）",
                gone.id, ev.items
            ),
            Lang::En => format!(
                "Deleted case {} with {} evidence item(s) ({size}); only a record of the deletion (file fingerprints and sizes) is kept",
                gone.id, ev.items
            ),
        };
        Ok(CommandOutcome {
            json: serde_json::json!({
                "id": gone.id,
                "deleted": true,
                "evidence_items": ev.items,
                "evidence_bytes": ev.bytes,
                "evidence_files_removed": ev.files_removed,
            }),
            lines: vec![line],
            case_id: gone.id,
        })
    }

    /// The case's journal: the events as JSON, a line each in words.
    pub fn journal_lines(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
    ) -> Result<CommandOutcome, AppError> {
        let vault = self.vault_for(ctx)?;
        let id = vault
            .resolve_case(case_ref)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let events = vault
            .journal(&id)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        Ok(CommandOutcome {
            json: json_of(&events)?,
            lines: events.iter().map(|e| journal_line(ctx, e)).collect(),
            case_id: id,
        })
    }

    /// Moves a step, named by its number in the checklist or by its id, with an action
    /// named as on the command line (`start`, `submit`, …). The JSON is the transition
    /// record; the lines say the move, its time rule and how to undo it.
    #[allow(clippy::too_many_arguments)]
    pub fn move_step(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: &str,
        action: &str,
        at: Option<DateTime<Utc>>,
        note: Option<String>,
        route: Option<String>,
    ) -> Result<CommandOutcome, AppError> {
        let action = StepAction::parse(action).ok_or_else(|| AppError::NotFound {
            what: Missing::Step,
            id: action.to_string(),
        })?;
        let vault = self.vault_for(ctx)?;
        let before = self.case_of(ctx, case_ref)?;
        let step_id = match step.parse::<i64>() {
            Ok(n) => before
                .steps
                .iter()
                .find(|s| s.number == n)
                .map(|s| s.id.clone())
                .ok_or_else(|| AppError::NotFound {
                    what: Missing::Step,
                    id: step.to_string(),
                })?,
            Err(_) => step.to_string(),
        };
        let opts = TransitionOptions { at, note, route };
        let out = vault
            .transition(&before.id, &step_id, action, &opts, ctx.now)
            .map_err(|e| vault_error(e, Some(&before), ctx.lang))?;
        self.notify(ChangeKind::CaseChanged, Some(&before.id));
        let screen = self.case_screen(ctx, &out.case_id)?;
        let row = screen.steps.iter().find(|s| s.id == out.step);
        // The step's kind words its status (a wait's running clock is not "submitted").
        let label =
            |s: crate::vault::StepStatus| match before.steps.iter().find(|b| b.id == out.step) {
                Some(b) => s.label_for(b.kind).get(ctx.lang).to_string(),
                None => s.label().get(ctx.lang).to_string(),
            };
        let colon = tr(ctx.lang, "：", ": ");
        let mut lines = vec![format!(
            "{}. {}{colon}{} → {}  ({} #{}, {})",
            row.map_or(0, |r| r.number),
            row.map_or(out.step.as_str(), |r| r.title.as_str()),
            label(out.from),
            label(out.to),
            tr(ctx.lang, "日志", "journal"),
            out.seq,
            local_text(ctx, out.at)
        )];
        if let Some(d) = row.and_then(|r| r.deadline.as_ref()) {
            lines.push(format!(
                "  {}{colon}{} · {}",
                d.sense_label, d.text, d.relative
            ));
        }
        if let Some(u) = &screen.undo {
            lines.push(format!("  ↶ {}", u.label));
        }
        Ok(CommandOutcome {
            case_id: out.case_id.clone(),
            json: json_of(&out)?,
            lines,
        })
    }
}

/// The view context of a desktop run: `lang`, the system's zone (`$TZ`, else
/// `/etc/timezone`, else the link of `/etc/localtime`; Beijing time when none reads) and
/// `now`.
pub fn desktop_context(lang: Lang, now: DateTime<Utc>) -> ViewContext {
    let from_env = std::env::var("TZ")
        .ok()
        .map(|s| s.trim_start_matches(':').to_string());
    let from_file = || {
        std::fs::read_to_string("/etc/timezone")
            .ok()
            .map(|s| s.trim().to_string())
    };
    let from_link = || {
        std::fs::read_link("/etc/localtime").ok().and_then(|p| {
            let s = p.to_string_lossy().into_owned();
            s.split_once("zoneinfo/").map(|(_, z)| z.to_string())
        })
    };
    let zone = from_env
        .filter(|s| !s.is_empty())
        .or_else(from_file)
        .or_else(from_link)
        .and_then(|name| crate::reminders::parse_tz(&name))
        .unwrap_or_else(crate::reminders::UserZone::beijing);
    ViewContext::new(lang, zone, now)
}

/// The words of an error the core raised (the application's, the vault's, the evidence
/// store's or the backup's), in `lang`; `None` for other errors (the system's, the
/// command line's own).
pub fn error_words(err: &(dyn std::error::Error + 'static), lang: Lang) -> Option<String> {
    if let Some(e) = err.downcast_ref::<AppError>() {
        Some(e.message(lang))
    } else if let Some(e) = err.downcast_ref::<crate::evidence::EvidenceError>() {
        Some(e.message(lang))
    } else if let Some(e) = err.downcast_ref::<crate::vault::VaultError>() {
        Some(super::error::vault_words(e, lang))
    } else {
        err.downcast_ref::<crate::backup::BackupError>()
            .map(|e| e.message(lang))
    }
}

fn journal_line(ctx: &ViewContext, e: &Event) -> String {
    let lang = ctx.lang;
    let mut out = format!("#{:<5} {}  {}", e.seq, local_text(ctx, e.at), e.kind);
    if let Some(step) = &e.step {
        let _ = write!(out, " {step}");
    }
    if let (Some(from), Some(to)) = (e.from_status, e.to_status) {
        let _ = write!(
            out,
            ": {} → {}",
            from.label().get(lang),
            to.label().get(lang)
        );
    }
    if let Some(u) = e.undoes {
        let _ = write!(out, " ({} #{u})", tr(lang, "撤销", "undoes"));
    }
    if let Some(n) = &e.note {
        let _ = write!(out, " — {n}");
    }
    out
}

fn refs(lang: Lang, list: &[StepRef]) -> String {
    list.iter()
        .map(|s| {
            format!(
                "{} ({}, {})",
                s.title.get(lang),
                s.id,
                s.status.label().get(lang)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn replan_lines(r: &ReplanReport, lang: Lang) -> Vec<String> {
    if !r.changed_anything {
        return vec![format!(
            "{} v{}",
            tr(
                lang,
                "无需升级：案件已使用当前规则包",
                "Nothing to upgrade: the case already uses the current pack"
            ),
            r.to_version
        )];
    }
    let mut out = vec![if r.from_version != r.to_version {
        format!(
            "{} v{} → v{}",
            tr(lang, "规则包已升级", "Pack upgraded"),
            r.from_version,
            r.to_version
        )
    } else {
        tr(lang, "已重新规划", "Re-planned")
    }];
    let lines = [
        (tr(lang, "新增步骤", "Added"), refs(lang, &r.added)),
        (
            tr(lang, "移出计划（进度保留）", "Dropped (progress kept)"),
            refs(lang, &r.dropped),
        ),
        (tr(lang, "恢复步骤", "Restored"), refs(lang, &r.restored)),
        (
            tr(lang, "内容有变", "Changed"),
            r.changed
                .iter()
                .map(|c| format!("{} ({}: {})", c.title.get(lang), c.id, c.fields.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            tr(
                lang,
                "不再适用的事实（已移除）",
                "Facts no longer asked (removed)",
            ),
            r.facts_dropped.join(", "),
        ),
    ];
    let colon = tr(lang, "：", ": ");
    for (label, text) in lines {
        if !text.is_empty() {
            out.push(format!("  {label}{colon}{text}"));
        }
    }
    if r.added.is_empty()
        && r.dropped.is_empty()
        && r.restored.is_empty()
        && r.changed.is_empty()
        && r.facts_dropped.is_empty()
    {
        out.push(format!(
            "  {}",
            tr(lang, "步骤没有变化", "No change to the steps")
        ));
    }
    out
}
