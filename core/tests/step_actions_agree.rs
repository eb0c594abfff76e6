//! Which actions a step allows is decided once, in the vault (`vault::refusal`), and the
//! case view asks it (issue 28): for every step of every bundled scenario, at every point
//! of a walk through its checklist, an action the checklist offers is accepted by the
//! vault, and one it does not offer is refused. A button never leads to a refusal, and the
//! command line cannot do what the phones would not offer.

mod app_support;

use app_support::ctx;
use tuilu_core::app::{App, AppError, TransitionHint};
use tuilu_core::vault::StepAction;
use tuilu_core::Lang;

const FORWARD: [StepAction; 5] = [
    StepAction::Start,
    StepAction::Submit,
    StepAction::Done,
    StepAction::Skip,
    StepAction::Block,
];

/// Every (step, action) of the case now: offered by the checklist, and whether the vault
/// accepts it (tried, then undone).
fn offered_and_accepted(app: &App, case: &str, now: &str) -> Vec<(String, StepAction, bool, bool)> {
    let c = ctx(Lang::Zh, now);
    let screen = app.case_screen(&c, case).unwrap();
    let mut out = Vec::new();
    for row in &screen.steps {
        for a in FORWARD {
            let offered = row.actions.iter().any(|v| v.action == a);
            let accepted = match app.step_action(&c, case, &row.id, a, None, None, None) {
                Ok(_) => {
                    app.step_action(&c, case, &row.id, StepAction::Undo, None, None, None)
                        .unwrap_or_else(|e| panic!("undo of {a:?} on {}: {e:?}", row.id));
                    true
                }
                Err(_) => false,
            };
            out.push((row.id.clone(), a, offered, accepted));
        }
    }
    out
}

#[test]
fn the_checklist_offers_exactly_what_the_vault_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let now = "2026-12-07T02:00:00Z";
    let c = ctx(Lang::Zh, now);
    let scenarios: Vec<String> = app
        .scenario_picker(&c)
        .unwrap()
        .groups
        .iter()
        .flat_map(|g| g.scenarios.iter().map(|s| s.id.clone()))
        .collect();
    assert!(scenarios.len() >= 5, "{scenarios:?}");
    let mut checked = 0;
    for scenario in &scenarios {
        let case = app.create_case(&c, scenario, &[]).unwrap().id;
        // Walk: at each point compare every step and action, then take the first action
        // that moves the checklist on (done, else submit, else start).
        for _ in 0..12 {
            for (step, a, offered, accepted) in offered_and_accepted(&app, &case, now) {
                assert_eq!(
                    offered, accepted,
                    "{scenario} {step} {a:?}: offered {offered}, accepted {accepted}"
                );
                checked += 1;
            }
            let screen = app.case_screen(&c, &case).unwrap();
            let next = [StepAction::Done, StepAction::Submit, StepAction::Start]
                .into_iter()
                .find_map(|a| {
                    screen
                        .steps
                        .iter()
                        .find(|r| r.actions.iter().any(|v| v.action == a))
                        .map(|r| (r.id.clone(), a))
                });
            let Some((step, a)) = next else { break };
            app.step_action(&c, &case, &step, a, None, None, None)
                .unwrap();
        }
    }
    assert!(checked > 500, "{checked}");
}

/// What the checklist hides, the vault refuses with words that say why, not only the status.
#[test]
fn a_wait_has_nothing_to_start_and_an_action_without_a_clock_nothing_to_submit() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(dir.path()).unwrap();
    let now = "2026-12-07T02:00:00Z";
    let c = ctx(Lang::Zh, now);
    let case = app.create_case(&c, "douyin.guild-exit", &[]).unwrap().id;
    // Step 1 is an action with no answer to wait for.
    let first = app.case_screen(&c, &case).unwrap().steps[0].id.clone();
    let e = app
        .step_action(&c, &case, &first, StepAction::Submit, None, None, None)
        .unwrap_err();
    assert!(
        matches!(
            e,
            AppError::InvalidTransition {
                hint: Some(TransitionHint::NoAnswerToAwait),
                ..
            }
        ),
        "{e:?}"
    );
    let words = e.message(Lang::Zh);
    assert!(
        words.contains("没有需要等待的答复") && words.contains("已完成"),
        "{words}"
    );
    assert!(
        !e.message(Lang::En).contains('：'),
        "{}",
        e.message(Lang::En)
    );
}
