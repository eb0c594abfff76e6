//! Loading and validating a pack into a [`Scenario`].
//!
//! Validation reports every problem at once, each with the pack, the path inside it
//! (`steps[3].depends_on[0]`) and what was expected. A pack loaded from a file goes through
//! exactly the same checks as a bundled one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use super::expr::{describe, Expr, ExprValue, FactContext};
use super::facts::{FactError, FactValue, Facts};
use super::pack::{FactDef, FactType, Pack, Source};
use crate::limits::MAX_PACK_BYTES;
use crate::text::Text;

/// One problem found in a pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackIssue {
    /// Pack id (or file name when the id is unknown).
    pub pack: String,
    /// Path inside the pack, e.g. `steps[3].depends_on[0]`; empty for the whole file.
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
    /// 1-based line and column, for syntax errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl fmt::Display for PackIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.pack)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// A pack that failed to load, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("规则包无效 invalid rule pack `{pack}`: {} problem(s)\n{}", issues.len(), issues.iter().map(|i| format!("  - {i}")).collect::<Vec<_>>().join("\n"))]
pub struct PackError {
    pub pack: String,
    pub issues: Vec<PackIssue>,
}

impl PackError {
    /// An error with one issue at the top of the pack (a file that cannot be read or
    /// parsed), named after `origin`.
    pub fn single(
        origin: &str,
        message: String,
        line: Option<usize>,
        column: Option<usize>,
    ) -> PackError {
        PackError {
            pack: origin.to_string(),
            issues: vec![PackIssue {
                pack: origin.to_string(),
                path: String::new(),
                message,
                line,
                column,
            }],
        }
    }
}

/// A compiled condition or formula, with the path it came from.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub path: String,
    pub expr: Expr,
}

/// A validated pack, ready to evaluate. Expressions are parsed once here.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub pack: Pack,
    /// Index of facts by id.
    pub(crate) fact_index: HashMap<String, usize>,
    /// Defaults converted to typed values.
    pub(crate) defaults: BTreeMap<String, FactValue>,
    pub(crate) precondition_exprs: Vec<Expr>,
    pub(crate) step_exprs: Vec<Option<Expr>>,
    pub(crate) warning_exprs: Vec<Option<Expr>>,
    pub(crate) consequence_exprs: Vec<Option<Expr>>,
    pub(crate) formula_value_exprs: Vec<Expr>,
    pub(crate) formula_when_exprs: Vec<Option<Expr>>,
    /// Per formula, the conditions of its explanation cases.
    pub(crate) formula_case_exprs: Vec<Vec<Expr>>,
    /// Per title variant, its condition.
    pub(crate) title_variant_exprs: Vec<Expr>,
    /// Step indices in a valid order (dependencies first, pack order otherwise).
    pub(crate) step_order: Vec<usize>,
    /// Per fact (pack order): whether any condition or formula reads it.
    pub(crate) fact_is_read: Vec<bool>,
}

impl Scenario {
    /// The rules (blockers, steps, warnings, consequences, formulas) whose condition or
    /// value reads `fact`, in pack order, each with its name in words (title, text or
    /// label).
    pub fn rules_reading(&self, fact: &str) -> Vec<(String, Text)> {
        let reads = |e: &Expr| e.identifiers().iter().any(|i| i == fact);
        let opt = |e: &Option<Expr>| e.as_ref().is_some_and(reads);
        let pack = &self.pack;
        let mut out = Vec::new();
        for (p, e) in pack.preconditions.iter().zip(&self.precondition_exprs) {
            if reads(e) {
                out.push((p.id.clone(), p.title.clone()));
            }
        }
        for (s, e) in pack.steps.iter().zip(&self.step_exprs) {
            if opt(e) {
                out.push((s.id.clone(), s.title.clone()));
            }
        }
        for (n, e) in pack
            .warnings
            .iter()
            .zip(&self.warning_exprs)
            .chain(pack.consequences.iter().zip(&self.consequence_exprs))
        {
            if opt(e) {
                out.push((n.id.clone(), n.text.clone()));
            }
        }
        for (i, f) in pack.formulas.iter().enumerate() {
            if reads(&self.formula_value_exprs[i]) || opt(&self.formula_when_exprs[i]) {
                out.push((f.id.clone(), f.label.clone()));
            }
        }
        out
    }

    pub fn id(&self) -> &str {
        &self.pack.id
    }

    pub fn title(&self) -> &Text {
        &self.pack.title
    }

    pub fn fact(&self, id: &str) -> Option<&FactDef> {
        self.fact_index.get(id).map(|&i| &self.pack.facts[i])
    }

    /// The error for a fact id this scenario does not declare.
    pub(crate) fn unknown_fact(&self, id: &str) -> FactError {
        FactError::Unknown {
            scenario: self.pack.id.clone(),
            fact: id.to_string(),
            known: self
                .pack
                .facts
                .iter()
                .map(|f| f.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Parses one `name=value` answer typed by a person (CLI, shells).
    pub fn parse_fact(&self, id: &str, raw: &str) -> Result<FactValue, FactError> {
        let def = self.fact(id).ok_or_else(|| self.unknown_fact(id))?;
        FactValue::parse_str(def, raw)
    }

    /// Parses `name=value` pairs into facts; the first bad one is an error naming it.
    pub fn parse_fact_pairs<'a>(
        &self,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Facts, FactError> {
        let mut facts = Facts::new();
        for (k, v) in pairs {
            facts.insert(k.to_string(), self.parse_fact(k, v)?);
        }
        Ok(facts)
    }

    /// Converts a JSON object `{ "fact": value, ... }` into facts. `null` means unanswered.
    pub fn facts_from_json(&self, json: &serde_json::Value) -> Result<Facts, FactError> {
        let obj = json.as_object().ok_or_else(|| FactError::WrongType {
            fact: "(facts)".into(),
            expected: "a JSON object of fact ids to values".into(),
            got: json.to_string(),
        })?;
        let mut facts = Facts::new();
        for (k, v) in obj {
            let def = self.fact(k).ok_or_else(|| self.unknown_fact(k))?;
            if v.is_null() {
                continue;
            }
            facts.insert(k.clone(), FactValue::from_json(def, v)?);
        }
        Ok(facts)
    }

    /// Parses and validates a pack in either of its two forms: the compiled form (JSON,
    /// recognised by its leading `{`) or the authoring form (TOML). `origin` names the file
    /// in messages when the pack id cannot be read.
    pub fn from_text(origin: &str, source: &str) -> Result<Scenario, PackError> {
        if looks_like_json(source) {
            Scenario::from_json_str(origin, source)
        } else {
            Scenario::from_toml_str(origin, source)
        }
    }

    /// Parses and validates TOML text, the authoring form of a pack: the TOML is read into
    /// a tree and checked as its compiled JSON. Without the `toml-packs` feature (the FFI
    /// library) this is an error naming `tuilu rules compile`.
    pub fn from_toml_str(origin: &str, source: &str) -> Result<Scenario, PackError> {
        check_pack_size(origin, source)?;
        let json = tree_to_json(origin, &parse_toml_tree(origin, source)?)?;
        Scenario::from_compiled_json(origin, &json)
    }

    /// Parses and validates the compiled form of a pack (JSON). Every text form ends here,
    /// so the pack types are decoded by one deserializer only (serde_json on a string).
    pub fn from_json_str(origin: &str, source: &str) -> Result<Scenario, PackError> {
        check_pack_size(origin, source)?;
        Scenario::from_compiled_json(origin, source)
    }

    /// [`Scenario::from_json_str`] on JSON this module made from a source already checked
    /// against [`MAX_PACK_BYTES`].
    fn from_compiled_json(origin: &str, source: &str) -> Result<Scenario, PackError> {
        let pack = decode_pack(origin, source).map_err(|issues| PackError {
            pack: issues.first().map(|i| i.pack.clone()).unwrap_or_default(),
            issues,
        })?;
        Scenario::from_pack(origin, pack)
    }

    /// Validates a decoded pack: every problem is reported at once.
    pub fn from_pack(origin: &str, pack: Pack) -> Result<Scenario, PackError> {
        let mut v = Validator::new(origin);
        v.pack_name = pack.id.clone();
        v.check(&pack);
        if v.issues.is_empty() {
            Ok(v.build(pack))
        } else {
            Err(PackError {
                pack: v.pack_name.clone(),
                issues: v.issues,
            })
        }
    }
}

/// Validates a pack (TOML or JSON) and returns its compiled form: the same tree as
/// pretty-printed JSON with sorted keys, which is what the FFI library reads and what bundled
/// packs ship as. Nothing is returned for an invalid pack.
pub fn compile_pack(origin: &str, source: &str) -> Result<String, PackError> {
    check_pack_size(origin, source)?;
    let tree = if looks_like_json(source) {
        // The text itself is checked, as loading it would be: a tree keeps only the last of
        // two equal keys, so checking the tree would accept a pack that does not load.
        Scenario::from_compiled_json(origin, source)?;
        parse_json_tree(origin, source)?
    } else {
        let tree = parse_toml_tree(origin, source)?;
        Scenario::from_compiled_json(origin, &tree_to_json(origin, &tree)?)?;
        tree
    };
    let mut json = serde_json::to_string_pretty(&tree)
        .map_err(|e| PackError::single(origin, format!("cannot encode JSON: {e}"), None, None))?;
    json.push('\n');
    Ok(json)
}

/// Refuses a pack past [`MAX_PACK_BYTES`] before reading it.
fn check_pack_size(origin: &str, source: &str) -> Result<(), PackError> {
    if source.len() > MAX_PACK_BYTES {
        return Err(pack_too_large(origin, source.len() as u64));
    }
    Ok(())
}

/// The error for a pack of `len` bytes, past [`MAX_PACK_BYTES`].
pub(crate) fn pack_too_large(origin: &str, len: u64) -> PackError {
    PackError::single(
        origin,
        format!(
            "规则包过大：{len} 字节，上限 {MAX_PACK_BYTES} / \
             the pack is too large: {len} bytes, the limit is {MAX_PACK_BYTES}"
        ),
        None,
        None,
    )
}

/// Whether pack text is in the compiled (JSON) form: it starts with `{`.
fn looks_like_json(source: &str) -> bool {
    source.trim_start().starts_with('{')
}

fn tree_to_json(origin: &str, tree: &serde_json::Value) -> Result<String, PackError> {
    serde_json::to_string(tree)
        .map_err(|e| PackError::single(origin, format!("cannot encode JSON: {e}"), None, None))
}

fn syntax_issue(origin: &str, e: &serde_json::Error) -> PackError {
    PackError::single(
        origin,
        format!("unparsable JSON: {e}"),
        Some(e.line()),
        Some(e.column()),
    )
}

fn parse_json_tree(origin: &str, source: &str) -> Result<serde_json::Value, PackError> {
    serde_json::from_slice::<serde_json::Value>(source.as_bytes())
        .map_err(|e| syntax_issue(origin, &e))
}

#[cfg(feature = "toml-packs")]
fn parse_toml_tree(origin: &str, source: &str) -> Result<serde_json::Value, PackError> {
    toml::from_str::<serde_json::Value>(source).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| line_col(source, s.start))
            .map(|(l, c)| (Some(l), Some(c)))
            .unwrap_or((None, None));
        PackError::single(
            origin,
            format!("unparsable TOML: {}", e.message()),
            line,
            column,
        )
    })
}

/// Without `toml-packs` (the FFI library) TOML is not read: packs arrive in their compiled
/// JSON form. The message says how to get it.
#[cfg(not(feature = "toml-packs"))]
fn parse_toml_tree(origin: &str, _source: &str) -> Result<serde_json::Value, PackError> {
    Err(PackError::single(
        origin,
        "规则包须为编译后的 JSON（用 `tuilu rules compile` 从 TOML 生成）/ \
         this build reads rule packs in their compiled JSON form only: \
         make it from the TOML with `tuilu rules compile`"
            .into(),
        None,
        None,
    ))
}

/// Converts a byte span into 1-based line and column (in characters).
#[cfg(feature = "toml-packs")]
fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Decodes compiled pack text into a [`Pack`]. On a shape error every one is collected: each
/// section element is decoded on its own, so one bad step does not hide the others.
fn decode_pack(origin: &str, source: &str) -> Result<Pack, Vec<PackIssue>> {
    let whole = match serde_json::from_slice::<Pack>(source.as_bytes()) {
        Ok(pack) => return Ok(pack),
        Err(e) if e.is_data() => e,
        Err(e) => return Err(syntax_issue(origin, &e).issues),
    };
    let tree = match serde_json::from_slice::<serde_json::Value>(source.as_bytes()) {
        Ok(tree) => tree,
        Err(e) => return Err(syntax_issue(origin, &e).issues),
    };
    let name = tree
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or(origin)
        .to_string();
    let issue = |path: String, message: String| PackIssue {
        pack: name.clone(),
        path,
        message,
        line: None,
        column: None,
    };
    let Some(table) = tree.as_object() else {
        return Err(vec![issue(
            String::new(),
            "a pack is a table of keys (a JSON object)".into(),
        )]);
    };
    // Each element is decoded from its own text, with the same deserializer as the whole
    // pack (no second set of decoders in the binary).
    fn decodes<T: serde::de::DeserializeOwned>(item: &serde_json::Value) -> Result<(), String> {
        let text = serde_json::to_string(item).map_err(|e| e.to_string())?;
        serde_json::from_slice::<T>(text.as_bytes())
            .map(|_| ())
            .map_err(|e| strip_position(&e))
    }
    let mut issues = Vec::new();
    for section in [
        "facts",
        "preconditions",
        "steps",
        "warnings",
        "consequences",
        "formulas",
        "letters",
    ] {
        let Some(value) = table.get(section) else {
            continue;
        };
        let Some(items) = value.as_array() else {
            issues.push(issue(
                section.to_string(),
                "expected an array of tables ([[...]])".into(),
            ));
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let result = match section {
                "facts" => decodes::<FactDef>(item),
                "preconditions" => decodes::<super::pack::Precondition>(item),
                "steps" => decodes::<super::pack::StepDef>(item),
                "formulas" => decodes::<super::pack::Formula>(item),
                "letters" => decodes::<super::pack::LetterDef>(item),
                _ => decodes::<super::pack::Notice>(item),
            };
            if let Err(message) = result {
                issues.push(issue(format!("{section}[{i}]"), message));
            }
        }
    }
    if issues.is_empty() {
        // The problem is in the header (a missing or mistyped top-level key).
        issues.push(issue(String::new(), strip_position(&whole)));
    }
    Err(issues)
}

/// A serde_json error without its " at line L column C" suffix: positions in the compiled
/// text of one element mean nothing to the author.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) if e.line() > 0 => text[..i].to_string(),
        _ => text,
    }
}

struct Validator {
    pack_name: String,
    issues: Vec<PackIssue>,
    /// Every expression parsed while checking, by source text, so `build` parses none
    /// again.
    parsed: HashMap<String, Expr>,
}

/// What an expression must produce.
#[derive(Clone, Copy, PartialEq)]
enum Want {
    Bool,
    Number,
}

/// Cap on the number of fact combinations tried per expression.
const MAX_COMBINATIONS: usize = 4096;

impl Validator {
    fn new(origin: &str) -> Validator {
        Validator {
            pack_name: origin.to_string(),
            issues: Vec::new(),
            parsed: HashMap::new(),
        }
    }

    fn issue(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.issues.push(PackIssue {
            pack: self.pack_name.clone(),
            path: path.into(),
            message: message.into(),
            line: None,
            column: None,
        });
    }

    fn text(&mut self, path: &str, t: &Text) {
        let missing = t.missing();
        if !missing.is_empty() {
            self.issue(
                path,
                format!(
                    "missing translation: {} (every text needs zh and en)",
                    missing.join(", ")
                ),
            );
        }
    }

    fn optional_text(&mut self, path: &str, t: &Text) {
        if !(t.zh.trim().is_empty() && t.en.trim().is_empty()) {
            self.text(path, t);
        }
    }

    fn date(&mut self, path: &str, s: &str) {
        if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_err() {
            self.issue(path, format!("expected a date YYYY-MM-DD, got `{s}`"));
        }
    }

    fn source(&mut self, path: &str, s: &Option<Source>) {
        let Some(s) = s else {
            self.issue(
                format!("{path}.source"),
                "missing source: every rule needs { seed, quote, confidence, last_reviewed }",
            );
            return;
        };
        if s.seed.trim().is_empty() {
            self.issue(format!("{path}.source.seed"), "missing source file name");
        }
        if s.quote.trim().is_empty() {
            self.issue(format!("{path}.source.quote"), "missing quoted passage");
        }
        if s.confidence.is_none() {
            self.issue(
                format!("{path}.source.confidence"),
                "missing confidence: expected high, medium or low",
            );
        }
        if s.last_reviewed.trim().is_empty() {
            self.issue(
                format!("{path}.source.last_reviewed"),
                "missing last-reviewed date",
            );
        } else {
            self.date(&format!("{path}.source.last_reviewed"), &s.last_reviewed);
        }
        self.optional_text(&format!("{path}.source.note"), &s.note);
    }

    fn unique_id(&mut self, seen: &mut HashMap<String, String>, path: &str, id: &str) {
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            self.issue(
                format!("{path}.id"),
                format!("expected a snake_case ASCII id, got `{id}`"),
            );
        }
        if let Some(first) = seen.get(id) {
            self.issue(
                format!("{path}.id"),
                format!("duplicate id `{id}` (first used at {first})"),
            );
        } else {
            seen.insert(id.to_string(), path.to_string());
        }
    }

    fn check(&mut self, pack: &Pack) {
        self.check_header(pack);
        self.check_facts(pack);
        self.check_preconditions(pack);
        self.check_steps(pack);
        self.check_dependencies(pack);
        self.check_notes(pack);
        self.check_title_variants(pack);
        self.check_formulas(pack);
        self.check_no_rule_reads_optional_facts(pack);
        let mut letter_ids = HashMap::new();
        for (i, l) in pack.letters.iter().enumerate() {
            self.letter(pack, &mut letter_ids, &format!("letters[{i}]"), l);
        }
    }

    /// The header: id, platform, version, review date, title.
    fn check_header(&mut self, pack: &Pack) {
        let id_ok = pack.id.split_once('.').is_some_and(|(p, s)| {
            !p.is_empty()
                && !s.is_empty()
                && pack
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-._".contains(c))
        });
        if !id_ok {
            self.issue(
                "id",
                format!(
                    "expected `platform.scenario` in lowercase ASCII, got `{}`",
                    pack.id
                ),
            );
        }
        if pack.platform.trim().is_empty() {
            self.issue("platform", "missing platform");
        }
        let parts: Vec<&str> = pack.version.split('.').collect();
        if parts.len() != 3 || parts.iter().any(|p| p.parse::<u32>().is_err()) {
            self.issue(
                "version",
                format!("expected a version like 1.2.0, got `{}`", pack.version),
            );
        }
        self.date("last_reviewed", &pack.last_reviewed);
        self.text("title", &pack.title);
        self.optional_text("summary", &pack.summary);
    }

    /// The facts: ids, prompts, privacy marks, enum options, defaults.
    fn check_facts(&mut self, pack: &Pack) {
        let mut fact_ids = HashMap::new();
        for (i, f) in pack.facts.iter().enumerate() {
            let path = format!("facts[{i}]");
            self.unique_id(&mut fact_ids, &path, &f.id);
            self.text(&format!("{path}.prompt"), &f.prompt);
            self.optional_text(&format!("{path}.help"), &f.help);
            if f.privacy.is_none() {
                self.issue(
                    format!("{path}.privacy"),
                    format!(
                        "fact `{}` has no privacy mark: add `privacy = \"public\"` (the \
                         counterpart must see it to act; a dispute bundle always carries it) \
                         or `privacy = \"private\"` (amounts, income, contract terms, names, \
                         personal circumstances; in a bundle only when the user asks)",
                        f.id
                    ),
                );
            }
            if f.kind == FactType::Enum {
                if f.options.is_empty() {
                    self.issue(
                        format!("{path}.options"),
                        "an enum fact needs at least one option",
                    );
                }
                let mut seen = HashSet::new();
                for (j, o) in f.options.iter().enumerate() {
                    if !seen.insert(o.value.as_str()) {
                        self.issue(
                            format!("{path}.options[{j}].value"),
                            format!("duplicate option `{}`", o.value),
                        );
                    }
                    self.text(&format!("{path}.options[{j}].label"), &o.label);
                }
            } else if !f.options.is_empty() {
                self.issue(
                    format!("{path}.options"),
                    format!(
                        "only enum facts take options, this one is {}",
                        f.kind.as_str()
                    ),
                );
            }
            if let Some(d) = &f.default {
                if let Err(e) = FactValue::from_json(f, d) {
                    self.issue(format!("{path}.default"), e.to_string());
                }
            }
        }
    }

    /// The preconditions (blockers): ids, texts, sources, conditions. Rules with ids have one
    /// namespace per section; steps and routes share one.
    fn check_preconditions(&mut self, pack: &Pack) {
        let mut pre_ids = HashMap::new();
        for (i, p) in pack.preconditions.iter().enumerate() {
            let path = format!("preconditions[{i}]");
            self.unique_id(&mut pre_ids, &path, &p.id);
            self.text(&format!("{path}.title"), &p.title);
            self.text(&format!("{path}.remedy"), &p.remedy);
            self.source(&path, &p.source);
            self.expression(
                pack,
                &format!("{path}.blocks_when"),
                &p.blocks_when,
                Want::Bool,
                false,
            );
        }
    }

    /// The steps and their routes: ids, texts, sources, timing, evidence kinds, conditions.
    fn check_steps(&mut self, pack: &Pack) {
        let mut step_ids = HashMap::new();
        for (i, s) in pack.steps.iter().enumerate() {
            let path = format!("steps[{i}]");
            self.unique_id(&mut step_ids, &path, &s.id);
            self.text(&format!("{path}.title"), &s.title);
            self.text(&format!("{path}.instructions"), &s.instructions);
            self.source(&path, &s.source);
            if let Some(d) = &s.duration {
                self.duration(pack, s, &format!("{path}.duration"), d);
            }
            for (j, e) in s.evidence.iter().enumerate() {
                self.text(&format!("{path}.evidence[{j}].description"), &e.description);
                const KINDS: &[&str] = &[
                    "screenshot",
                    "screen_recording",
                    "chat_export",
                    "contract",
                    "receipt",
                    "document",
                    "sms",
                    "other",
                ];
                if !KINDS.contains(&e.kind.as_str()) {
                    self.issue(
                        format!("{path}.evidence[{j}].kind"),
                        format!("expected one of {}, got `{}`", KINDS.join(", "), e.kind),
                    );
                }
            }
            for (j, t) in s.tips.iter().enumerate() {
                self.text(&format!("{path}.tips[{j}]"), t);
            }
            for (j, t) in s.warnings.iter().enumerate() {
                self.text(&format!("{path}.warnings[{j}]"), t);
            }
            if let Some(t) = &s.escalation {
                self.text(&format!("{path}.escalation"), t);
            }
            for (j, r) in s.alternatives.iter().enumerate() {
                let rpath = format!("{path}.alternatives[{j}]");
                self.unique_id(&mut step_ids, &rpath, &r.id);
                self.text(&format!("{rpath}.title"), &r.title);
                self.text(&format!("{rpath}.instructions"), &r.instructions);
                self.source(&rpath, &r.source);
                if let Some(d) = &r.duration {
                    self.duration(pack, s, &format!("{rpath}.duration"), d);
                }
            }
            if let Some(w) = &s.when {
                self.expression(pack, &format!("{path}.when"), w, Want::Bool, true);
            }
        }
    }

    /// Dependencies: known, not self, no cycles; what a blocker holds back or is resolved by
    /// is a step.
    fn check_dependencies(&mut self, pack: &Pack) {
        let index: HashMap<&str, usize> = pack
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.as_str(), i))
            .collect();
        for (i, s) in pack.steps.iter().enumerate() {
            for (j, d) in s.depends_on.iter().enumerate() {
                let path = format!("steps[{i}].depends_on[{j}]");
                match index.get(d.as_str()) {
                    None => self.issue(
                        path,
                        format!("unknown step `{d}`: expected the id of a step in this pack"),
                    ),
                    Some(&k) if k == i => self.issue(path, "a step cannot depend on itself"),
                    Some(_) => {}
                }
            }
        }
        for (i, p) in pack.preconditions.iter().enumerate() {
            for (field, ids) in [("blocks", &p.blocks), ("resolved_by", &p.resolved_by)] {
                for (j, d) in ids.iter().enumerate() {
                    if !index.contains_key(d.as_str()) {
                        self.issue(
                            format!("preconditions[{i}].{field}[{j}]"),
                            format!("unknown step `{d}`: expected the id of a step in this pack"),
                        );
                    }
                }
            }
            for (j, d) in p.resolved_by.iter().enumerate() {
                if p.blocks.contains(d) {
                    self.issue(
                        format!("preconditions[{i}].resolved_by[{j}]"),
                        format!("`{d}` cannot both resolve and be held back by the same blocker"),
                    );
                }
            }
        }
        if let Err(cycle) = topo_order(pack) {
            let names: Vec<&str> = cycle.iter().map(|&i| pack.steps[i].id.as_str()).collect();
            self.issue(
                format!("steps[{}].depends_on", cycle[0]),
                format!("dependency cycle: {} → {}", names.join(" → "), names[0]),
            );
        }
    }

    /// Warnings and consequences: ids, texts, sources, conditions.
    fn check_notes(&mut self, pack: &Pack) {
        for (section, list) in [
            ("warnings", &pack.warnings),
            ("consequences", &pack.consequences),
        ] {
            let mut ids = HashMap::new();
            for (i, n) in list.iter().enumerate() {
                let path = format!("{section}[{i}]");
                self.unique_id(&mut ids, &path, &n.id);
                self.text(&format!("{path}.text"), &n.text);
                self.source(&path, &n.source);
                if let Some(w) = &n.when {
                    self.expression(pack, &format!("{path}.when"), w, Want::Bool, false);
                }
            }
        }
    }

    /// Title variants: a text and a condition each.
    fn check_title_variants(&mut self, pack: &Pack) {
        for (i, v) in pack.title_variants.iter().enumerate() {
            let path = format!("title_variants[{i}]");
            self.text(&format!("{path}.title"), &v.title);
            self.expression(pack, &format!("{path}.when"), &v.when, Want::Bool, false);
        }
    }

    /// Formulas: ids, labels, units, values and their cases.
    fn check_formulas(&mut self, pack: &Pack) {
        let mut formula_ids = HashMap::new();
        for (i, f) in pack.formulas.iter().enumerate() {
            let path = format!("formulas[{i}]");
            self.unique_id(&mut formula_ids, &path, &f.id);
            self.text(&format!("{path}.label"), &f.label);
            self.optional_text(&format!("{path}.explanation"), &f.explanation);
            self.source(&path, &f.source);
            if f.currency.trim().is_empty() {
                self.issue(format!("{path}.currency"), "missing currency or unit");
            }
            if f.currency != "CNY" {
                self.text(&format!("{path}.unit_label"), &f.unit_label);
            }
            self.expression(
                pack,
                &format!("{path}.value"),
                &f.value,
                Want::Number,
                false,
            );
            if let Some(w) = &f.when {
                self.expression(pack, &format!("{path}.when"), w, Want::Bool, false);
            }
            for (j, c) in f.cases.iter().enumerate() {
                let cpath = format!("{path}.cases[{j}]");
                self.text(&format!("{cpath}.explanation"), &c.explanation);
                if c.source.is_some() {
                    self.source(&cpath, &c.source);
                }
                self.expression(pack, &format!("{cpath}.when"), &c.when, Want::Bool, true);
            }
        }
    }

    /// An optional fact is never an open question of the plan, so no rule may wait for it
    /// (letters may: they ask for what they lack).
    fn check_no_rule_reads_optional_facts(&mut self, pack: &Pack) {
        let mut conditions: Vec<(String, &str)> = Vec::new();
        for (i, p) in pack.preconditions.iter().enumerate() {
            conditions.push((format!("preconditions[{i}].blocks_when"), &p.blocks_when));
        }
        for (i, st) in pack.steps.iter().enumerate() {
            if let Some(w) = &st.when {
                conditions.push((format!("steps[{i}].when"), w));
            }
        }
        for (section, list) in [
            ("warnings", &pack.warnings),
            ("consequences", &pack.consequences),
        ] {
            for (i, n) in list.iter().enumerate() {
                if let Some(w) = &n.when {
                    conditions.push((format!("{section}[{i}].when"), w));
                }
            }
        }
        for (i, v) in pack.title_variants.iter().enumerate() {
            conditions.push((format!("title_variants[{i}].when"), &v.when));
        }
        for (i, f) in pack.formulas.iter().enumerate() {
            conditions.push((format!("formulas[{i}].value"), &f.value));
            if let Some(w) = &f.when {
                conditions.push((format!("formulas[{i}].when"), w));
            }
            for (j, c) in f.cases.iter().enumerate() {
                conditions.push((format!("formulas[{i}].cases[{j}].when"), &c.when));
            }
        }
        for (path, src) in conditions {
            let Some(expr) = self.parsed.get(src) else {
                continue;
            };
            let read: Vec<String> = expr
                .identifiers()
                .iter()
                .filter(|id| pack.facts.iter().any(|f| &f.id == *id && f.optional))
                .cloned()
                .collect();
            for id in read {
                self.issue(
                    &path,
                    format!("`{id}` is an optional fact (only letters use it); a rule cannot depend on it"),
                );
            }
        }
    }

    /// Checks one letter template: its step, texts, placeholders, conditions, source.
    fn letter(
        &mut self,
        pack: &Pack,
        ids: &mut HashMap<String, String>,
        path: &str,
        l: &super::pack::LetterDef,
    ) {
        use super::letter::{parse, Piece};
        self.unique_id(ids, path, &l.id);
        let step = |id: &str| pack.steps.iter().find(|s| s.id == id);
        if step(&l.step).is_none() {
            self.issue(
                format!("{path}.step"),
                format!(
                    "unknown step `{}`: expected the id of a step in this pack",
                    l.step
                ),
            );
        }
        self.text(&format!("{path}.title"), &l.title);
        self.optional_text(&format!("{path}.guidance"), &l.guidance);
        self.source(path, &l.source);
        if let Some(w) = &l.when {
            self.expression(pack, &format!("{path}.when"), w, Want::Bool, true);
        }
        if let Some(o) = &l.after_overdue {
            match step(o) {
                Some(s) if s.duration.is_some() => {}
                Some(_) => self.issue(
                    format!("{path}.after_overdue"),
                    format!("step `{o}` has no duration, so it can never be overdue"),
                ),
                None => self.issue(
                    format!("{path}.after_overdue"),
                    format!("unknown step `{o}`: expected the id of a step in this pack"),
                ),
            }
        }
        if l.paragraphs.is_empty() {
            self.issue(
                format!("{path}.paragraphs"),
                "a letter needs at least one paragraph",
            );
        }
        for (j, a) in l.attach.iter().enumerate() {
            if a != "all" && step(a).is_none() {
                self.issue(
                    format!("{path}.attach[{j}]"),
                    format!("unknown step `{a}`: expected a step id of this pack, or `all`"),
                );
            }
        }
        // Every text: parses, names known facts and steps, and zh and en hold the same
        // placeholders.
        let mut texts: Vec<(String, String, String, bool)> = vec![(
            format!("{path}.recipient"),
            l.recipient.zh.clone(),
            l.recipient.en.clone(),
            false,
        )];
        for (section, lines) in [
            ("paragraphs", &l.paragraphs),
            ("demands", &l.demands),
            ("signature", &l.signature),
        ] {
            for (j, line) in lines.iter().enumerate() {
                let lp = format!("{path}.{section}[{j}]");
                if let Some(w) = &line.when {
                    self.expression(pack, &format!("{lp}.when"), w, Want::Bool, true);
                }
                texts.push((lp, line.zh.clone(), line.en.clone(), true));
            }
        }
        for (j, d) in l.dates.iter().enumerate() {
            let dp = format!("{path}.dates[{j}]");
            self.text(&format!("{dp}.label"), &d.label);
            texts.push((
                format!("{dp}.value"),
                d.value.clone(),
                d.value.clone(),
                true,
            ));
        }
        for (tp, zh, en, optional_allowed) in texts {
            if zh.trim().is_empty() || en.trim().is_empty() {
                self.issue(
                    &tp,
                    "missing translation: every line needs zh and en".to_string(),
                );
            }
            let mut sets = Vec::new();
            for (lang, src) in [("zh", &zh), ("en", &en)] {
                match parse(src) {
                    Ok(pieces) => {
                        let mut slots: Vec<String> = Vec::new();
                        for p in pieces {
                            let Piece::Slot(ph) = p else { continue };
                            self.placeholder(pack, &format!("{tp}.{lang}"), &ph, optional_allowed);
                            slots.push(ph.to_string());
                        }
                        crate::sort::sort(&mut slots);
                        slots.dedup();
                        sets.push(slots);
                    }
                    Err(e) => self.issue(format!("{tp}.{lang}"), e),
                }
            }
            if sets.len() == 2 && sets[0] != sets[1] {
                self.issue(
                    &tp,
                    format!(
                        "zh and en hold different placeholders: zh [{}], en [{}]",
                        sets[0].join(", "),
                        sets[1].join(", ")
                    ),
                );
            }
        }
    }

    fn placeholder(
        &mut self,
        pack: &Pack,
        path: &str,
        ph: &super::letter::Placeholder,
        optional_allowed: bool,
    ) {
        use super::letter::Slot;
        if ph.optional && !optional_allowed {
            self.issue(
                path,
                format!("`{ph}` cannot be optional here: the recipient is always needed"),
            );
        }
        if let Slot::Fact(f) = &ph.slot {
            if !pack.facts.iter().any(|d| &d.id == f) {
                self.issue(
                    path,
                    format!(
                        "unknown fact `{f}` in `{ph}`: expected one of ({})",
                        fact_list(pack)
                    ),
                );
            }
        }
        if let Some(s) = ph.slot.step() {
            match pack.steps.iter().find(|x| x.id == s) {
                None => self.issue(
                    path,
                    format!("unknown step `{s}` in `{ph}`: expected the id of a step in this pack"),
                ),
                Some(step) if ph.slot.needs_duration() && step.duration.is_none() => {
                    self.issue(path, format!("`{ph}`: step `{s}` has no duration to count"))
                }
                Some(_) => {}
            }
        }
    }

    fn duration(
        &mut self,
        pack: &Pack,
        step: &super::pack::StepDef,
        path: &str,
        d: &super::pack::DurationDef,
    ) {
        if d.sense.is_none() {
            let senses: Vec<&str> = super::pack::TimeSense::ALL
                .iter()
                .map(|s| s.as_str())
                .collect();
            self.issue(
                format!("{path}.sense"),
                format!(
                    "missing sense: say what the period means ({})",
                    senses.join(", ")
                ),
            );
        }
        for (k, a) in d.after.iter().enumerate() {
            if !step.depends_on.contains(a) {
                self.issue(
                    format!("{path}.after[{k}]"),
                    format!(
                        "`{a}` must also be in the step's depends_on (a clock can only start after a step that comes first)"
                    ),
                );
            }
        }
        if let Some(f) = &d.from_fact {
            match pack.facts.iter().find(|x| &x.id == f) {
                Some(def) if matches!(def.kind, FactType::Date | FactType::Datetime) => {}
                Some(def) => self.issue(
                    format!("{path}.from_fact"),
                    format!(
                        "`{f}` is a {} fact; a clock can only start on a date or datetime fact",
                        def.kind.as_str()
                    ),
                ),
                None => self.issue(
                    format!("{path}.from_fact"),
                    format!("unknown fact `{f}`: expected one of ({})", fact_list(pack)),
                ),
            }
        }
        if d.max == 0 {
            self.issue(format!("{path}.max"), "expected a duration of at least 1");
        }
        if d.min > d.max {
            self.issue(
                format!("{path}.min"),
                format!("min ({}) must not exceed max ({})", d.min, d.max),
            );
        }
        self.text(&format!("{path}.starts_on"), &d.starts_on);
        if let Some(open) = &d.open_end {
            self.text(&format!("{path}.open_end.text"), &open.text);
            if let Some(e) = &open.escalation {
                self.text(&format!("{path}.open_end.escalation"), e);
            }
            if let Some(w) = &open.when {
                self.expression(pack, &format!("{path}.open_end.when"), w, Want::Bool, false);
            }
        }
    }

    /// Parses and statically checks an expression: known facts, allowed operators, literal
    /// types, result type over sample values, and (for step conditions) satisfiability.
    fn expression(
        &mut self,
        pack: &Pack,
        path: &str,
        src: &str,
        want: Want,
        must_be_satisfiable: bool,
    ) {
        let expr = match self.parsed.get(src) {
            Some(e) => e.clone(),
            None => match Expr::parse(src) {
                Ok(e) => {
                    self.parsed.insert(src.to_string(), e.clone());
                    e
                }
                Err(e) => {
                    self.issue(path, format!("cannot parse expression `{src}`: {e}"));
                    return;
                }
            },
        };
        for p in expr.structural_problems() {
            self.issue(path, p);
        }
        let mut defs: Vec<&FactDef> = Vec::new();
        let mut unknown = false;
        for id in expr.identifiers() {
            match pack.facts.iter().find(|f| &f.id == id) {
                Some(f) => defs.push(f),
                None => {
                    unknown = true;
                    self.issue(
                        path,
                        format!(
                            "unknown fact `{id}`: expected one of the pack's facts ({})",
                            fact_list(pack)
                        ),
                    )
                }
            }
        }
        if unknown {
            return;
        }
        // Literal comparisons must match the fact's type (and enum options).
        let mut literal_error = false;
        for cmp in expr.literal_comparisons() {
            let Some(def) = defs.iter().find(|d| d.id == cmp.identifier) else {
                continue;
            };
            let ok = match (def.kind, &cmp.literal) {
                (FactType::Bool, ExprValue::Boolean(_)) => true,
                (FactType::Integer | FactType::Money, ExprValue::Int(_) | ExprValue::Float(_)) => {
                    true
                }
                (FactType::Enum, ExprValue::String(s)) => {
                    if def.options.iter().any(|o| &o.value == s) {
                        true
                    } else {
                        literal_error = true;
                        self.issue(
                            path,
                            format!(
                                "type error: `{}` is compared with \"{s}\", which is not one of its options ({})",
                                def.id,
                                def.options.iter().map(|o| o.value.as_str()).collect::<Vec<_>>().join(", ")
                            ),
                        );
                        continue;
                    }
                }
                (FactType::Date | FactType::Datetime | FactType::Text, ExprValue::String(_)) => {
                    true
                }
                _ => false,
            };
            if !ok {
                literal_error = true;
                self.issue(
                    path,
                    format!(
                        "type error: `{}` is a {} fact but is compared with {}",
                        def.id,
                        def.kind.as_str(),
                        describe(&cmp.literal)
                    ),
                );
            }
        }
        if literal_error {
            return;
        }
        // Evaluate over sample values to find type errors and unsatisfiable conditions.
        let literals = expr.numeric_literals();
        let samples: Vec<Vec<ExprValue>> =
            defs.iter().map(|d| sample_values(d, &literals)).collect();
        let mut any_true = false;
        let mut first_error: Option<String> = None;
        let mut ctx = FactContext::new();
        for_each_combination(&samples, MAX_COMBINATIONS, |combo| {
            for (d, v) in defs.iter().zip(combo) {
                ctx.set(&d.id, v.clone());
            }
            let result = match want {
                Want::Bool => expr.eval_bool(&ctx),
                Want::Number => expr.eval_number(&ctx).map(|n| n.is_finite()),
            };
            match result {
                Ok(true) => any_true = true,
                Ok(false) if want == Want::Number => {
                    first_error.get_or_insert_with(|| {
                        "the formula can produce a non-finite number (division by zero?)".into()
                    });
                }
                Ok(false) => {}
                Err(e) => {
                    let values: Vec<String> = defs
                        .iter()
                        .zip(combo)
                        .map(|(d, v)| format!("{}={}", d.id, show(v)))
                        .collect();
                    first_error.get_or_insert_with(|| format!("{e} (with {})", values.join(", ")));
                }
            }
        });
        if let Some(e) = first_error {
            self.issue(path, format!("type error in `{src}`: {e}"));
            return;
        }
        if must_be_satisfiable && want == Want::Bool && !any_true {
            let used: Vec<&str> = defs.iter().map(|d| d.id.as_str()).collect();
            self.issue(
                path,
                format!(
                    "condition `{src}` is false for every combination of the facts it uses ({}): the step can never apply",
                    if used.is_empty() { "none".to_string() } else { used.join(", ") }
                ),
            );
        }
    }

    fn build(self, pack: Pack) -> Scenario {
        let parsed = self.parsed;
        let parse = |s: &str| {
            parsed
                .get(s)
                .cloned()
                .unwrap_or_else(|| Expr::parse(s).expect("validated expression parses"))
        };
        let fact_index = pack
            .facts
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.clone(), i))
            .collect();
        let defaults = crate::sort::collect_sorted(pack.facts.iter().filter_map(|f| {
            f.default.as_ref().map(|d| {
                (
                    f.id.clone(),
                    FactValue::from_json(f, d).expect("validated default"),
                )
            })
        }));
        let step_order = topo_order(&pack).expect("validated: no cycles");
        let mut read: HashSet<String> = HashSet::new();
        let mut note = |src: &str| read.extend(parse(src).identifiers().iter().cloned());
        pack.preconditions.iter().for_each(|p| note(&p.blocks_when));
        pack.steps
            .iter()
            .filter_map(|s| s.when.as_deref())
            .for_each(&mut note);
        pack.warnings
            .iter()
            .chain(&pack.consequences)
            .filter_map(|n| n.when.as_deref())
            .for_each(&mut note);
        pack.title_variants.iter().for_each(|v| note(&v.when));
        for st in &pack.steps {
            let routes = st.alternatives.iter().filter_map(|r| r.duration.as_ref());
            for d in st.duration.iter().chain(routes) {
                if let Some(w) = d.open_end.as_ref().and_then(|o| o.when.as_deref()) {
                    note(w);
                }
            }
        }
        for f in &pack.formulas {
            note(&f.value);
            if let Some(w) = &f.when {
                note(w);
            }
            f.cases.iter().for_each(|c| note(&c.when));
        }
        let fact_is_read = pack.facts.iter().map(|f| read.contains(&f.id)).collect();
        Scenario {
            fact_is_read,
            fact_index,
            defaults,
            precondition_exprs: pack
                .preconditions
                .iter()
                .map(|p| parse(&p.blocks_when))
                .collect(),
            step_exprs: pack
                .steps
                .iter()
                .map(|s| s.when.as_deref().map(parse))
                .collect(),
            warning_exprs: pack
                .warnings
                .iter()
                .map(|n| n.when.as_deref().map(parse))
                .collect(),
            consequence_exprs: pack
                .consequences
                .iter()
                .map(|n| n.when.as_deref().map(parse))
                .collect(),
            formula_value_exprs: pack.formulas.iter().map(|f| parse(&f.value)).collect(),
            formula_when_exprs: pack
                .formulas
                .iter()
                .map(|f| f.when.as_deref().map(parse))
                .collect(),
            formula_case_exprs: pack
                .formulas
                .iter()
                .map(|f| f.cases.iter().map(|c| parse(&c.when)).collect())
                .collect(),
            title_variant_exprs: pack.title_variants.iter().map(|v| parse(&v.when)).collect(),
            step_order,
            pack,
        }
    }
}

fn fact_list(pack: &Pack) -> String {
    if pack.facts.is_empty() {
        return "none declared".into();
    }
    pack.facts
        .iter()
        .map(|f| f.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn show(v: &ExprValue) -> String {
    match v {
        ExprValue::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// Representative values of a fact for static checks: every bool and enum value; for
/// numbers zero, the literals in the expression and their neighbours.
pub(crate) fn sample_values(def: &FactDef, literals: &[f64]) -> Vec<ExprValue> {
    match def.kind {
        FactType::Bool => vec![ExprValue::Boolean(false), ExprValue::Boolean(true)],
        FactType::Enum => def
            .options
            .iter()
            .map(|o| ExprValue::String(o.value.clone()))
            .collect(),
        FactType::Integer => {
            let mut v: Vec<i64> = vec![0, 1];
            for l in literals {
                let l = l.round() as i64;
                v.extend([l - 1, l, l + 1]);
            }
            crate::sort::sort(&mut v);
            v.dedup();
            v.into_iter().map(ExprValue::Int).collect()
        }
        FactType::Money => {
            let mut v: Vec<f64> = vec![0.0, 100.0];
            for l in literals {
                v.extend([l - 0.01, *l, l + 0.01]);
            }
            crate::sort::sort_by(&mut v, |a, b| a.total_cmp(b));
            v.dedup();
            v.into_iter().map(ExprValue::Float).collect()
        }
        FactType::Date => vec![ExprValue::String("2026-01-01".into())],
        FactType::Datetime => vec![ExprValue::String("2026-01-01T00:00:00Z".into())],
        FactType::Text => vec![ExprValue::String(String::new())],
    }
}

/// Calls `f` with each combination (mixed-radix counter), at most `cap` of them.
pub(crate) fn for_each_combination(
    samples: &[Vec<ExprValue>],
    cap: usize,
    mut f: impl FnMut(&[ExprValue]),
) {
    if samples.iter().any(|s| s.is_empty()) {
        return;
    }
    let mut idx = vec![0usize; samples.len()];
    let mut combo: Vec<ExprValue> = samples.iter().map(|s| s[0].clone()).collect();
    for _ in 0..cap {
        f(&combo);
        // Increment.
        let mut k = 0;
        loop {
            if k == samples.len() {
                return;
            }
            idx[k] += 1;
            if idx[k] < samples[k].len() {
                combo[k] = samples[k][idx[k]].clone();
                break;
            }
            idx[k] = 0;
            combo[k] = samples[k][0].clone();
            k += 1;
        }
    }
}

/// Kahn's algorithm, preferring pack order. Unknown dependencies are ignored here (they are
/// reported separately). On a cycle, returns the steps on one cycle.
fn topo_order(pack: &Pack) -> Result<Vec<usize>, Vec<usize>> {
    let n = pack.steps.len();
    let index: HashMap<&str, usize> = pack
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let deps: Vec<Vec<usize>> = pack
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.depends_on
                .iter()
                .filter_map(|d| index.get(d.as_str()).copied())
                .filter(|&d| d != i)
                .collect()
        })
        .collect();
    let mut done = vec![false; n];
    let mut order = Vec::with_capacity(n);
    while order.len() < n {
        let next = (0..n).find(|&i| !done[i] && deps[i].iter().all(|&d| done[d]));
        match next {
            Some(i) => {
                done[i] = true;
                order.push(i);
            }
            None => {
                // Walk from any remaining step along unfinished dependencies to find a cycle.
                let start = (0..n).find(|&i| !done[i]).unwrap_or(0);
                let mut path = vec![start];
                let mut cur = start;
                loop {
                    let Some(&d) = deps[cur].iter().find(|&&d| !done[d]) else {
                        return Err(path);
                    };
                    if let Some(pos) = path.iter().position(|&p| p == d) {
                        return Err(path[pos..].to_vec());
                    }
                    path.push(d);
                    cur = d;
                }
            }
        }
    }
    Ok(order)
}
