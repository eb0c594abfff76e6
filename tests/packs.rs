//! Properties of every bundled pack: it validates, its quotes are verbatim from the seeds,
//! every step is reachable under some facts, and every figure has its quote.

use std::collections::BTreeMap;

use tuilu_core::rules::expr::Expr;
use tuilu_core::rules::pack::FactType;
use tuilu_core::rules::plan::Applicability;
use tuilu_core::{evaluate_plan, load_bundled, FactValue, Facts, Scenario};
use tuilu_tests::fixture;

const SCENARIOS: &[&str] = &[
    "douyin.guild-exit",
    "wechat-channels.fan-group-exit",
    "douyin.fan-group-exit",
    "kuaishou.fan-group-exit",
    "douyin.recharge-refund",
    "douyin.xingtu-task-cancel",
    "kuaishou.live-exit",
];

#[test]
fn every_bundled_pack_validates_and_all_scenarios_exist() {
    let book = load_bundled().unwrap_or_else(|e| panic!("{e}"));
    for id in SCENARIOS {
        assert!(book.get(id).is_some(), "missing scenario {id}");
    }
    assert_eq!(book.scenarios().len(), SCENARIOS.len());
}

/// Every source on every rule, with the path it sits at.
fn sources(s: &Scenario) -> Vec<(String, tuilu_core::rules::pack::Source)> {
    let p = &s.pack;
    let mut out = Vec::new();
    let mut push = |path: String, src: &Option<tuilu_core::rules::pack::Source>| {
        out.push((
            path,
            src.clone().expect("validated: every rule has a source"),
        ));
    };
    for (i, r) in p.preconditions.iter().enumerate() {
        push(format!("preconditions[{i}]"), &r.source);
    }
    for (i, r) in p.steps.iter().enumerate() {
        push(format!("steps[{i}]"), &r.source);
        for (j, a) in r.alternatives.iter().enumerate() {
            push(format!("steps[{i}].alternatives[{j}]"), &a.source);
        }
    }
    for (i, r) in p.warnings.iter().enumerate() {
        push(format!("warnings[{i}]"), &r.source);
    }
    for (i, r) in p.consequences.iter().enumerate() {
        push(format!("consequences[{i}]"), &r.source);
    }
    for (i, r) in p.formulas.iter().enumerate() {
        push(format!("formulas[{i}]"), &r.source);
    }
    // Letter templates keep their source like rules do.
    for (i, l) in p.letters.iter().enumerate() {
        push(format!("letters[{i}]"), &l.source);
    }
    out
}

#[test]
fn every_quote_is_verbatim_from_its_seed() {
    let book = load_bundled().unwrap();
    let mut seeds = BTreeMap::new();
    for s in book.scenarios() {
        for (path, src) in sources(s) {
            let text = seeds.entry(src.seed.clone()).or_insert_with(|| {
                std::fs::read_to_string(fixture(&format!("seeds/{}", src.seed))).unwrap_or_else(
                    |_| panic!("{}: {path}: unknown seed file {}", s.id(), src.seed),
                )
            });
            assert!(
                text.contains(&src.quote),
                "{}: {path}: quote not found verbatim in {}: {}",
                s.id(),
                src.seed,
                src.quote
            );
        }
    }
}

/// Candidate values for a fact when searching for facts that make a condition true.
fn candidates(s: &Scenario, id: &str, literals: &[f64]) -> Vec<FactValue> {
    let def = s.fact(id).unwrap();
    match def.kind {
        FactType::Bool => vec![FactValue::Bool(false), FactValue::Bool(true)],
        FactType::Enum => def
            .options
            .iter()
            .map(|o| FactValue::Enum(o.value.clone()))
            .collect(),
        FactType::Integer => {
            let mut v = vec![0i64, 1];
            for l in literals {
                v.extend([*l as i64 - 1, *l as i64, *l as i64 + 1]);
            }
            v.into_iter()
                .filter(|x| *x >= 0)
                .map(FactValue::Integer)
                .collect()
        }
        FactType::Money => {
            let mut v = vec![0i64, 10000];
            for l in literals {
                let fen = (l * 100.0).round() as i64;
                v.extend([fen - 1, fen, fen + 1]);
            }
            v.into_iter()
                .filter(|x| *x >= 0)
                .map(FactValue::Money)
                .collect()
        }
        _ => vec![],
    }
}

#[test]
fn every_step_is_reachable_under_some_facts() {
    let book = load_bundled().unwrap();
    for s in book.scenarios() {
        for step in &s.pack.steps {
            let Some(when) = &step.when else { continue };
            let expr = Expr::parse(when).unwrap();
            let ids = expr.identifiers().to_vec();
            let lits = expr.numeric_literals();
            let options: Vec<Vec<FactValue>> =
                ids.iter().map(|id| candidates(s, id, &lits)).collect();
            let mut found = false;
            let mut idx = vec![0usize; ids.len()];
            'search: loop {
                let facts: Facts = ids
                    .iter()
                    .zip(&idx)
                    .filter_map(|(id, &k)| {
                        options[ids.iter().position(|x| x == id).unwrap()]
                            .get(k)
                            .map(|v| (id.clone(), v.clone()))
                    })
                    .collect();
                let plan = evaluate_plan(s, &facts).unwrap();
                if plan
                    .step(&step.id)
                    .is_some_and(|p| p.applicability == Applicability::Applies)
                {
                    found = true;
                    break;
                }
                let mut k = 0;
                loop {
                    if k == idx.len() {
                        break 'search;
                    }
                    idx[k] += 1;
                    if idx[k] < options[k].len() {
                        break;
                    }
                    idx[k] = 0;
                    k += 1;
                }
            }
            assert!(found, "{}: step {} is never reachable", s.id(), step.id);
        }
    }
}

/// Figures from seed-rules.md, per scenario: each must appear in a quote of that pack.
const FIGURES: &[(&str, &[&str])] = &[
    (
        "douyin.guild-exit",
        &["1-3个工作日", "3-7", "1-2周", "10天", "一周"],
    ),
    (
        "wechat-channels.fan-group-exit",
        &["72小时", "30秒", "180天", "24小时"],
    ),
    ("douyin.fan-group-exit", &["7天", "50%", "24小时", "45秒"]),
    ("kuaishou.fan-group-exit", &["3个自然日", "60秒", "30天"]),
    ("douyin.recharge-refund", &["3-15个工作日"]),
    (
        "douyin.xingtu-task-cancel",
        &["50%", "24小时", "七天", "三个月"],
    ),
    (
        "kuaishou.live-exit",
        &[
            "7个自然日",
            "30天",
            "15天",
            "45天",
            "50万",
            "百万",
            "20%",
            "40%",
            "三年",
            "90天",
            "1-2年",
            "6个月",
        ],
    ),
];

#[test]
fn every_figure_appears_with_its_quote() {
    let book = load_bundled().unwrap();
    for (id, figures) in FIGURES {
        let s = book.get(id).unwrap();
        let quotes: Vec<String> = sources(s).into_iter().map(|(_, src)| src.quote).collect();
        for f in *figures {
            assert!(
                quotes.iter().any(|q| q.contains(f)),
                "{id}: no quote carries the figure `{f}`"
            );
        }
    }
}

#[test]
fn required_fact_ids_exist_with_their_types() {
    let book = load_bundled().unwrap();
    let want: &[(&str, &str, FactType)] = &[
        ("douyin.xingtu-task-cancel", "cancelled_by", FactType::Enum),
        (
            "douyin.xingtu-task-cancel",
            "video_uploaded",
            FactType::Bool,
        ),
        ("douyin.xingtu-task-cancel", "task_amount", FactType::Money),
        (
            "douyin.guild-exit",
            "has_unsettled_earnings",
            FactType::Bool,
        ),
        ("douyin.guild-exit", "has_violation_record", FactType::Bool),
        ("douyin.guild-exit", "contract_ended", FactType::Bool),
        ("kuaishou.live-exit", "fans", FactType::Integer),
        ("kuaishou.live-exit", "has_mcn_contract", FactType::Bool),
        ("kuaishou.live-exit", "balance", FactType::Money),
    ];
    for (scenario, fact, kind) in want {
        let s = book.get(scenario).unwrap();
        let def = s
            .fact(fact)
            .unwrap_or_else(|| panic!("{scenario}: missing fact {fact}"));
        assert_eq!(def.kind, *kind, "{scenario}.{fact}");
    }
    let xingtu = book.get("douyin.xingtu-task-cancel").unwrap();
    let opts: Vec<&str> = xingtu
        .fact("cancelled_by")
        .unwrap()
        .options
        .iter()
        .map(|o| o.value.as_str())
        .collect();
    assert_eq!(opts, ["client", "creator"]);
}
