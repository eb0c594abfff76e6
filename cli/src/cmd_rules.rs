//! `tuilu scenarios`, `tuilu plan`, `tuilu rules check|compile|flag|unflag|flags`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde_json::json;
use tuilu_core::app::cli_reminders::RuleFlag;
use tuilu_core::calendar::Deadline;
use tuilu_core::rules::pack::{FactType, Severity, Source, TimeSense};
use tuilu_core::rules::plan::{Applicability, Plan, PlanStep};
use tuilu_core::rules::schedule::{plan_deadlines, PlannedDeadline};
use tuilu_core::rules::{compile_pack_file, load_pack_file, Facts, PackError};
use tuilu_core::{evaluate_plan, load_bundled, Lang, RuleBook, Scenario, Text};

use crate::cmd_calendar::load_calendar;
use crate::output::{print_json, t, Globals};

#[derive(Args)]
pub struct ScenariosArgs {}

#[derive(Args)]
pub struct PlanArgs {
    /// 场景 id，例如 douyin.guild-exit / scenario id.
    pub scenario: String,
    /// 已知事实 name=value，可重复 / a known fact, repeatable.
    #[arg(long = "fact", value_name = "NAME=VALUE")]
    pub facts: Vec<String>,
    /// 从 JSON 文件读取事实 / read facts from a JSON object file.
    #[arg(long, value_name = "FILE")]
    pub facts_file: Option<PathBuf>,
    /// 显示每条规则的来源与可信度 / show each rule's source and confidence.
    #[arg(long)]
    pub sources: bool,
    /// 使用此规则包文件代替内置规则 / use this pack file instead of the bundled pack.
    #[arg(long, value_name = "PACK.toml")]
    pub pack: Option<PathBuf>,
    /// 计时起点（RFC 3339），显示每步截止时间 / clock start (RFC 3339): show each step's deadline.
    #[arg(long, value_name = "RFC3339", value_parser = crate::output::parse_time)]
    pub from: Option<DateTime<Utc>>,
}

#[derive(Subcommand)]
pub enum RulesCommand {
    /// 校验规则包文件 / validate a rule-pack file; exit 0 when valid.
    Check {
        /// 规则包文件（TOML 或编译后的 JSON）/ pack file (TOML or compiled JSON).
        file: PathBuf,
    },
    /// 校验并编译规则包为 JSON（手机端读取的格式）/ validate a pack and write its compiled
    /// JSON form, the form the phone apps read; nothing is written when it is invalid.
    Compile {
        /// 规则包文件 / pack file (TOML or JSON).
        file: PathBuf,
        /// 输出文件，缺省为标准输出 / output file (default: standard output).
        #[arg(short, long, value_name = "PACK.json")]
        out: Option<PathBuf>,
    },
    /// 标记某条规则可能过时或有误 / flag a rule as possibly outdated or wrong.
    Flag {
        /// 场景 id / scenario id.
        scenario: String,
        /// 规则 id（步骤、前提、提醒、后果或金额）/ rule id (step, precondition, notice, formula).
        rule: String,
        /// 说明 / what looks wrong.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 取消标记 / remove a flag.
    Unflag { scenario: String, rule: String },
    /// 列出已标记的规则 / list flagged rules.
    Flags {
        /// 只看此场景 / only this scenario.
        scenario: Option<String>,
    },
    // -- signed rule-pack releases (cmd_rule_updates.rs, docs/rule-updates.md) ----------
    /// 生成 minisign 签名密钥 / make a minisign signing key pair: <DIR>/<NAME>.key and .pub.
    Keygen {
        /// 输出目录 / output folder.
        #[arg(short = 'o', long = "out", value_name = "DIR")]
        out: PathBuf,
        /// 密钥名称 / key name.
        #[arg(long, default_value = "tuilu-rules")]
        name: String,
        /// 私钥不设密码（仅用于测试）/ leave the secret key without a password (tests only).
        #[arg(long)]
        no_password: bool,
    },
    /// 校验、编译、签名一组规则包，生成发布目录 / validate, compile, hash and sign packs into a
    /// release folder (index.json, index.json.minisig, the packs).
    Release {
        /// 规则包目录（TOML 或 JSON，可附 release-notes.toml）/ folder of pack files.
        packs_dir: PathBuf,
        /// 发布目录 / release folder.
        #[arg(short = 'o', long = "out", value_name = "RELEASE-DIR")]
        out: PathBuf,
        /// minisign 私钥文件 / minisign secret key file.
        #[arg(long, value_name = "SECRET-KEY-FILE")]
        key: PathBuf,
        /// 规则包所需的最低应用版本 / the oldest app the packs need.
        #[arg(long, default_value = tuilu_core::rules::release::APP_VERSION)]
        min_app_version: String,
    },
    /// 检查发布目录的签名、校验值与规则包 / check a release folder's signatures, hashes and packs.
    VerifyRelease {
        /// 发布目录 / release folder.
        release_dir: PathBuf,
        /// 额外信任的公钥 / also trust this public key (repeatable).
        #[arg(long, value_name = "KEY.pub")]
        trust: Vec<PathBuf>,
    },
    /// 已安装的规则包版本、上次检查与更新说明 / installed pack versions, the last check and the
    /// notes of the last update.
    Status,
    /// 从发布目录或网址安装规则更新 / install a rule update from a release folder or URL.
    Update {
        /// 发布目录或 https:// 网址 / release folder or https:// base URL.
        source: String,
        /// 额外信任的公钥（维护者与测试用）/ also trust this public key (maintainers, tests).
        #[arg(long, value_name = "KEY.pub")]
        trust: Vec<PathBuf>,
        /// 每次请求的超时秒数 / seconds each HTTP request may take.
        #[arg(long, default_value_t = crate::cmd_rule_updates::DEFAULT_TIMEOUT_SECS)]
        timeout: u64,
    },
}

/// Flags the user put on rules, when the vault exists. Read-only: nothing is created,
/// migrated or recovered, and a vault that cannot be read (damaged, from a newer build)
/// costs the flags, with a warning, never the plan.
fn existing_flags(g: &Globals, scenario: &str) -> Vec<RuleFlag> {
    let Ok(dir) = crate::vault_path::resolve_vault(g.vault.as_deref()) else {
        return Vec::new();
    };
    match tuilu_core::app::cli_reminders::read_rule_flags(&dir, Some(scenario)) {
        Ok(flags) => flags,
        Err(e) => {
            eprintln!(
                "{}{e}",
                t(
                    g.lang,
                    "警告：无法读取规则标记，计划中不显示标记：",
                    "warning: cannot read the rule flags, the plan shows none: "
                )
            );
            Vec::new()
        }
    }
}

/// The run's rule book: the application layer's (the bundled packs, the packs installed
/// by rule updates and those added by hand or by the phone, `<vault>/packs`) when the
/// vault folder exists; the bundled packs otherwise, creating nothing.
pub fn vault_rule_book(g: &Globals) -> anyhow::Result<Arc<RuleBook>> {
    let exists = crate::vault_path::resolve_vault(g.vault.as_deref()).is_ok_and(|d| d.is_dir());
    if exists {
        return Ok(crate::views::open_app(g)?.rule_book()?);
    }
    load_bundled()
        .map(Arc::new)
        .map_err(|e| anyhow!("内置规则包无效 / bundled rule packs are invalid: {e}"))
}

pub fn scenarios(g: &Globals, _args: ScenariosArgs) -> anyhow::Result<ExitCode> {
    let book = vault_rule_book(g)?;
    if g.json {
        let list: Vec<_> = book
            .scenarios()
            .iter()
            .map(|s| {
                json!({
                    "id": s.id(),
                    "platform": s.pack.platform,
                    "version": s.pack.version,
                    "last_reviewed": s.pack.last_reviewed,
                    "title": s.pack.title,
                    "summary": s.pack.summary,
                })
            })
            .collect();
        print_json(&list)?;
    } else {
        for s in book.scenarios() {
            println!("{:<34} {}", s.id(), s.title().get(g.lang));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Collects facts from `--facts-file` then `--fact` (later wins).
pub fn collect_facts(
    scenario: &Scenario,
    pairs: &[String],
    file: Option<&PathBuf>,
    lang: Lang,
) -> anyhow::Result<Facts> {
    let said = |e| tuilu_core::app::fact_error(e, Some(scenario), lang);
    let mut facts = Facts::new();
    if let Some(path) = file {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("无法读取 / cannot read {}", path.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("不是有效的 JSON / not valid JSON: {}", path.display()))?;
        facts.extend(scenario.facts_from_json(&json).map_err(said)?);
    }
    for pair in pairs {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            anyhow!("--fact 需要 name=value 格式 / --fact expects name=value, got `{pair}`")
        })?;
        // A question by its number (as Chinese plans show it) or by its id.
        let id = question_id(scenario, k.trim());
        facts.insert(id.clone(), scenario.parse_fact(&id, v).map_err(said)?);
    }
    Ok(facts)
}

/// The fact id of a question given by its number in the pack (`3`) or by its id.
fn question_id(scenario: &Scenario, given: &str) -> String {
    given
        .parse::<usize>()
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| scenario.pack.facts.get(i))
        .map_or_else(|| given.to_string(), |f| f.id.clone())
}

/// How a question is named after `--fact`: its number in Chinese output (no ids on a
/// Chinese screen), its id in English.
fn question_ref(plan_facts: &[tuilu_core::rules::pack::FactDef], lang: Lang, id: &str) -> String {
    match lang {
        Lang::Zh => plan_facts
            .iter()
            .position(|f| f.id == id)
            .map_or_else(|| id.to_string(), |i| (i + 1).to_string()),
        Lang::En => id.to_string(),
    }
}

pub fn find_scenario<'a>(book: &'a RuleBook, id: &str) -> anyhow::Result<&'a Scenario> {
    book.get(id).ok_or_else(|| {
        let ids: Vec<&str> = book.scenarios().iter().map(|s| s.id()).collect();
        anyhow!(
            "未知场景 / unknown scenario `{id}` (known: {})",
            ids.join(", ")
        )
    })
}

pub fn plan(g: &Globals, args: PlanArgs) -> anyhow::Result<ExitCode> {
    let mut book = vault_rule_book(g)?;
    if let Some(path) = &args.pack {
        Arc::make_mut(&mut book).insert(load_pack_file(path)?);
    }
    let scenario = find_scenario(&book, &args.scenario)?;
    let facts = collect_facts(scenario, &args.facts, args.facts_file.as_ref(), g.lang)?;
    let plan = evaluate_plan(scenario, &facts)?;
    let flags = existing_flags(g, scenario.id());
    let deadlines = match args.from {
        Some(from) => {
            let cal = load_calendar(g)?;
            Some(plan_deadlines(&plan, &cal, from)?)
        }
        None => None,
    };
    if g.json {
        let mut v = serde_json::to_value(&plan)?;
        if let Some(ds) = &deadlines {
            attach_deadlines(&mut v, ds)?;
            v["deadlines"] = serde_json::to_value(ds)?;
        }
        v["flags"] = serde_json::to_value(&flags)?;
        print_json(&v)?;
    } else {
        print!(
            "{}",
            render_plan(
                &plan,
                &scenario.pack.facts,
                g.lang,
                args.sources,
                deadlines.as_deref(),
                &flags
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Puts each deadline on its step (`steps[].deadline`) or route
/// (`steps[].alternatives[].deadline`) in the plan's JSON.
fn attach_deadlines(v: &mut serde_json::Value, ds: &[PlannedDeadline]) -> anyhow::Result<()> {
    let Some(steps) = v["steps"].as_array_mut() else {
        return Ok(());
    };
    for d in ds {
        let Some(step) = steps.iter_mut().find(|s| s["id"] == d.step_id.as_str()) else {
            continue;
        };
        let target = match &d.route_id {
            None => Some(step),
            Some(r) => step["alternatives"]
                .as_array_mut()
                .and_then(|a| a.iter_mut().find(|x| x["id"] == r.as_str())),
        };
        if let Some(t) = target {
            t["deadline"] = serde_json::to_value(&d.deadline)?;
        }
    }
    Ok(())
}

pub fn rules(g: &Globals, cmd: RulesCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        RulesCommand::Flag {
            scenario,
            rule,
            note,
        } => crate::output::print_out(
            g,
            &crate::views::open_app(g)?.cli_flag_rule(
                &crate::views::context(g),
                &scenario,
                &rule,
                &note,
            )?,
        ),
        RulesCommand::Unflag { scenario, rule } => crate::output::print_out(
            g,
            &crate::views::open_app(g)?.cli_unflag_rule(
                &crate::views::context(g),
                &scenario,
                &rule,
            )?,
        ),
        RulesCommand::Flags { scenario } => crate::output::print_out(
            g,
            &crate::views::open_app(g)?
                .cli_rule_flags(&crate::views::context(g), scenario.as_deref())?,
        ),
        RulesCommand::Keygen {
            out,
            name,
            no_password,
        } => crate::cmd_rule_updates::keygen(g, &out, &name, no_password),
        RulesCommand::Release {
            packs_dir,
            out,
            key,
            min_app_version,
        } => crate::cmd_rule_updates::release(g, &packs_dir, &out, &key, &min_app_version),
        RulesCommand::VerifyRelease { release_dir, trust } => {
            crate::cmd_rule_updates::verify_release(g, &release_dir, &trust)
        }
        RulesCommand::Status => crate::cmd_rule_updates::status(g),
        RulesCommand::Update {
            source,
            trust,
            timeout,
        } => crate::cmd_rule_updates::update(g, &source, &trust, timeout),
        RulesCommand::Compile { file, out } => compile(g, &file, out.as_deref()),
        RulesCommand::Check { file } => match load_pack_file(&file) {
            Ok(s) => {
                if g.json {
                    print_json(&json!({"valid": true, "pack": s.id(), "issues": []}))?;
                } else {
                    println!(
                        "有效 / valid: {} v{} ({} steps, {} facts)",
                        s.id(),
                        s.pack.version,
                        s.pack.steps.len(),
                        s.pack.facts.len()
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => report_invalid(g, &file, &e),
        },
    }
}

/// Prints every problem of an invalid pack; exit code 1.
fn report_invalid(g: &Globals, file: &Path, e: &PackError) -> anyhow::Result<ExitCode> {
    if g.json {
        print_json(&json!({"valid": false, "pack": e.pack, "issues": e.issues}))?;
    } else {
        eprintln!(
            "无效 / invalid: {} ({} 个问题 / problem(s))",
            file.display(),
            e.issues.len()
        );
        for issue in &e.issues {
            eprintln!("  - {issue}");
        }
    }
    Ok(ExitCode::FAILURE)
}

/// `tuilu rules compile`: the compiled JSON to standard output or, atomically, to `out`
/// (a failed write leaves any earlier file whole).
fn compile(g: &Globals, file: &Path, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let json = match compile_pack_file(file) {
        Ok(json) => json,
        Err(e) => return report_invalid(g, file, &e),
    };
    match out {
        None => print!("{json}"),
        Some(path) => {
            tuilu_core::files::write_atomic(path, json.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!(
                "{}",
                t(
                    g.lang,
                    &format!("已编译 → {}", path.display()),
                    &format!("compiled → {}", path.display())
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn flag_for<'a>(flags: &'a [RuleFlag], id: &str) -> Option<&'a RuleFlag> {
    flags.iter().find(|f| f.rule_id == id)
}

/// The rule's source (with `--sources`) and, always, the user's own flag on it.
fn provenance(
    out: &mut String,
    ind: &str,
    lang: Lang,
    sources: bool,
    source: &Option<Source>,
    flag: Option<&RuleFlag>,
) {
    if sources {
        let _ = writeln!(out, "{ind}{}", source_line(lang, source));
    }
    if let Some(f) = flag {
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "{ind}⚑ 你已标记此规则可能过时（v{}）：{}",
                f.pack_version, f.note
            ),
            Lang::En => writeln!(
                out,
                "{ind}⚑ you flagged this rule as possibly outdated (v{}): {}",
                f.pack_version, f.note
            ),
        };
    }
}

fn source_line(lang: Lang, s: &Option<Source>) -> String {
    match s {
        None => t(lang, "来源：无", "source: none").to_string(),
        Some(s) => {
            let conf = s
                .confidence
                .map(|c| c.label().get(lang).to_string())
                .unwrap_or_default();
            let mut line = match lang {
                Lang::Zh => format!(
                    "来源：{}「{}」 可信度：{} 最近审核：{}",
                    s.seed, s.quote, conf, s.last_reviewed
                ),
                Lang::En => format!(
                    "source: {} “{}” confidence: {} last reviewed: {}",
                    s.seed, s.quote, conf, s.last_reviewed
                ),
            };
            let note = s.note.get(lang);
            if !note.is_empty() {
                let _ = write!(line, " — {note}");
            }
            line
        }
    }
}

/// "处理时限：1–3个工作日（自…起算）": the period labelled by its sense.
fn duration_text(lang: Lang, d: &tuilu_core::rules::pack::DurationDef) -> String {
    let count = if d.min == d.max {
        d.max.to_string()
    } else {
        format!("{}–{}", d.min, d.max)
    };
    // As the source says it ("6个月至1年"), the count of units as a detail.
    let said = d.as_said.get(lang);
    let (range, unit) = if said.is_empty() {
        (count, d.unit.label())
    } else {
        let unit = d.unit.label();
        let detail = match lang {
            Lang::Zh => format!("{said}（{count}{}）", unit.zh),
            Lang::En => format!("{said} ({count}{})", unit.en),
        };
        (detail, tuilu_core::text::Text::new("", ""))
    };
    let label = d.sense().label();
    // An end that is not firm: the usual time, and the words saying it can be longer.
    let (usual, open) = match d.open_end_text() {
        Some(o) => (t(lang, "通常", "usually "), o.get(lang)),
        None => ("", ""),
    };
    let mut line = match lang {
        Lang::Zh => format!(
            "{}：{usual}{range}{}（自{}起算）",
            label.zh, unit.zh, d.starts_on.zh
        ),
        Lang::En => format!(
            "{}: {usual}{range}{} (from {})",
            label.en, unit.en, d.starts_on.en
        ),
    };
    if !open.is_empty() {
        let _ = write!(line, "{}{open}", t(lang, "；", "; "));
    }
    line
}

/// "〔待确认：取决于「由谁发起取消？」〕": the open questions by their prompts.
fn pending(plan: &Plan, lang: Lang, open: &[String]) -> String {
    let names: Vec<String> = open
        .iter()
        .map(|id| match plan.questions.iter().find(|q| &q.id == id) {
            Some(q) => match lang {
                Lang::Zh => format!("「{}」", q.prompt.zh),
                Lang::En => format!("“{}”", q.prompt.en),
            },
            None => id.clone(),
        })
        .collect();
    match lang {
        Lang::Zh => format!("〔待确认：取决于{}〕", names.join("、")),
        Lang::En => format!("[undetermined: depends on {}]", names.join(", ")),
    }
}

/// A rule named in words: 第3步「…」, a blocker's title, an amount's label, or the start
/// of a notice's text.
fn rule_name(plan: &Plan, lang: Lang, id: &str) -> String {
    rule_name_or(plan, lang, id, None)
}

/// Like [`rule_name`], with the name to use for a rule outside this plan.
fn rule_name_or(plan: &Plan, lang: Lang, id: &str, fallback: Option<&Text>) -> String {
    if let Some(s) = plan.steps.iter().find(|s| s.id == id) {
        return match lang {
            Lang::Zh => format!("第{}步「{}」", s.number, s.title.zh),
            Lang::En => format!("step {} “{}”", s.number, s.title.en),
        };
    }
    let quoted = |t: &str| match lang {
        Lang::Zh => format!("「{t}」"),
        Lang::En => format!("“{t}”"),
    };
    if let Some(b) = plan.blockers.iter().find(|b| b.id == id) {
        return quoted(b.title.get(lang));
    }
    if let Some(a) = plan.amounts.iter().find(|a| a.id == id) {
        return quoted(a.label.get(lang));
    }
    if let Some(n) = plan
        .warnings
        .iter()
        .chain(&plan.consequences)
        .find(|n| n.id == id)
    {
        let n_chars = match lang {
            Lang::Zh => 24,
            Lang::En => 48,
        };
        return quoted(&short(n.text.get(lang), n_chars));
    }
    // A rule outside this plan (its condition is false for now).
    match fallback {
        Some(name) => match lang {
            Lang::Zh => format!("「{}」（目前不在计划中）", short(&name.zh, 24)),
            Lang::En => format!("“{}” (not in the plan now)", short(&name.en, 40)),
        },
        None => t(lang, "另一条规则", "another rule").to_string(),
    }
}

/// The first `n` characters of `text`, with an ellipsis when cut; cut at the first
/// sentence end when that comes sooner.
fn short(text: &str, n: usize) -> String {
    let end = text
        .char_indices()
        .find(|(_, c)| "。；;".contains(*c))
        .map(|(i, _)| i);
    let head = match end {
        Some(i) => &text[..i],
        None => text,
    };
    if head.chars().count() <= n {
        head.to_string()
    } else {
        format!("{}…", head.chars().take(n).collect::<String>())
    }
}

/// The kind of answer a question takes, in words: 是/否, 选项, 金额（元）, 整数, 日期...
fn answer_kind(lang: Lang, kind: FactType) -> &'static str {
    match kind {
        FactType::Bool => t(lang, "是/否", "yes/no"),
        FactType::Integer => t(lang, "整数", "whole number"),
        FactType::Money => t(lang, "金额（元）", "amount in yuan"),
        FactType::Date => t(lang, "日期 YYYY-MM-DD", "date YYYY-MM-DD"),
        FactType::Datetime => t(lang, "时间（RFC 3339）", "time (RFC 3339)"),
        FactType::Enum => t(lang, "选项", "choice"),
        FactType::Text => t(lang, "文字", "text"),
    }
}

/// One line describing when a period ends, in the words of its sense: 截止 for a
/// deadline, 须等到 for a cooldown, 最早结束于 for a minimum period, 须在此前办理 for a
/// window; the other end of a range, and an estimate note.
pub fn deadline_text(lang: Lang, sense: TimeSense, d: &Deadline) -> String {
    let fmt = |t: &chrono::DateTime<chrono::FixedOffset>| t.format("%Y-%m-%d %H:%M:%S").to_string();
    if d.open_end.is_some() {
        // Not a limit: when it usually ends, and why it can be later.
        let mut line = match lang {
            Lang::Zh => format!("通常结束于：{} 北京时间", fmt(&d.deadline_beijing)),
            Lang::En => format!("Usually over by: {} Beijing time", fmt(&d.deadline_beijing)),
        };
        if d.earliest_utc != d.deadline_utc {
            let _ = match lang {
                Lang::Zh => write!(line, "（最早 {}）", fmt(&d.earliest_beijing)),
                Lang::En => write!(line, " (earliest {})", fmt(&d.earliest_beijing)),
            };
        }
        let _ = match lang {
            Lang::Zh => write!(line, "，不是截止"),
            Lang::En => write!(line, ", not a deadline"),
        };
        return line;
    }
    let label = sense.end_label();
    let mut line = match lang {
        Lang::Zh => format!("{}：{} 北京时间", label.zh, fmt(&d.deadline_beijing)),
        Lang::En => format!("{}: {} Beijing time", label.en, fmt(&d.deadline_beijing)),
    };
    if d.earliest_utc != d.deadline_utc {
        let _ = match (lang, sense.end_is_a_limit()) {
            (Lang::Zh, true) => write!(line, "（最早 {}）", fmt(&d.earliest_beijing)),
            (Lang::En, true) => write!(line, " (earliest {})", fmt(&d.earliest_beijing)),
            (Lang::Zh, false) => write!(
                line,
                "（期限若按来源说的下限算，是 {}）",
                fmt(&d.earliest_beijing)
            ),
            (Lang::En, false) => write!(
                line,
                " ({} if the source's lower figure applies)",
                fmt(&d.earliest_beijing)
            ),
        };
    }
    if let Some(r) = &d.estimate_reason {
        let _ = match lang {
            Lang::Zh => write!(line, " 〔估算：{}〕", r.text().zh),
            Lang::En => write!(line, " [estimate: {}]", r.text().en),
        };
    }
    line
}

fn find_deadline<'a>(
    ds: Option<&'a [PlannedDeadline]>,
    step: &str,
    route: Option<&str>,
) -> Option<&'a PlannedDeadline> {
    ds?.iter()
        .find(|d| d.step_id == step && d.route_id.as_deref() == route)
}

fn render_step(
    out: &mut String,
    plan: &Plan,
    lang: Lang,
    s: &PlanStep,
    sources: bool,
    deadlines: Option<&[PlannedDeadline]>,
    flags: &[RuleFlag],
) {
    let _ = write!(
        out,
        "{:>2}. {} [{}]",
        s.number,
        s.title.get(lang),
        s.channel.label().get(lang)
    );
    if s.applicability == Applicability::Undetermined {
        let _ = write!(out, " {}", pending(plan, lang, &s.open_facts));
    }
    out.push('\n');
    let ind = "    ";
    let _ = writeln!(out, "{ind}{}", s.instructions.get(lang));
    for r in &s.alternatives {
        let _ = writeln!(
            out,
            "{ind}{}{} [{}]{}{}",
            t(lang, "或者：", "Or: "),
            r.title.get(lang),
            r.channel.label().get(lang),
            t(lang, "：", ": "),
            r.instructions.get(lang)
        );
        if let Some(d) = &r.duration {
            let _ = writeln!(out, "{ind}  {}", duration_text(lang, d));
        }
        if let Some(d) = find_deadline(deadlines, &s.id, Some(&r.id)) {
            let _ = writeln!(out, "{ind}  {}", deadline_text(lang, d.sense, &d.deadline));
        }
        provenance(
            out,
            &format!("{ind}  "),
            lang,
            sources,
            &r.source,
            flag_for(flags, &r.id),
        );
    }
    if !s.depends_on.is_empty() {
        let names: Vec<String> = s
            .depends_on
            .iter()
            .map(|d| rule_name(plan, lang, d))
            .collect();
        let _ = writeln!(
            out,
            "{ind}{}{}",
            t(lang, "先完成：", "After: "),
            names.join(t(lang, "、", ", "))
        );
    }
    if let Some(d) = &s.duration {
        let _ = writeln!(out, "{ind}{}", duration_text(lang, d));
    }
    if let Some(d) = find_deadline(deadlines, &s.id, None) {
        let _ = writeln!(out, "{ind}{}", deadline_text(lang, d.sense, &d.deadline));
    }
    for e in &s.evidence {
        let _ = writeln!(
            out,
            "{ind}{}{}",
            t(lang, "留证：", "Keep: "),
            e.description.get(lang)
        );
    }
    for tip in &s.tips {
        let _ = writeln!(out, "{ind}{}{}", t(lang, "提示：", "Tip: "), tip.get(lang));
    }
    for w in &s.warnings {
        let _ = writeln!(
            out,
            "{ind}{}{}",
            t(lang, "注意：", "Warning: "),
            w.get(lang)
        );
    }
    if let Some(e) = &s.escalation {
        // What "the period is over" means depends on the period's sense.
        let label = match s
            .duration
            .as_ref()
            .map(|d| (d.sense(), d.open_end.is_some()))
        {
            Some((_, true)) => t(lang, "超过通常时间仍无结果：", "Past the usual time: "),
            Some((TimeSense::Deadline, false)) | None => t(lang, "逾期未果：", "If no answer: "),
            Some((TimeSense::Window, false)) => t(lang, "错过期限：", "If you miss it: "),
            Some((TimeSense::Earliest | TimeSense::MinimumPeriod | TimeSense::Lapse, false)) => {
                t(lang, "期满之后：", "When it is over: ")
            }
        };
        let _ = writeln!(out, "{ind}{label}{}", e.get(lang));
    }
    provenance(out, ind, lang, sources, &s.source, flag_for(flags, &s.id));
}

/// Drops repeated names, keeping the first of each.
fn dedup(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// At most four names, then how many more.
fn name_list(lang: Lang, names: Vec<String>) -> String {
    const SHOWN: usize = 4;
    let names = dedup(names);
    let total = names.len();
    let mut line = names
        .into_iter()
        .take(SHOWN)
        .collect::<Vec<_>>()
        .join(t(lang, "、", ", "));
    if total > SHOWN {
        let _ = match lang {
            Lang::Zh => write!(line, " 等共{total}条规则"),
            Lang::En => write!(line, " and {} more", total - SHOWN),
        };
    }
    line
}

fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Info => "·",
        Severity::Warning => "!",
        Severity::Danger => "‼",
    }
}

/// The human-readable checklist.
pub fn render_plan(
    plan: &Plan,
    facts: &[tuilu_core::rules::pack::FactDef],
    lang: Lang,
    sources: bool,
    deadlines: Option<&[PlannedDeadline]>,
    flags: &[RuleFlag],
) -> String {
    let mut out = String::new();
    let _ = match lang {
        Lang::Zh => writeln!(out, "{}（规则版本 v{}）", plan.title.zh, plan.pack_version),
        Lang::En => writeln!(
            out,
            "{}  ({} v{})",
            plan.title.en, plan.scenario, plan.pack_version
        ),
    };
    if !plan.blockers.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            t(
                lang,
                "【阻碍】以下问题会挡住退出：",
                "BLOCKERS — these hold the exit back:"
            )
        );
        for b in &plan.blockers {
            let mut line = format!("  ✗ {}", b.title.get(lang));
            if b.applicability == Applicability::Undetermined {
                let _ = write!(line, " {}", pending(plan, lang, &b.open_facts));
            }
            let _ = writeln!(out, "{line}");
            let _ = writeln!(
                out,
                "    {}{}",
                t(lang, "解决办法：", "Remedy: "),
                b.remedy.get(lang)
            );
            let step = |id: &str| plan.step(id).map(|s| (s.number, s.title.clone()));
            if let Some(note) =
                tuilu_core::rules::plan::blocker_plan_note(&b.blocks, &b.resolved_by, &step)
            {
                let _ = writeln!(out, "    {}", note.get(lang));
            }
            provenance(
                &mut out,
                "    ",
                lang,
                sources,
                &b.source,
                flag_for(flags, &b.id),
            );
        }
    }
    let _ = writeln!(out, "\n{}", t(lang, "【步骤】", "STEPS"));
    for s in &plan.steps {
        render_step(&mut out, plan, lang, s, sources, deadlines, flags);
    }
    for (title, list) in [
        (t(lang, "【注意】", "WARNINGS"), &plan.warnings),
        (t(lang, "【后果】", "CONSEQUENCES"), &plan.consequences),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}");
        for n in list {
            let mut line = format!("  {} {}", severity_mark(n.severity), n.text.get(lang));
            if n.applicability == Applicability::Undetermined {
                let _ = write!(line, " {}", pending(plan, lang, &n.open_facts));
            }
            let _ = writeln!(out, "{line}");
            provenance(
                &mut out,
                "    ",
                lang,
                sources,
                &n.source,
                flag_for(flags, &n.id),
            );
        }
    }
    if !plan.amounts.is_empty() {
        let _ = writeln!(out, "\n{}", t(lang, "【金额】", "AMOUNTS"));
        for a in &plan.amounts {
            let value = match a.value {
                Some(v) if a.currency == "CNY" => format!("¥{v:.2}"),
                Some(v) => tuilu_core::rules::plan::quantity_text(lang, v, &a.unit_label),
                None => plan.estimate_needs_text(lang, &a.open_facts),
            };
            let _ = writeln!(out, "  {}{}{value}", a.label.get(lang), t(lang, "：", ": "));
            let ex = a.explanation.get(lang);
            if !ex.is_empty() {
                let _ = writeln!(out, "    {ex}");
            }
            provenance(
                &mut out,
                "    ",
                lang,
                sources,
                &a.source,
                flag_for(flags, &a.id),
            );
        }
    }
    if !plan.assumptions.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            t(
                lang,
                "【假设】你没有回答，计划按以下默认值制定；不对时用 --fact 编号=值 更正：",
                "ASSUMED — you did not answer these; the plan uses these defaults (correct them with --fact name=value):"
            )
        );
        for a in &plan.assumptions {
            let affects: Vec<String> = a
                .affects
                .iter()
                .map(|r| rule_name_or(plan, lang, &r.id, Some(&r.name)))
                .collect();
            let _ = match lang {
                Lang::Zh => writeln!(
                    out,
                    "  · {} → {} 〔--fact {}=…〕",
                    a.prompt.zh,
                    a.value_text.zh,
                    question_ref(facts, lang, &a.id)
                ),
                Lang::En => writeln!(
                    out,
                    "  · {} → {} [--fact {}=…]",
                    a.prompt.en, a.value_text.en, a.id
                ),
            };
            let _ = writeln!(
                out,
                "    {}{}",
                t(lang, "影响：", "affects: "),
                name_list(lang, affects)
            );
        }
    }
    if !plan.questions.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            t(
                lang,
                "【待回答的问题】用 --fact 编号=值 回答（值可以写选项的中文）：",
                "OPEN QUESTIONS — answer with --fact name=value:"
            )
        );
        for q in &plan.questions {
            let mut line = match lang {
                Lang::Zh => format!(
                    "  ? {} 〔{}：--fact {}=…〕",
                    q.prompt.zh,
                    answer_kind(lang, q.kind),
                    question_ref(facts, lang, &q.id)
                ),
                Lang::En => format!(
                    "  ? {} [{}: --fact {}=…]",
                    q.prompt.en,
                    answer_kind(lang, q.kind),
                    q.id
                ),
            };
            if !q.options.is_empty() {
                let opts: Vec<String> = q
                    .options
                    .iter()
                    .map(|o| match lang {
                        Lang::Zh => o.label.zh.clone(),
                        Lang::En => format!("{}={}", o.value, o.label.en),
                    })
                    .collect();
                let _ = write!(
                    line,
                    " {}{}",
                    t(lang, "可选：", "options: "),
                    opts.join(" | ")
                );
            }
            let _ = writeln!(out, "{line}");
            if !q.needed_by.is_empty() {
                let names: Vec<String> = q
                    .needed_by
                    .iter()
                    .map(|r| rule_name(plan, lang, r))
                    .collect();
                let _ = writeln!(
                    out,
                    "    {}{}",
                    t(lang, "影响：", "affects: "),
                    name_list(lang, names)
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        Text::new(
            "规则来自网络文章整理，可能过时；用 --sources 查看每条规则的出处与可信度。",
            "Rules come from second-hand web articles and may be out of date; use --sources to see each rule's source and confidence."
        )
        .get(lang)
    );
    out
}
