//! Writes `tests/fixtures/vault-v<N>.sqlite3`: a vault at the current schema version N with
//! known content, for the migration tests of later versions.
//!
//! Run once per schema version, *before* the next migration is added, and commit the file:
//!
//! ```sh
//! cargo run -p tuilu-core --example make_vault_fixture -- tests/fixtures
//! ```
//!
//! The content (checked by `core/tests/vault_migrations.rs`) uses the test-only pack
//! `tests/fixtures/packs/vault-demo-1.0.0.toml` and fixed times:
//! - case "progress": has_contract=true; backup done; notice submitted by the e-mail route
//!   with a note; contract_return submitted, then dropped (has_contract=false); one undo;
//! - case "blocked": debt_cleared=false (the `unpaid_debt` blocker applies);
//! - case "archived": archived, no progress.

use std::path::{Path, PathBuf};

use chrono::{Duration, TimeZone, Utc};
use tuilu_core::rules::{load_pack_file, Facts};
use tuilu_core::vault::{self, StepAction as A, TransitionOptions, Vault};
use tuilu_core::FactValue;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: make_vault_fixture OUT_DIR")?,
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let scenario = load_pack_file(&root.join("tests/fixtures/packs/vault-demo-1.0.0.toml"))?;
    let version = vault::supported_version();
    let target = out_dir.join(format!("vault-v{version}.sqlite3"));
    if target.exists() {
        return Err(format!(
            "{} exists; fixtures are never regenerated",
            target.display()
        )
        .into());
    }
    let work = tempfile_dir()?;
    let t = Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap();
    let v = Vault::open(&work, t)?;
    let fact = |k: &str, b: bool| -> Facts { [(k.to_string(), FactValue::Bool(b))].into() };
    let opts = |minutes: i64, note: Option<&str>, route: Option<&str>| TransitionOptions {
        at: Some(t + Duration::minutes(minutes)),
        note: note.map(str::to_string),
        route: route.map(str::to_string),
    };
    let now = t + Duration::hours(1);

    let progress = v.create_case(&scenario, &fact("has_contract", true), t)?.id;
    v.transition(&progress, "backup", A::Done, &opts(1, None, None), now)?;
    v.transition(&progress, "notice", A::Start, &opts(2, None, None), now)?;
    v.transition(&progress, "notice", A::Undo, &opts(3, None, None), now)?;
    v.transition(
        &progress,
        "notice",
        A::Submit,
        &opts(4, Some("邮件已发送 / e-mail sent"), Some("notice_email")),
        now,
    )?;
    v.transition(
        &progress,
        "contract_return",
        A::Submit,
        &opts(5, None, None),
        now,
    )?;
    v.set_facts(&progress, &scenario, &fact("has_contract", false), &[], now)?;

    v.create_case(&scenario, &fact("debt_cleared", false), t)?;
    let archived = v.create_case(&scenario, &Facts::new(), t)?.id;
    v.set_archived(&archived, true, now)?;

    // Version 2 and later: one evidence item on the "progress" case (its file is not part
    // of the fixture: opening the copy reports it missing, which is expected) and one
    // snoozed reminder.
    v.with_connection_mut(|conn| {
        let mut item = tuilu_core::evidence::NewItem::import(progress.clone());
        item.step_id = Some("notice".into());
        item.note = "解约通知截图 / screenshot of the notice".into();
        tuilu_core::evidence::EvidenceStore::new(conn, &work).add_bytes(
            &item,
            "notice.png",
            b"fixture evidence bytes",
            &tuilu_core::evidence::NoProgress,
            &tuilu_core::evidence::CancelFlag::new(),
            now,
        )?;
        conn.execute(
            "INSERT INTO reminder_state (reminder_id, revision, snoozed_until, updated_at)
             VALUES ('0123456789ab', 'rev1', '2026-11-20T05:00:00.000Z', '2026-11-20T03:00:00.000Z')",
            [],
        )?;
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    // Version 3 and later: one rule flagged as outdated.
    v.flag_rule(
        &scenario,
        "backup",
        "步骤说明过时 / the instructions look outdated",
        now,
    )?;
    v.with_connection(|c| {
        c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        Ok(())
    })?;
    drop(v);
    std::fs::copy(work.join(vault::DB_FILE), &target)?;
    std::fs::remove_dir_all(&work)?;
    println!("wrote {}", target.display());
    Ok(())
}

fn tempfile_dir() -> std::io::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("tuilu-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
