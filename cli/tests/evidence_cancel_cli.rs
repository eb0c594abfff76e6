//! Ctrl-C during a long evidence import cancels it cleanly: non-zero exit, a clear message,
//! no row, no file left in the vault.

use std::process::{Command, Stdio};
use std::time::Duration;

fn tuilu(vault: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tuilu"));
    c.arg("--vault").arg(vault);
    c
}

#[test]
fn interrupt_cancels_an_import_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let out = tuilu(&vault)
        .args(["case", "new", "douyin.xingtu-task-cancel", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let case: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let case_id = case["id"].as_str().unwrap().to_string();

    // A sparse 4 GiB file: reading it is cheap, hashing and copying it takes seconds.
    let big = dir.path().join("recording.mp4");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(4 << 30).unwrap();
    drop(f);

    let child = tuilu(&vault)
        .args(["evidence", "add", &case_id])
        .arg(&big)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the import should have been cancelled"
    );
    // Said in the run's language (Chinese by default) by the core.
    assert!(stderr.contains("已取消"), "{stderr}");

    // Nothing stored: no item, no temporary or content file.
    let list = tuilu(&vault)
        .args(["evidence", "list", &case_id, "--json"])
        .output()
        .unwrap();
    let items: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 0);
    let leftovers: Vec<_> = walk(&vault.join("evidence"))
        .into_iter()
        .filter(|p| !p.ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
