//! Looking after a case as a whole: its history in words (with undo where allowed),
//! archiving, upgrading to a newer rule pack (previewed first), moving an evidence item to
//! another step, and the confirmations that deleting asks for.

use chrono::{DateTime, Utc};
use serde::Serialize;

use std::sync::Arc;

use crate::evidence::{EvidenceItem, EvidenceStore};
use crate::text::Lang;
use crate::vault::{CaseView, Event as JournalEvent, ReplanReport, StepRef, StepStatus, Vault};

use super::case::undoable;
use super::present::{action_label_from, local_text, size_text_in, tr};
use super::{evidence_error, vault_error, App, AppError, ChangeKind, Missing, ViewContext};

/// One line of a case's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// Local time, to the minute.
    pub when_text: String,
    /// What happened, in words ("「提交退出申请」：进行中 → 已提交").
    pub text: String,
    pub note: Option<String>,
    /// A later entry reverted this one.
    pub undone: bool,
    /// "撤销", when this is the change undo would revert now.
    pub undo_label: Option<String>,
    /// The step that undo applies to, with `undo_label`.
    pub undo_step: Option<String>,
}

/// A case's journal in words, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryView {
    pub case_id: String,
    pub title: String,
    pub entries: Vec<HistoryEntry>,
}

/// What an upgrade to the newest rule pack would change, shown before it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradeView {
    pub case_id: String,
    pub title: String,
    /// "v1.0.0 → v1.1.0".
    pub versions_text: String,
    /// There is something to apply.
    pub available: bool,
    /// "更新后，进度保留；以下步骤有变化：" or "已是最新规则".
    pub summary: String,
    /// One line per change, in words.
    pub changes: Vec<String>,
    pub apply_label: String,
}

/// What a case screen offers beyond its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseMenuAction {
    History,
    Upgrade,
    Archive,
    Unarchive,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseMenuItem {
    pub action: CaseMenuAction,
    pub label: String,
    /// Destructive actions are drawn as such (red, confirmed first).
    pub destructive: bool,
}

/// A question the shell asks before a destructive event; the core words it, and the shell
/// sends the event again with `confirmed` when the user agrees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfirmView {
    pub title: String,
    pub text: String,
    pub confirm_label: String,
    pub cancel_label: String,
}

/// The menu of a case screen.
pub(super) fn case_menu(lang: Lang, case: &CaseView, newer_pack: bool) -> Vec<CaseMenuItem> {
    let item = |action, zh: &str, en: &str, destructive| CaseMenuItem {
        action,
        label: tr(lang, zh, en),
        destructive,
    };
    let mut out = vec![item(CaseMenuAction::History, "历史记录", "History", false)];
    if newer_pack && !case.archived {
        out.push(item(
            CaseMenuAction::Upgrade,
            "按新规则更新",
            "Update to the new rules",
            false,
        ));
    }
    out.push(if case.archived {
        item(CaseMenuAction::Unarchive, "取消归档", "Unarchive", false)
    } else {
        item(CaseMenuAction::Archive, "归档", "Archive", false)
    });
    out.push(item(
        CaseMenuAction::Delete,
        "删除案件",
        "Delete case",
        true,
    ));
    out
}

fn step_title(case: &CaseView, lang: Lang, id: &str) -> String {
    case.step(id)
        .map(|s| s.title.get(lang).to_string())
        .unwrap_or_else(|| {
            tr(
                lang,
                "（已移出计划的步骤）",
                "(a step no longer in the plan)",
            )
        })
}

fn status_word(lang: Lang, s: StepStatus) -> String {
    s.label().get(lang).to_string()
}

fn entry_text(lang: Lang, case: &CaseView, e: &JournalEvent) -> String {
    let quoted = |t: &str| match lang {
        Lang::Zh => format!("「{t}」"),
        Lang::En => format!("“{t}”"),
    };
    match e.kind.as_str() {
        "case_created" => tr(lang, "创建了案件", "Case created"),
        "transition" => {
            let title = e.step.as_deref().map(|s| step_title(case, lang, s));
            let what = match (e.step.as_deref().and_then(|s| case.step(s)), e.action) {
                (Some(s), Some(a)) => action_label_from(lang, s.kind, e.from_status, a),
                _ => String::new(),
            };
            let change = match (e.from_status, e.to_status) {
                (Some(f), Some(t)) => {
                    format!("{} → {}", status_word(lang, f), status_word(lang, t))
                }
                _ => what,
            };
            match (lang, title) {
                (Lang::Zh, Some(t)) => format!("{}：{change}", quoted(&t)),
                (Lang::En, Some(t)) => format!("{}: {change}", quoted(&t)),
                (_, None) => change,
            }
        }
        "undo" => {
            let title = e
                .step
                .as_deref()
                .map(|s| step_title(case, lang, s))
                .unwrap_or_default();
            match lang {
                Lang::Zh => format!("撤销了{}的上一次变更", quoted(&title)),
                Lang::En => format!("Undid the last change to {}", quoted(&title)),
            }
        }
        "facts_changed" => tr(
            lang,
            "修改了回答，已重新规划",
            "Answers changed; re-planned",
        ),
        "upgraded" => tr(
            lang,
            "按新版规则重新规划（进度保留）",
            "Re-planned with the new rules (progress kept)",
        ),
        "archived" => tr(lang, "归档了案件", "Case archived"),
        "unarchived" => tr(lang, "取消了归档", "Case unarchived"),
        _ => tr(lang, "其他变更", "Other change"),
    }
}

fn refs_text(lang: Lang, list: &[StepRef]) -> String {
    let sep = match lang {
        Lang::Zh => "、",
        Lang::En => ", ",
    };
    list.iter()
        .map(|s| match lang {
            Lang::Zh => format!("「{}」", s.title.get(lang)),
            Lang::En => format!("“{}”", s.title.get(lang)),
        })
        .collect::<Vec<_>>()
        .join(sep)
}

fn change_lines(lang: Lang, case: &CaseView, r: &ReplanReport) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = |zh: &str, en: &str, list: &[StepRef]| {
        if !list.is_empty() {
            out.push(match lang {
                Lang::Zh => format!("{zh}：{}", refs_text(lang, list)),
                Lang::En => format!("{en}: {}", refs_text(lang, list)),
            });
        }
    };
    line("新增步骤", "New steps", &r.added);
    line(
        "移出计划（进度保留）",
        "Leaving the plan (progress kept)",
        &r.dropped,
    );
    line("重新加入计划", "Back in the plan", &r.restored);
    if !r.changed.is_empty() {
        let changed: Vec<StepRef> = r
            .changed
            .iter()
            .filter_map(|c| {
                case.step(&c.id).map(|s| StepRef {
                    id: s.id.clone(),
                    status: s.status,
                    title: s.title.clone(),
                })
            })
            .collect();
        line("规则有变化", "Rules changed", &changed);
    }
    if !r.facts_dropped.is_empty() {
        out.push(tr(
            lang,
            "有回答不再适用，将被移除，之后可能需要重新回答",
            "Some answers no longer apply and will be removed; you may be asked again",
        ));
    }
    out
}

impl App {
    /// A live evidence item by id, with the vault it is in; an unknown id is `NotFound`.
    pub(super) fn evidence_item(
        &self,
        ctx: &ViewContext,
        item_id: &str,
    ) -> Result<(Arc<Vault>, EvidenceItem), AppError> {
        let vault = self.vault(ctx.now)?;
        let root = vault.dir().to_path_buf();
        let item = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).get(item_id))
            .map_err(|_| AppError::NotFound {
                what: Missing::EvidenceItem,
                id: item_id.to_string(),
            })?;
        Ok((vault, item))
    }

    /// The case's journal in words, newest first, with undo on the change it can revert.
    pub fn history(&self, ctx: &ViewContext, case_ref: &str) -> Result<HistoryView, AppError> {
        let lang = ctx.lang;
        let vault = self.vault(ctx.now)?;
        let case = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, lang))?;
        let journal = vault
            .journal(&case.id)
            .map_err(|e| vault_error(e, Some(&case), lang))?;
        let undone: std::collections::BTreeSet<i64> =
            crate::sort::collect_sorted(journal.iter().filter_map(|e| e.undoes));
        let can_undo = undoable(&case, &journal);
        let entries = journal
            .iter()
            .rev()
            .map(|e| {
                let undo = can_undo
                    .iter()
                    .find(|(_, (seq, _))| *seq == e.seq)
                    .filter(|_| !case.archived)
                    .map(|(step, _)| step.clone());
                HistoryEntry {
                    seq: e.seq,
                    at: e.at,
                    when_text: local_text(ctx, e.at),
                    text: entry_text(lang, &case, e),
                    note: e.note.clone(),
                    undone: undone.contains(&e.seq),
                    undo_label: undo.as_ref().map(|_| tr(lang, "撤销", "Undo")),
                    undo_step: undo,
                }
            })
            .collect();
        Ok(HistoryView {
            case_id: case.id.clone(),
            title: case.title.get(lang).to_string(),
            entries,
        })
    }

    /// What updating the case to the newest pack of its scenario would change; nothing is
    /// written.
    pub fn upgrade_preview(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
    ) -> Result<UpgradeView, AppError> {
        let lang = ctx.lang;
        let vault = self.vault(ctx.now)?;
        let case = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, lang))?;
        let (book, i) = self.scenario(&case.scenario)?;
        let sc = &book.scenarios()[i];
        let report = vault
            .upgrade_preview(&case.id, sc, ctx.now)
            .map_err(|e| vault_error(e, Some(&case), lang))?;
        let changes = change_lines(lang, &case, &report);
        Ok(UpgradeView {
            case_id: case.id.clone(),
            title: case.title.get(lang).to_string(),
            versions_text: format!("v{} → v{}", report.from_version, report.to_version),
            available: report.changed_anything,
            summary: match (report.changed_anything, changes.is_empty()) {
                (false, _) => tr(
                    lang,
                    "这个案件已使用最新规则",
                    "This case already uses the newest rules",
                ),
                (true, true) => tr(
                    lang,
                    "新规则不改变这个案件的步骤；更新后进度保留",
                    "The new rules change none of this case's steps; progress is kept",
                ),
                (true, false) => tr(
                    lang,
                    "更新后进度保留，以下内容有变化：",
                    "Progress is kept; these change:",
                ),
            },
            changes,
            apply_label: tr(lang, "按新规则更新", "Update to the new rules"),
        })
    }

    /// Updates the case to the newest pack of its scenario (progress kept).
    pub fn upgrade_case(&self, ctx: &ViewContext, case_ref: &str) -> Result<String, AppError> {
        let lang = ctx.lang;
        let vault = self.vault(ctx.now)?;
        let case = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, lang))?;
        let (book, i) = self.scenario(&case.scenario)?;
        let report = vault
            .upgrade(&case.id, &book.scenarios()[i], ctx.now)
            .map_err(|e| vault_error(e, Some(&case), lang))?;
        self.notify(ChangeKind::CaseChanged, Some(&case.id));
        Ok(if report.changed_anything {
            match lang {
                Lang::Zh => format!("已按 v{} 规则更新，进度保留", report.to_version),
                Lang::En => format!("Updated to the v{} rules; progress kept", report.to_version),
            }
        } else {
            tr(lang, "已是最新规则", "Already on the newest rules")
        })
    }

    /// Archives or unarchives a case; returns the words for the snackbar.
    pub fn set_archived(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        archived: bool,
    ) -> Result<String, AppError> {
        let lang = ctx.lang;
        let vault = self.vault(ctx.now)?;
        let id = vault
            .resolve_case(case_ref)
            .map_err(|e| vault_error(e, None, lang))?;
        vault
            .set_archived(&id, archived, ctx.now)
            .map_err(|e| vault_error(e, None, lang))?;
        self.notify(ChangeKind::CaseChanged, Some(&id));
        Ok(if archived {
            tr(
                lang,
                "已归档，提醒已停止",
                "Archived; its reminders stopped",
            )
        } else {
            tr(lang, "已取消归档", "Unarchived")
        })
    }

    /// Moves an evidence item to another step of its case (it proves that step only).
    pub fn move_evidence(
        &self,
        ctx: &ViewContext,
        item_id: &str,
        to_step: &str,
    ) -> Result<(String, String), AppError> {
        let lang = ctx.lang;
        let (vault, item) = self.evidence_item(ctx, item_id)?;
        let root = vault.dir().to_path_buf();
        let case = vault
            .case(&item.case_id, ctx.now)
            .map_err(|e| vault_error(e, None, lang))?;
        let step = case.step(to_step).ok_or_else(|| AppError::NotFound {
            what: Missing::Step,
            id: to_step.to_string(),
        })?;
        let title = step.title.get(Lang::Zh).to_string();
        vault
            .with_connection_mut(|conn| {
                EvidenceStore::new(conn, &root).link(item_id, to_step, Some(&title), ctx.now)
            })
            .map_err(evidence_error)?;
        self.notify(ChangeKind::EvidenceChanged, Some(&case.id));
        let shown = step.title.get(lang);
        let name = &item.original_name;
        Ok((
            case.id.clone(),
            match lang {
                Lang::Zh => format!("已把「{name}」移到第 {} 步「{shown}」", step.number),
                Lang::En => format!("Moved “{name}” to step {} “{shown}”", step.number),
            },
        ))
    }

    /// What deleting the case takes with it, asked before it happens.
    pub fn confirm_delete_case(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
    ) -> Result<ConfirmView, AppError> {
        let lang = ctx.lang;
        let vault = self.vault(ctx.now)?;
        let case = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, lang))?;
        let root = vault.dir().to_path_buf();
        let items = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&case.id))
            .map_err(evidence_error)?;
        let live: Vec<_> = items.iter().filter(|i| i.deleted_at.is_none()).collect();
        let n = live.len();
        let bytes: u64 = live.iter().map(|i| i.size).sum();
        let title = case.title.get(lang);
        Ok(ConfirmView {
            title: match lang {
                Lang::Zh => format!("永久删除「{title}」？"),
                Lang::En => format!("Delete “{title}” for good?"),
            },
            text: match (lang, n) {
                (Lang::Zh, 0) => "案件和它的全部记录会被删除，无法恢复。".to_string(),
                (Lang::Zh, _) => format!(
                    "案件、它的全部记录和 {n} 件证据（{}）会一起删除，无法恢复。需要留底的证据请先导出。",
                    size_text_in(lang, bytes)
                ),
                (Lang::En, 0) => {
                    "The case and its whole record will be deleted. This cannot be undone."
                        .to_string()
                }
                (Lang::En, _) => format!(
                    "The case, its whole record and its {n} evidence item{} ({}) will be deleted. This cannot be undone. Export any evidence you need first.",
                    if n == 1 { "" } else { "s" },
                    size_text_in(lang, bytes)
                ),
            },
            confirm_label: tr(lang, "永久删除", "Delete for good"),
            cancel_label: tr(lang, "取消", "Cancel"),
        })
    }

    /// What deleting an evidence item means, asked before it happens.
    pub fn confirm_delete_evidence(
        &self,
        ctx: &ViewContext,
        item_id: &str,
    ) -> Result<(String, ConfirmView), AppError> {
        let lang = ctx.lang;
        let (_, item) = self.evidence_item(ctx, item_id)?;
        let name = &item.original_name;
        let size = size_text_in(lang, item.size);
        Ok((
            item.case_id.clone(),
            ConfirmView {
                title: match lang {
                    Lang::Zh => format!("删除「{name}」？"),
                    Lang::En => format!("Delete “{name}”?"),
                },
                text: match lang {
                    Lang::Zh => format!(
                        "文件（{size}）和它的名称、备注会被删除，无法恢复；保管记录只留下“已删除”一条。"
                    ),
                    Lang::En => format!(
                        "The file ({size}), its name and its note will be deleted for good; the custody log keeps only the fact of the deletion."
                    ),
                },
                confirm_label: tr(lang, "删除", "Delete"),
                cancel_label: tr(lang, "取消", "Cancel"),
            },
        ))
    }
}
