//! `tuilu case ...`: cases in the vault.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use chrono::{DateTime, Local, Utc};
use clap::Subcommand;
use serde_json::json;
use tuilu_core::vault::{Event, ReplanReport, StepRef, StepStatus, Vault};
use tuilu_core::Lang;

use crate::cmd_rules::{collect_facts, find_scenario, vault_rule_book};
use crate::output::{print_json, t, Globals};
use crate::vault_path::resolve_vault;
use crate::views;

#[derive(Subcommand)]
pub enum CaseCommand {
    /// 新建案件 / start a case for a scenario.
    New {
        /// 场景 id / scenario id.
        scenario: String,
        /// 已知事实 name=value，可重复 / a known fact, repeatable.
        #[arg(long = "fact", value_name = "NAME=VALUE")]
        facts: Vec<String>,
        /// 从 JSON 文件读取事实 / read facts from a JSON object file.
        #[arg(long, value_name = "FILE")]
        facts_file: Option<PathBuf>,
    },
    /// 列出案件 / list cases with their progress and next deadline.
    List {
        /// 包括已归档的案件 / include archived cases.
        #[arg(long)]
        all: bool,
    },
    /// 查看案件 / show a case's steps, deadlines and overdue flags.
    Show { case: String },
    /// 查看案件日志 / show a case's journal.
    Log { case: String },
    /// 修改事实并重新规划 / change facts and re-plan, keeping progress.
    Facts {
        case: String,
        /// 设置事实 name=value，可重复 / set a fact, repeatable.
        #[arg(long = "fact", value_name = "NAME=VALUE")]
        facts: Vec<String>,
        /// 从 JSON 文件读取事实 / read facts from a JSON object file.
        #[arg(long, value_name = "FILE")]
        facts_file: Option<PathBuf>,
        /// 清除事实（恢复默认）/ forget a fact (back to the default), repeatable.
        #[arg(long = "unset", value_name = "NAME")]
        unset: Vec<String>,
    },
    /// 升级到当前规则包 / re-plan with the current rule pack.
    Upgrade { case: String },
    /// 归档案件 / archive a case.
    Archive { case: String },
    /// 取消归档 / restore an archived case.
    Unarchive { case: String },
    /// 永久删除案件及其日志 / delete a case and its journal for good.
    Delete {
        case: String,
        /// 确认删除 / confirm the deletion.
        #[arg(long)]
        yes: bool,
    },
}

/// Opens the vault chosen by `--vault`, `$TUILU_VAULT` or the default.
pub fn open_vault(g: &Globals) -> anyhow::Result<Vault> {
    let dir = resolve_vault(g.vault.as_deref())?;
    // The vault's errors name the folder themselves.
    Ok(Vault::open(&dir, g.clock())?)
}

pub fn case(g: &Globals, cmd: CaseCommand) -> anyhow::Result<ExitCode> {
    let now = g.clock();
    let lang = g.lang;
    let vault = open_vault(g)?;
    match cmd {
        CaseCommand::New {
            scenario,
            facts,
            facts_file,
        } => {
            let book = vault_rule_book(g)?;
            let sc = find_scenario(&book, &scenario)?;
            let facts = collect_facts(sc, &facts, facts_file.as_ref(), lang)?;
            let view = vault.create_case(sc, &facts, now)?;
            if g.json {
                print_json(&view)?;
            } else {
                println!("{} {}\n", t(lang, "已创建案件", "Created case"), view.id);
                let app = views::open_app(g)?;
                let screen = app.case_screen(&views::context(g), &view.id)?;
                print!("{}", views::render_case(&screen, lang));
            }
        }
        CaseCommand::List { all } => {
            let app = views::open_app(g)?;
            let home = app.home_with_archived(&views::context(g), all)?;
            if g.json {
                print_json(&home)?;
            } else {
                print!("{}", views::render_home(&home, lang));
            }
        }
        CaseCommand::Show { case } => {
            let app = views::open_app(g)?;
            let screen = app.case_screen(&views::context(g), &case)?;
            if g.json {
                print_json(&screen)?;
            } else {
                print!("{}", views::render_case(&screen, lang));
            }
        }
        CaseCommand::Log { case } => {
            let events = vault.journal(&case)?;
            if g.json {
                print_json(&events)?;
            } else {
                print!("{}", render_log(&events, lang));
            }
        }
        CaseCommand::Facts {
            case,
            facts,
            facts_file,
            unset,
        } => {
            if facts.is_empty() && facts_file.is_none() && unset.is_empty() {
                bail!(
                    "需要 --fact、--facts-file 或 --unset / give --fact, --facts-file or --unset"
                );
            }
            let current = vault.case(&case, now)?;
            let book = vault_rule_book(g)?;
            let sc = find_scenario(&book, &current.scenario)?;
            let set = collect_facts(sc, &facts, facts_file.as_ref(), lang)?;
            let report = vault.set_facts(&current.id, sc, &set, &unset, now)?;
            print_replan(g, &vault, report, now)?;
        }
        CaseCommand::Upgrade { case } => {
            let current = vault.case(&case, now)?;
            let book = vault_rule_book(g)?;
            let sc = find_scenario(&book, &current.scenario)?;
            let report = vault.upgrade(&current.id, sc, now)?;
            print_replan(g, &vault, report, now)?;
        }
        CaseCommand::Archive { case } => archive(g, &vault, &case, true, now)?,
        CaseCommand::Unarchive { case } => archive(g, &vault, &case, false, now)?,
        CaseCommand::Delete { case, yes } => {
            if !yes {
                bail!(
                    "{}",
                    t(
                        lang,
                        "删除不可恢复：案件、其日志和全部证据将永久删除；确认请加 --yes",
                        "Deleting removes the case, its journal and all its evidence for good; pass --yes to confirm"
                    )
                );
            }
            let gone = vault
                .delete_case(&case, now)
                .map_err(|e| tuilu_core::app::vault_error(e, None, lang))?;
            let ev = gone.evidence;
            if g.json {
                print_json(&json!({
                    "id": gone.id,
                    "deleted": true,
                    "evidence_items": ev.items,
                    "evidence_bytes": ev.bytes,
                    "evidence_files_removed": ev.files_removed,
                }))?;
            } else {
                let size = crate::cmd_evidence::human_size(ev.bytes);
                match lang {
                    Lang::Zh => println!(
                        "已删除案件 {}，连同 {} 件证据（{size}），只留下删除记录（文件指纹与大小）",
                        gone.id, ev.items
                    ),
                    Lang::En => println!(
                        "Deleted case {} with {} evidence item(s) ({size}); only a record of the deletion (file fingerprints and sizes) is kept",
                        gone.id, ev.items
                    ),
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn archive(
    g: &Globals,
    vault: &Vault,
    case: &str,
    archived: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let id = vault.resolve_case(case)?;
    let changed = vault.set_archived(&id, archived, now)?;
    if g.json {
        print_json(&json!({ "id": id, "archived": archived, "changed": changed }))?;
    } else {
        let msg = match (archived, changed) {
            (true, true) => t(g.lang, "已归档案件", "Archived case"),
            (true, false) => t(g.lang, "案件本已归档", "Case was already archived"),
            (false, true) => t(g.lang, "已取消归档", "Unarchived case"),
            (false, false) => t(g.lang, "案件未归档", "Case was not archived"),
        };
        println!("{msg} {id}");
    }
    Ok(())
}

fn print_replan(
    g: &Globals,
    vault: &Vault,
    report: ReplanReport,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let view = vault.case(&report.case_id, now)?;
    if g.json {
        let mut v = serde_json::to_value(&report)?;
        if let Some(obj) = v.as_object_mut() {
            obj.insert("case".into(), serde_json::to_value(&view)?);
        }
        print_json(&v)?;
    } else {
        print!("{}", render_replan(&report, g.lang));
        println!();
        let app = views::open_app(g)?;
        let screen = app.case_screen(&views::context(g), &view.id)?;
        print!("{}", views::render_case(&screen, g.lang));
    }
    Ok(())
}

/// A time for people: the device's zone, to the minute.
pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

pub fn status_label(lang: Lang, s: StepStatus) -> String {
    s.label().get(lang).to_string()
}

fn render_log(events: &[Event], lang: Lang) -> String {
    let mut out = String::new();
    for e in events {
        let _ = write!(out, "#{:<5} {}  {}", e.seq, local(e.at), e.kind);
        if let Some(step) = &e.step {
            let _ = write!(out, " {step}");
        }
        if let (Some(from), Some(to)) = (e.from_status, e.to_status) {
            let _ = write!(
                out,
                ": {} → {}",
                status_label(lang, from),
                status_label(lang, to)
            );
        }
        if let Some(u) = e.undoes {
            let _ = write!(out, " ({} #{u})", t(lang, "撤销", "undoes"));
        }
        if let Some(n) = &e.note {
            let _ = write!(out, " — {n}");
        }
        out.push('\n');
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
                status_label(lang, s.status)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn render_replan(r: &ReplanReport, lang: Lang) -> String {
    let mut out = String::new();
    if !r.changed_anything {
        let _ = writeln!(
            out,
            "{} v{}",
            t(
                lang,
                "无需升级：案件已使用当前规则包",
                "Nothing to upgrade: the case already uses the current pack"
            ),
            r.to_version
        );
        return out;
    }
    if r.from_version != r.to_version {
        let _ = writeln!(
            out,
            "{} v{} → v{}",
            t(lang, "规则包已升级", "Pack upgraded"),
            r.from_version,
            r.to_version
        );
    } else {
        let _ = writeln!(out, "{}", t(lang, "已重新规划", "Re-planned"));
    }
    let lines = [
        (t(lang, "新增步骤", "Added"), refs(lang, &r.added)),
        (
            t(lang, "移出计划（进度保留）", "Dropped (progress kept)"),
            refs(lang, &r.dropped),
        ),
        (t(lang, "恢复步骤", "Restored"), refs(lang, &r.restored)),
        (
            t(lang, "内容有变", "Changed"),
            r.changed
                .iter()
                .map(|c| format!("{} ({}: {})", c.title.get(lang), c.id, c.fields.join(", ")))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        (
            t(
                lang,
                "不再适用的事实（已移除）",
                "Facts no longer asked (removed)",
            ),
            r.facts_dropped.join(", "),
        ),
    ];
    for (label, text) in lines {
        if !text.is_empty() {
            let _ = writeln!(out, "  {label}{}{text}", t(lang, "：", ": "));
        }
    }
    if r.added.is_empty()
        && r.dropped.is_empty()
        && r.restored.is_empty()
        && r.changed.is_empty()
        && r.facts_dropped.is_empty()
    {
        let _ = writeln!(
            out,
            "  {}",
            t(lang, "步骤没有变化", "No change to the steps")
        );
    }
    out
}

/// The case an evidence command is about, loaded before the command takes the vault's
/// connection (the evidence store holds it for the whole command).
pub struct LoadedCase {
    case: Option<tuilu_core::vault::CaseView>,
    journal: Vec<tuilu_core::vault::Event>,
    calc: tuilu_core::vault::DeadlineCalc,
}

impl LoadedCase {
    /// Resolves `case_ref` (an id or unique prefix) and loads the case and its journal.
    pub fn load(
        vault: &Vault,
        case_ref: Option<&str>,
        lang: Lang,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<LoadedCase> {
        match case_ref {
            None => Ok(LoadedCase {
                case: None,
                journal: Vec::new(),
                calc: vault.deadline_calc().clone(),
            }),
            Some(r) => {
                // In the run's language only: "找不到案件「x」", not both languages.
                let id = vault
                    .resolve_case(r)
                    .map_err(|e| tuilu_core::app::vault_error(e, None, lang))?;
                Ok(LoadedCase {
                    case: Some(vault.case(&id, now)?),
                    journal: vault.journal(&id)?,
                    calc: vault.deadline_calc().clone(),
                })
            }
        }
    }

    fn view(&self, case_ref: &str) -> anyhow::Result<&tuilu_core::vault::CaseView> {
        self.case
            .as_ref()
            .filter(|c| c.id.starts_with(case_ref))
            .ok_or_else(|| anyhow::anyhow!("未知案件 / unknown case `{case_ref}`"))
    }
}

impl crate::cmd_evidence::CaseLookup for LoadedCase {
    fn check_case(&self, case_ref: &str) -> anyhow::Result<String> {
        Ok(self.view(case_ref)?.id.clone())
    }

    fn step_title(&self, case_id: &str, step_id: &str) -> Option<String> {
        let case = self.view(case_id).ok()?;
        case.step(step_id)
            .map(|s| format!("{} / {}", s.title.zh, s.title.en))
    }

    /// The case as exported into a bundle: the case view and journal, and the same in
    /// words with the bundled pack's questions and rule sources.
    fn snapshot(
        &self,
        case_id: &str,
        disclosure: tuilu_core::evidence::Disclosure,
    ) -> anyhow::Result<tuilu_core::evidence::CaseSnapshot> {
        let case = self.view(case_id)?;
        let book = crate::cmd_rules::rule_book()?;
        let pack = book.get(&case.scenario).map(|s| &s.pack);
        Ok(tuilu_core::evidence::CaseSnapshot::new(
            case,
            &self.journal,
            pack,
            &self.calc,
            disclosure,
        ))
    }
}
