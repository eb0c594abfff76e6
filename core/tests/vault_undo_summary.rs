//! What undo would revert, per step, read without replaying the journal
//! (`Vault::undo_candidates`, the case view's source): it is always what a replay of the
//! whole journal gives, through chains of actions and undos, and the case view offers
//! the same undo as before.

use std::collections::{BTreeMap, BTreeSet};

use tuilu_core::app::App;
use tuilu_core::vault::{StepAction, Vault};
use tuilu_core::Lang;

mod app_support;
use app_support::{ctx, guild_answers, t};

const NOW: &str = "2026-10-09T08:00:00Z";

/// Per step, the latest transition no undo reverted, from the whole journal.
fn replayed(vault: &Vault, case: &str) -> BTreeMap<String, i64> {
    let journal = vault.journal(case).unwrap();
    let undone: BTreeSet<i64> = journal.iter().filter_map(|e| e.undoes).collect();
    let mut out = BTreeMap::new();
    for e in journal
        .iter()
        .filter(|e| e.kind == "transition" && !undone.contains(&e.seq))
    {
        out.insert(e.step.clone().unwrap(), e.seq);
    }
    out
}

fn summary(vault: &Vault, case: &str) -> BTreeMap<String, i64> {
    vault
        .undo_candidates(case)
        .unwrap()
        .into_iter()
        .map(|e| (e.step.unwrap(), e.seq))
        .collect()
}

#[test]
fn undo_candidates_match_a_replay_of_the_journal_through_chains_of_undos() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("vault");
    let app = App::open(&root).unwrap();
    let c = ctx(Lang::Zh, NOW);
    let case = app
        .create_case(&c, "douyin.guild-exit", &guild_answers())
        .unwrap()
        .id;
    let vault = Vault::open(&root, t(NOW)).unwrap();
    let (a, b) = ("check_account_status", "backup_data");
    let steps: &[(&str, StepAction)] = &[
        (a, StepAction::Start),
        (a, StepAction::Done),
        (b, StepAction::Start),
        (a, StepAction::Undo), // a: back to in progress, its START undoable again
        (a, StepAction::Undo), // a: nothing left to undo
        (a, StepAction::Start),
        (a, StepAction::Undo),
        (a, StepAction::Start),
        (a, StepAction::Skip),
        (a, StepAction::Undo),
        (b, StepAction::Undo),
        (b, StepAction::Start),
    ];
    for (i, (step, action)) in steps.iter().enumerate() {
        app.step_action(&c, &case, step, *action, None, None, None)
            .unwrap_or_else(|e| panic!("{i}: {e:?}"));
        assert_eq!(summary(&vault, &case), replayed(&vault, &case), "after {i}");
    }
    // What the case view offers: undo the START of b, then a's START.
    let screen = app.case_screen(&c, &case).unwrap();
    assert_eq!(screen.undo.unwrap().step, b);
    app.undo_last(&c, &case).unwrap();
    assert_eq!(summary(&vault, &case), replayed(&vault, &case));
}
