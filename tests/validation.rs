//! One test per kind of pack validation error, plus "all problems at once".

use tuilu_core::{PackIssue, Scenario};

const SRC: &str = r#"source = { seed = "003_47d663cf9d72612d.txt", quote = "q", confidence = "medium", last_reviewed = "2026-11-21" }"#;

/// A small valid pack; tests replace parts of it.
fn base() -> String {
    format!(
        r#"
id = "test.pack"
platform = "test"
version = "1.0.0"
last_reviewed = "2026-11-21"
title = {{ zh = "测试", en = "Test" }}

[[facts]]
id = "paid"
type = "bool"
privacy = "public"
prompt = {{ zh = "付了吗？", en = "Paid?" }}

[[facts]]
id = "who"
type = "enum"
privacy = "public"
prompt = {{ zh = "谁？", en = "Who?" }}
options = [
  {{ value = "client", label = {{ zh = "客户", en = "client" }} }},
  {{ value = "creator", label = {{ zh = "达人", en = "creator" }} }},
]

[[facts]]
id = "amount"
type = "money"
privacy = "private"
prompt = {{ zh = "金额", en = "Amount" }}

[[steps]]
id = "first"
title = {{ zh = "第一步", en = "First" }}
instructions = {{ zh = "做", en = "Do" }}
channel = "app"
{SRC}

[[steps]]
id = "second"
title = {{ zh = "第二步", en = "Second" }}
instructions = {{ zh = "做", en = "Do" }}
channel = "pc"
depends_on = ["first"]
when = "paid && who == \"client\""
duration = {{ unit = "working_days", min = 1, max = 3, starts_on = {{ zh = "提交", en = "submitted" }}, sense = "deadline" }}
{SRC}

[[formulas]]
id = "half"
label = {{ zh = "一半", en = "Half" }}
value = "amount * 0.5"
{SRC}
"#
    )
}

fn issues(src: &str) -> Vec<PackIssue> {
    match Scenario::from_toml_str("test.toml", src) {
        Ok(_) => Vec::new(),
        Err(e) => {
            assert!(!e.issues.is_empty());
            e.issues
        }
    }
}

fn find<'a>(issues: &'a [PackIssue], path: &str, needle: &str) -> &'a PackIssue {
    issues
        .iter()
        .find(|i| i.path == path && i.message.contains(needle))
        .unwrap_or_else(|| panic!("no issue at `{path}` containing `{needle}` in {issues:#?}"))
}

#[test]
fn base_pack_is_valid() {
    assert!(issues(&base()).is_empty(), "{:#?}", issues(&base()));
}

#[test]
fn unparsable_toml_reports_line_and_column() {
    let src = base().replace("platform = \"test\"", "platform = \"test");
    let found = issues(&src);
    assert_eq!(found.len(), 1);
    let i = &found[0];
    assert!(i.message.starts_with("unparsable TOML"), "{i:?}");
    assert_eq!(i.line, Some(3), "{i:?}"); // line 1 is empty
    assert!(i.column.is_some());
    assert_eq!(i.pack, "test.toml");
}

#[test]
fn shape_errors_name_the_element() {
    let src = base().replace("channel = \"pc\"", "channel = \"fax\"");
    let found = issues(&src);
    let i = &found[0];
    assert_eq!(i.path, "steps[1]");
    assert!(i.message.contains("fax"), "{i:?}");
    assert_eq!(i.pack, "test.pack");
}

#[test]
fn duplicate_ids() {
    let src = base().replace("id = \"second\"", "id = \"first\"");
    let found = issues(&src);
    find(&found, "steps[1].id", "duplicate id `first`");
}

#[test]
fn duration_without_a_sense_or_with_a_bad_start() {
    let src = base().replace(", sense = \"deadline\"", "");
    find(&issues(&src), "steps[1].duration.sense", "missing sense");
    let src = base().replace(
        "sense = \"deadline\"",
        "sense = \"deadline\", after = [\"zeroth\"], from_fact = \"paid\"",
    );
    let found = issues(&src);
    find(&found, "steps[1].duration.after[0]", "depends_on");
    find(&found, "steps[1].duration.from_fact", "bool fact");
    let src = base().replace("sense = \"deadline\"", "sense = \"soon\"");
    assert!(!issues(&src).is_empty());
}

#[test]
fn unknown_fact_reference() {
    let src = base().replace("when = \"paid &&", "when = \"payed &&");
    let found = issues(&src);
    let i = find(&found, "steps[1].when", "unknown fact `payed`");
    assert!(i.message.contains("paid, who, amount"), "{i:?}");
}

#[test]
fn unknown_dependency() {
    let src = base().replace(
        "depends_on = [\"first\"]",
        "depends_on = [\"first\", \"zeroth\"]",
    );
    let found = issues(&src);
    find(&found, "steps[1].depends_on[1]", "unknown step `zeroth`");
}

#[test]
fn type_error_in_condition() {
    // A money fact compared with a string.
    let src = base().replace(
        "when = \"paid && who == \\\"client\\\"\"",
        "when = \"amount == \\\"lots\\\"\"",
    );
    let found = issues(&src);
    find(
        &found,
        "steps[1].when",
        "type error: `amount` is a money fact",
    );

    // A non-boolean condition.
    let src = base().replace(
        "when = \"paid && who == \\\"client\\\"\"",
        "when = \"amount * 2\"",
    );
    let found = issues(&src);
    find(&found, "steps[1].when", "expected a boolean");

    // A boolean used in arithmetic.
    let src = base().replace("value = \"amount * 0.5\"", "value = \"paid * 0.5\"");
    let found = issues(&src);
    find(&found, "formulas[0].value", "type error");
}

#[test]
fn enum_compared_with_unknown_option() {
    let src = base().replace("who == \\\"client\\\"", "who == \\\"clinet\\\"");
    let found = issues(&src);
    find(
        &found,
        "steps[1].when",
        "not one of its options (client, creator)",
    );
}

#[test]
fn dependency_cycle() {
    let src = base().replace(
        "channel = \"app\"\n",
        "channel = \"app\"\ndepends_on = [\"second\"]\n",
    );
    let found = issues(&src);
    let i = found
        .iter()
        .find(|i| i.message.contains("dependency cycle"))
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert!(
        i.message.contains("first") && i.message.contains("second"),
        "{i:?}"
    );
}

#[test]
fn condition_false_for_every_combination() {
    let src = base().replace(
        "when = \"paid && who == \\\"client\\\"\"",
        "when = \"paid && !paid && who == \\\"client\\\"\"",
    );
    let found = issues(&src);
    find(&found, "steps[1].when", "false for every combination");
}

#[test]
fn a_fact_without_a_privacy_mark_is_named() {
    let src = base().replace("privacy = \"private\"\n", "");
    let found = issues(&src);
    let issue = find(
        &found,
        "facts[2].privacy",
        "fact `amount` has no privacy mark",
    );
    assert!(issue.message.contains("privacy = \"public\""), "{issue}");
    assert_eq!(found.len(), 1, "{found:?}");
    // A wrong value is a shape error naming the fact's element.
    let src = base().replace("privacy = \"private\"", "privacy = \"secret\"");
    let found = issues(&src);
    assert!(
        found.iter().any(|i| i.path.starts_with("facts[2]")),
        "{found:?}"
    );
}

#[test]
fn missing_translation() {
    let src = base().replace(
        "title = { zh = \"第二步\", en = \"Second\" }",
        "title = { zh = \"第二步\" }",
    );
    let found = issues(&src);
    find(&found, "steps[1].title", "missing translation: en");
}

#[test]
fn missing_source() {
    let src = base().replacen(
        &format!("channel = \"app\"\n{SRC}"),
        "channel = \"app\"\n",
        1,
    );
    let found = issues(&src);
    find(&found, "steps[0].source", "missing source");

    let src = base().replace("confidence = \"medium\", ", "");
    let found = issues(&src);
    find(&found, "steps[0].source.confidence", "missing confidence");
}

#[test]
fn disallowed_functions_and_assignments() {
    let src = base().replace("value = \"amount * 0.5\"", "value = \"amount = 3\"");
    let found = issues(&src);
    find(&found, "formulas[0].value", "assignment is not allowed");
}

#[test]
fn all_problems_are_reported_at_once() {
    let src = base()
        .replace("id = \"second\"", "id = \"first\"")
        .replace("when = \"paid &&", "when = \"payed &&")
        .replace(
            "title = { zh = \"第二步\", en = \"Second\" }",
            "title = { zh = \"第二步\" }",
        )
        .replace("max = 3", "max = 0");
    let found = issues(&src);
    assert!(found.len() >= 4, "{found:#?}");
    find(&found, "steps[1].id", "duplicate");
    find(&found, "steps[1].when", "unknown fact");
    find(&found, "steps[1].title", "missing translation");
    find(&found, "steps[1].duration.max", "at least 1");
    // Every issue names the pack.
    assert!(found.iter().all(|i| i.pack == "test.pack"));
}

#[test]
fn shape_errors_in_several_elements_are_all_reported() {
    let src = base()
        .replace("channel = \"pc\"", "channel = \"fax\"")
        .replace("type = \"money\"", "type = \"cash\"");
    let found = issues(&src);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().any(|i| i.path == "facts[2]"));
    assert!(found.iter().any(|i| i.path == "steps[1]"));
}

/// The compiled form of a pack (JSON, what the phone apps read).
fn compiled(src: &str) -> String {
    tuilu_core::rules::compile_pack("test.toml", src).expect("valid pack compiles")
}

#[test]
fn compiled_json_is_the_same_pack() {
    let json = compiled(&base());
    let from_json = Scenario::from_json_str("test.json", &json).unwrap();
    let from_toml = Scenario::from_toml_str("test.toml", &base()).unwrap();
    assert_eq!(
        serde_json::to_value(&from_json.pack).unwrap(),
        serde_json::to_value(&from_toml.pack).unwrap()
    );
    // `from_text` tells the forms apart.
    assert_eq!(Scenario::from_text("x", &json).unwrap().id(), "test.pack");
    assert_eq!(Scenario::from_text("x", &base()).unwrap().id(), "test.pack");
}

#[test]
fn an_invalid_pack_does_not_compile() {
    let src = base().replace("amount * 0.5", "amont * 0.5");
    let e = tuilu_core::rules::compile_pack("test.toml", &src).unwrap_err();
    find(&e.issues, "formulas[0].value", "unknown fact");
}

#[test]
fn unparsable_json_reports_line_and_column() {
    let json = compiled(&base()).replacen("\"platform\": \"test\"", "\"platform\": test", 1);
    let e = Scenario::from_json_str("test.json", &json).unwrap_err();
    assert_eq!(e.issues.len(), 1);
    let i = &e.issues[0];
    assert!(i.message.starts_with("unparsable JSON"), "{i:?}");
    let line = json
        .lines()
        .position(|l| l.contains("\"platform\""))
        .unwrap()
        + 1;
    assert_eq!(i.line, Some(line), "{i:?}");
    assert!(i.column.is_some());
}

#[test]
fn json_shape_errors_in_several_elements_are_all_reported() {
    let json = compiled(&base())
        .replace("\"channel\": \"pc\"", "\"channel\": \"fax\"")
        .replace("\"type\": \"money\"", "\"type\": \"cash\"");
    let e = Scenario::from_json_str("test.json", &json).unwrap_err();
    assert_eq!(e.issues.len(), 2, "{:#?}", e.issues);
    let step = find(&e.issues, "steps[1]", "fax");
    assert!(!step.message.contains(" at line "), "{step:?}");
    find(&e.issues, "facts[2]", "cash");
    assert!(e.issues.iter().all(|i| i.pack == "test.pack"));
}

#[test]
fn blockers_name_real_steps_to_hold_back_and_to_resolve_them() {
    let pre = |blocks: &str, resolved_by: &str| {
        format!(
            "{}\n[[preconditions]]\nid = \"p\"\nblocks_when = \"!paid\"\ntitle = {{ zh = \"未付\", en = \"Unpaid\" }}\nremedy = {{ zh = \"先付\", en = \"Pay\" }}\nblocks = [{blocks}]\nresolved_by = [{resolved_by}]\n{SRC}\n",
            base()
        )
    };
    let ok = issues(&pre("\"second\"", "\"first\""));
    assert!(ok.is_empty(), "{ok:?}");
    let found = issues(&pre("\"nope\"", "\"first\""));
    find(&found, "preconditions[0].blocks[0]", "unknown step `nope`");
    let found = issues(&pre("\"second\"", "\"gone\""));
    find(
        &found,
        "preconditions[0].resolved_by[0]",
        "unknown step `gone`",
    );
    let found = issues(&pre("\"second\"", "\"second\""));
    find(
        &found,
        "preconditions[0].resolved_by[0]",
        "cannot both resolve",
    );
}

/// A letter template appended to the base pack.
fn with_letter(letter: &str) -> String {
    format!(
        "{}\n[[facts]]\nid = \"shop\"\ntype = \"text\"\nprivacy = \"private\"\nprompt = {{ zh = \"店名\", en = \"Shop\" }}\noptional = true\n\n[[letters]]\n{letter}\n",
        base()
    )
}

const LETTER: &str = r#"id = "note"
step = "second"
kind = "request"
title = { zh = "申请", en = "Request" }
recipient = { zh = "{fact:shop}", en = "{fact:shop}" }
paragraphs = [
  { zh = "我于{step:second:submitted}提交，期限{end:second}。", en = "Submitted {step:second:submitted}, due {end:second}." },
  { zh = "金额{fact:amount?}。", en = "Amount {fact:amount?}.", when = "paid" },
]
source = { seed = "003_47d663cf9d72612d.txt", quote = "q", confidence = "medium", last_reviewed = "2026-11-21" }"#;

#[test]
fn a_valid_letter_template_passes() {
    let found = issues(&with_letter(LETTER));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn letter_templates_name_every_bad_placeholder_fact_step_and_missing_source() {
    let src = with_letter(
        &LETTER
            .replace("{fact:shop}\", en", "{fcat:shop}\", en")
            .replace("{fact:amount?}。", "{fact:amout?}。")
            .replace("step = \"second\"", "step = \"third\"")
            .replace("{end:second}。", "{end:first}。")
            .replace("when = \"paid\"", "when = \"unpaid\"")
            .replace(
                "source = { seed = \"003_47d663cf9d72612d.txt\", quote = \"q\", confidence = \"medium\", last_reviewed = \"2026-11-21\" }",
                "",
            ),
    );
    let found = issues(&src);
    find(
        &found,
        "letters[0].recipient.zh",
        "unknown placeholder `{fcat:shop}`",
    );
    find(
        &found,
        "letters[0].paragraphs[1].zh",
        "unknown fact `amout`",
    );
    find(&found, "letters[0].step", "unknown step `third`");
    find(
        &found,
        "letters[0].paragraphs[0].zh",
        "step `first` has no duration",
    );
    find(
        &found,
        "letters[0].paragraphs[1].when",
        "unknown fact `unpaid`",
    );
    find(&found, "letters[0].source", "missing source");
    assert!(found.iter().all(|i| i.pack == "test.pack"));
    // The recipient is always needed: it cannot be optional.
    let src = with_letter(&LETTER.replace(
        "{fact:shop}\", en = \"{fact:shop}",
        "{fact:shop?}\", en = \"{fact:shop?}",
    ));
    find(
        &issues(&src),
        "letters[0].recipient.zh",
        "cannot be optional",
    );
}

#[test]
fn a_rule_cannot_depend_on_an_optional_fact() {
    let src = with_letter(LETTER).replace(
        "when = \"paid && who == \\\"client\\\"\"",
        "when = \"paid && shop == \\\"x\\\"\"",
    );
    find(&issues(&src), "steps[1].when", "`shop` is an optional fact");
}
