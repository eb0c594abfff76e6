//! Golden plans: for each scenario and several fact combinations, a compact summary of
//! the plan (steps in order with alternatives and durations, blockers, warnings,
//! consequences, amounts, open questions) compared with `tests/golden/plans/<id>.txt`.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p tuilu-tests --test golden_plans` and
//! review the diff: each change is a change in what users are told to do.

use std::fmt::Write;

use tuilu_core::rules::pack::{DurationDef, DurationUnit, FactType};
use tuilu_core::rules::plan::{Applicability, Plan};
use tuilu_core::{evaluate_plan, load_bundled, FactValue, Facts, Scenario};
use tuilu_tests::assert_golden;

/// Hand-picked combinations per scenario, on top of the generic ones.
const SPECIFIC: &[(&str, &[(&str, &str)])] = &[
    (
        "douyin.xingtu-task-cancel",
        &[
            ("cancelled_by", "client"),
            ("video_uploaded", "true"),
            ("task_amount", "3000"),
        ],
    ),
    (
        "douyin.xingtu-task-cancel",
        &[
            ("cancelled_by", "client"),
            ("video_uploaded", "false"),
            ("task_amount", "3000"),
        ],
    ),
    (
        "douyin.xingtu-task-cancel",
        &[
            ("cancelled_by", "creator"),
            ("video_uploaded", "true"),
            ("task_amount", "3000"),
        ],
    ),
    ("douyin.xingtu-task-cancel", &[("task_accepted", "false")]),
    ("douyin.xingtu-task-cancel", &[("task_type", "quanmin")]),
    (
        "douyin.xingtu-task-cancel",
        &[("offsite_ad_violations", "2")],
    ),
    (
        "douyin.xingtu-task-cancel",
        &[("offsite_ad_violations", "4")],
    ),
    (
        "douyin.xingtu-task-cancel",
        &[("offsite_ad_violations", "9")],
    ),
    (
        "douyin.xingtu-task-cancel",
        &[
            ("cancelled_by", "client"),
            ("video_uploaded", "true"),
            ("task_amount", "8000"),
        ],
    ),
    (
        "douyin.guild-exit",
        &[
            ("has_unsettled_earnings", "false"),
            ("has_violation_record", "false"),
            ("contract_ended", "true"),
        ],
    ),
    (
        "douyin.guild-exit",
        &[
            ("has_unsettled_earnings", "true"),
            ("has_violation_record", "true"),
            ("contract_ended", "false"),
        ],
    ),
    (
        "kuaishou.live-exit",
        &[
            ("fans", "1200000"),
            ("has_mcn_contract", "true"),
            ("balance", "20000"),
        ],
    ),
    (
        "kuaishou.live-exit",
        &[
            ("fans", "3000"),
            ("has_mcn_contract", "false"),
            ("balance", "150.5"),
        ],
    ),
];

fn unit(u: DurationUnit) -> &'static str {
    match u {
        DurationUnit::WorkingDays => "working days",
        DurationUnit::NaturalDays => "natural days",
        DurationUnit::Hours => "hours",
    }
}

fn dur(d: &Option<DurationDef>) -> String {
    match d {
        Some(d) if d.min == d.max => format!(" ({} {})", d.max, unit(d.unit)),
        Some(d) => format!(" ({}-{} {})", d.min, d.max, unit(d.unit)),
        None => String::new(),
    }
}

fn open(a: Applicability, facts: &[String]) -> String {
    match a {
        Applicability::Applies => String::new(),
        Applicability::Undetermined => format!(" ?[{}]", facts.join(",")),
    }
}

fn summary(p: &Plan) -> String {
    let mut out = String::new();
    for s in &p.steps {
        let alts: Vec<String> = s
            .alternatives
            .iter()
            .map(|a| format!("{}{}", a.id, dur(&a.duration)))
            .collect();
        let _ = write!(
            out,
            "  {}. {}{}{}",
            s.number,
            s.id,
            dur(&s.duration),
            open(s.applicability, &s.open_facts)
        );
        if !alts.is_empty() {
            let _ = write!(out, " | or {}", alts.join(" | or "));
        }
        if !s.depends_on.is_empty() {
            let _ = write!(out, " <- {}", s.depends_on.join(","));
        }
        out.push('\n');
    }
    let list = |name: &str, items: Vec<String>| {
        if items.is_empty() {
            format!("  {name}: -\n")
        } else {
            format!("  {name}: {}\n", items.join("; "))
        }
    };
    out += &list(
        "blockers",
        p.blockers
            .iter()
            .map(|b| format!("{}{}", b.id, open(b.applicability, &b.open_facts)))
            .collect(),
    );
    out += &list(
        "warnings",
        p.warnings
            .iter()
            .map(|b| format!("{}{}", b.id, open(b.applicability, &b.open_facts)))
            .collect(),
    );
    out += &list(
        "consequences",
        p.consequences
            .iter()
            .map(|b| format!("{}{}", b.id, open(b.applicability, &b.open_facts)))
            .collect(),
    );
    out += &list(
        "amounts",
        p.amounts
            .iter()
            .map(|a| match a.value {
                Some(v) => format!("{}={v:.2} {}", a.id, a.currency),
                None => format!("{}=? [{}]", a.id, a.open_facts.join(",")),
            })
            .collect(),
    );
    out += &list("missing", p.missing_facts.clone());
    out
}

/// Generic combinations: nothing answered; "everything yes / big"; "everything no / small".
fn generic(s: &Scenario) -> Vec<(String, Facts)> {
    let mut yes = Facts::new();
    let mut no = Facts::new();
    // Optional facts are for letters only: they never change a plan.
    for f in s.pack.facts.iter().filter(|f| !f.optional) {
        let (y, n) = match f.kind {
            FactType::Bool => (FactValue::Bool(true), FactValue::Bool(false)),
            FactType::Enum => (
                FactValue::Enum(f.options.first().unwrap().value.clone()),
                FactValue::Enum(f.options.last().unwrap().value.clone()),
            ),
            FactType::Integer => (FactValue::Integer(2_000_000), FactValue::Integer(0)),
            FactType::Money => (FactValue::Money(1_000_000), FactValue::Money(0)),
            _ => continue,
        };
        yes.insert(f.id.clone(), y);
        no.insert(f.id.clone(), n);
    }
    vec![
        ("(none)".into(), Facts::new()),
        ("all yes/first/large".into(), yes),
        ("all no/last/zero".into(), no),
    ]
}

fn label(facts: &Facts) -> String {
    facts
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn golden_plans_per_scenario() {
    let book = load_bundled().unwrap();
    for s in book.scenarios() {
        let mut out = format!("# {} v{} — golden plan summaries\n", s.id(), s.pack.version);
        let mut combos = generic(s);
        for (id, pairs) in SPECIFIC.iter().filter(|(id, _)| *id == s.id()) {
            let _ = id;
            let facts = s.parse_fact_pairs(pairs.iter().copied()).unwrap();
            combos.push((label(&facts), facts));
        }
        for (name, facts) in combos {
            let p = evaluate_plan(s, &facts).unwrap();
            let _ = write!(out, "\n## {name}\n");
            if name.contains('/') {
                let _ = writeln!(out, "facts: {}", label(&facts));
            }
            out += &summary(&p);
        }
        assert_golden(&format!("plans/{}.txt", s.id()), &out);
    }
}
