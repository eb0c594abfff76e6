//! The README's walkthrough, end to end on a fresh vault: a case, its steps, a deadline
//! over the National Day break, evidence, reminders, the calendar export and a dispute
//! bundle that verifies.

use std::path::Path;
use std::process::{Command, Output};

fn tuilu(vault: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_tuilu"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tuilu {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_readme_walkthrough_works() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let now = "2026-09-30T17:30:00+08:00";

    let case = json(&tuilu(
        &vault,
        &[
            "case",
            "new",
            "douyin.guild-exit",
            "--fact",
            "has_unsettled_earnings=false",
            "--fact",
            "has_violation_record=false",
            "--fact",
            "contract_ended=true",
            "--json",
            "--now",
            now,
        ],
    ));
    let id = case["id"].as_str().unwrap().to_string();
    for step in [
        "check_account_status",
        "backup_data",
        "read_contract_and_negotiate",
    ] {
        tuilu(
            &vault,
            &[
                "step",
                &id,
                step,
                "done",
                "--at",
                "2026-09-30T10:00:00+08:00",
                "--now",
                now,
            ],
        );
    }
    let submitted = json(&tuilu(
        &vault,
        &[
            "step",
            &id,
            "submit_exit",
            "submit",
            "--at",
            "2026-09-30T17:00:00+08:00",
            "--now",
            now,
            "--json",
        ],
    ));
    assert_eq!(submitted["deadline"]["latest_date"], "2026-10-10");

    let shot = dir.path().join("screenshot.png");
    std::fs::write(&shot, b"\x89PNG\r\n\x1a\nnot really a picture").unwrap();
    let added = json(&tuilu(
        &vault,
        &[
            "evidence",
            "add",
            &id,
            "--step",
            "submit_exit",
            shot.to_str().unwrap(),
            "--json",
            "--now",
            now,
        ],
    ));
    assert_eq!(added[0]["sha256"].as_str().unwrap().len(), 64);

    let reminders = json(&tuilu(
        &vault,
        &["reminders", "--tz", "Europe/Berlin", "--json", "--now", now],
    ));
    let kinds: Vec<&str> = reminders
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"before_deadline") && kinds.contains(&"at_deadline"),
        "{kinds:?}"
    );

    let ics = dir.path().join("deadlines.ics");
    tuilu(
        &vault,
        &[
            "calendar",
            "export",
            "-o",
            ics.to_str().unwrap(),
            "--now",
            now,
        ],
    );
    let text = std::fs::read_to_string(&ics).unwrap();
    assert!(
        text.contains("BEGIN:VEVENT") && text.contains("DTEND:20261010T155959Z"),
        "{text}"
    );

    let bundle = dir.path().join("dispute.zip");
    tuilu(
        &vault,
        &[
            "evidence",
            "export",
            &id,
            "-o",
            bundle.to_str().unwrap(),
            "--now",
            now,
        ],
    );
    tuilu(
        &vault,
        &["evidence", "verify-bundle", bundle.to_str().unwrap()],
    );
    tuilu(&vault, &["evidence", "verify", &id]);
}
