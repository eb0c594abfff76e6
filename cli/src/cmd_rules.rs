//! `tuilu scenarios`, `tuilu plan`, `tuilu rules check|compile|flag|unflag|flags`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde_json::json;
use tuilu_core::app::plan_view::{
    plan_bundled, plan_facts, PlanRequest, PlanStepView, PlanView, RuleNotes,
};
use tuilu_core::app::Answer;
use tuilu_core::rules::pack::Severity;
use tuilu_core::rules::{compile_pack_file, load_pack_file, Facts, PackError};
use tuilu_core::{load_bundled, Lang, RuleBook, Scenario};

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

/// Collects facts from `--facts-file` then `--fact` (later wins), a question named by its
/// number or its id; the core reads and checks them.
pub fn collect_facts(
    scenario: &Scenario,
    pairs: &[String],
    file: Option<&PathBuf>,
    lang: Lang,
) -> anyhow::Result<Facts> {
    let json = file.map(|p| read_facts_file(p)).transpose()?;
    Ok(plan_facts(
        lang,
        scenario,
        json.as_ref(),
        &fact_answers(pairs)?,
    )?)
}

/// `--fact name=value` as answers.
fn fact_answers(pairs: &[String]) -> anyhow::Result<Vec<Answer>> {
    pairs
        .iter()
        .map(|pair| {
            let (k, v) = pair.split_once('=').ok_or_else(|| {
                anyhow!("--fact 需要 name=value 格式 / --fact expects name=value, got `{pair}`")
            })?;
            Ok(Answer::new(k.trim(), v))
        })
        .collect()
}

/// The JSON object of a `--facts-file`.
fn read_facts_file(path: &Path) -> anyhow::Result<serde_json::Value> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取 / cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("不是有效的 JSON / not valid JSON: {}", path.display()))
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

/// `tuilu plan`: the core's plan view, laid out; `--json` prints its documented record.
/// The application layer's rule book, calendar and flags when the vault folder exists;
/// the bundled ones otherwise, creating nothing.
pub fn plan(g: &Globals, args: PlanArgs) -> anyhow::Result<ExitCode> {
    let ctx = crate::views::context(g);
    let req = PlanRequest {
        scenario: args.scenario,
        answers: fact_answers(&args.facts)?,
        facts_json: args
            .facts_file
            .as_deref()
            .map(read_facts_file)
            .transpose()?,
        from: args.from,
        pack: args.pack.as_deref().map(load_pack_file).transpose()?,
    };
    let vault = crate::vault_path::resolve_vault(g.vault.as_deref()).is_ok_and(|d| d.is_dir());
    let out = if vault {
        crate::views::open_app(g)?.plan(&ctx, req)?
    } else {
        plan_bundled(&ctx, req)?
    };
    for p in &out.view.problems {
        eprintln!("{}{p}", t(g.lang, "警告：", "warning: "));
    }
    if g.json {
        print_json(&out.json)?;
    } else {
        print!("{}", render_plan(&out.view, args.sources));
    }
    Ok(ExitCode::SUCCESS)
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

/// The rule's source (with `--sources`) and, always, the user's flag on it.
fn notes(out: &mut String, ind: &str, sources: bool, n: &RuleNotes) {
    if sources {
        let _ = writeln!(out, "{ind}{}", n.source_line);
    }
    if let Some(f) = &n.flag {
        let _ = writeln!(out, "{ind}{f}");
    }
}

/// A line, then its pending note after a space when there is one.
fn with_pending(text: &str, pending: &Option<String>) -> String {
    match pending {
        Some(p) => format!("{text} {p}"),
        None => text.to_string(),
    }
}

fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Info => "·",
        Severity::Warning => "!",
        Severity::Danger => "‼",
    }
}

fn render_step(out: &mut String, s: &PlanStepView, sources: bool) {
    let head = format!("{:>2}. {} [{}]", s.number, s.title, s.channel);
    let _ = writeln!(out, "{}", with_pending(&head, &s.pending));
    let ind = "    ";
    let _ = writeln!(out, "{ind}{}", s.instructions);
    for r in &s.routes {
        let _ = writeln!(out, "{ind}{}", r.text);
        for line in r.timing.iter().chain(&r.deadline) {
            let _ = writeln!(out, "{ind}  {line}");
        }
        notes(out, &format!("{ind}  "), sources, &r.notes);
    }
    let lines = s.after.iter().chain(&s.timing).chain(&s.deadline);
    let lines = lines.chain(&s.evidence).chain(&s.tips).chain(&s.warnings);
    for line in lines.chain(&s.escalation) {
        let _ = writeln!(out, "{ind}{line}");
    }
    notes(out, ind, sources, &s.notes);
}

/// The human-readable checklist: the view's lines, indented and marked.
pub fn render_plan(v: &PlanView, sources: bool) -> String {
    let mut out = format!("{}\n", v.heading);
    if !v.blockers.is_empty() {
        let _ = writeln!(out, "\n{}", v.blockers_heading);
        for b in &v.blockers {
            let _ = writeln!(out, "  ✗ {}", with_pending(&b.title, &b.pending));
            for line in std::iter::once(&b.remedy).chain(&b.plan_note) {
                let _ = writeln!(out, "    {line}");
            }
            notes(&mut out, "    ", sources, &b.notes);
        }
    }
    let _ = writeln!(out, "\n{}", v.steps_heading);
    for s in &v.steps {
        render_step(&mut out, s, sources);
    }
    for group in &v.notices {
        let _ = writeln!(out, "\n{}", group.heading);
        for n in &group.notices {
            let line = with_pending(&n.text, &n.pending);
            let _ = writeln!(out, "  {} {line}", severity_mark(n.severity));
            notes(&mut out, "    ", sources, &n.notes);
        }
    }
    if !v.amounts.is_empty() {
        let _ = writeln!(out, "\n{}", v.amounts_heading);
        for a in &v.amounts {
            let _ = writeln!(out, "  {}", a.line);
            if let Some(e) = &a.explanation {
                let _ = writeln!(out, "    {e}");
            }
            notes(&mut out, "    ", sources, &a.notes);
        }
    }
    if !v.answers.is_empty() {
        let _ = writeln!(out, "\n{}", v.answers_heading);
        for a in &v.answers {
            let _ = writeln!(out, "  · {} → {}", a.label, a.value);
        }
    }
    for (heading, list, mark) in [
        (&v.assumptions_heading, &v.assumptions, "·"),
        (&v.questions_heading, &v.questions, "?"),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{heading}");
        for q in list {
            let _ = writeln!(out, "  {mark} {}", q.line);
            if let Some(a) = &q.affects {
                let _ = writeln!(out, "    {a}");
            }
        }
    }
    let _ = writeln!(out, "\n{}", v.footer);
    out
}
