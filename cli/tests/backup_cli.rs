//! `tuilu backup`: a round trip through the CLI (cases, evidence, reminders, flags,
//! holiday years come back identical), decryption by an independent age implementation
//! (the Go `age` tool; scripts/test-all.sh installs it) with `tar`, and what the user sees
//! on bad input. The core's tests (core/tests/backup.rs) cover every bad input, the full
//! disk and SIGKILL during restore.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use sha2::{Digest, Sha256};

mod vault_cli_support;
use vault_cli_support::{json, ok, run, s, PASS};

/// Three cases with progress, 100 evidence files, an imported holiday year, a rule flag
/// and a snoozed reminder.
fn make_vault(root: &Path) -> PathBuf {
    let vault = root.join("vault");
    let mut ids = Vec::new();
    for _ in 0..3 {
        let case = json(
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
            ],
        );
        ids.push(case["id"].as_str().unwrap().to_string());
    }
    for (n, id) in ids.iter().enumerate() {
        for step in [
            "check_account_status",
            "backup_data",
            "read_contract_and_negotiate",
        ]
        .iter()
        .take(n + 1)
        {
            ok(
                &vault,
                &[
                    "step",
                    id,
                    step,
                    "done",
                    "--at",
                    "2026-09-30T10:00:00+08:00",
                ],
            );
        }
    }
    ok(
        &vault,
        &[
            "step",
            &ids[2],
            "submit_exit",
            "submit",
            "--at",
            "2026-09-30T17:00:00+08:00",
        ],
    );
    let files = root.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let mut paths = Vec::new();
    for i in 0..100 {
        let p = files.join(format!("截图{i:03}.txt"));
        let body: Vec<u8> = format!("证据 {i} ")
            .bytes()
            .cycle()
            .take(200 + i * 301)
            .collect();
        std::fs::write(&p, body).unwrap();
        paths.push(p);
    }
    for (k, chunk) in paths.chunks(34).enumerate() {
        let mut args = vec!["evidence", "add", ids[k % 3].as_str()];
        args.extend(chunk.iter().map(|p| s(p)));
        ok(&vault, &args);
    }
    let year = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/data/holidays-cn/2026.json"
    );
    ok(&vault, &["calendar", "import", year]);
    ok(
        &vault,
        &[
            "rules",
            "flag",
            "douyin.guild-exit",
            "await_review",
            "--note",
            "规则可能已变",
        ],
    );
    let plan = json(&vault, &["reminders", "--tz", "Asia/Shanghai"]);
    let first = plan[0]["id"]
        .as_str()
        .expect("a reminder to snooze")
        .to_string();
    ok(
        &vault,
        &["reminders", "snooze", &first, "1h", "--tz", "Asia/Shanghai"],
    );
    vault
}

/// Everything a user sees, as JSON.
fn views(vault: &Path) -> Value {
    let home = json(vault, &["case", "list"]);
    let mut per_case = BTreeMap::new();
    for c in home["cases"].as_array().unwrap() {
        let id = c["id"].as_str().unwrap();
        per_case.insert(
            id.to_string(),
            serde_json::json!({
                "show": json(vault, &["case", "show", id]),
                "log": json(vault, &["case", "log", id]),
                "evidence": json(vault, &["evidence", "list", id]),
            }),
        );
    }
    let mut calendar = json(vault, &["calendar", "status"]);
    // The one thing that differs: where the folder is.
    calendar.as_object_mut().unwrap().remove("overrides_dir");
    serde_json::json!({
        "cases": home,
        "per_case": per_case,
        "verify": json(vault, &["evidence", "verify"]),
        "reminders": json(vault, &["reminders", "--tz", "Asia/Shanghai"]),
        "flags": json(vault, &["rules", "flags"]),
        "calendar": calendar,
    })
}

fn pass_file(root: &Path) -> PathBuf {
    let p = root.join("pass.txt");
    std::fs::write(&p, format!("{PASS}\n")).unwrap();
    p
}

fn create(vault: &Path, out: &Path, pass: &Path) -> Output {
    ok(
        vault,
        &[
            "backup",
            "create",
            "-o",
            s(out),
            "--passphrase-file",
            s(pass),
            "--scrypt-work-factor",
            "12",
        ],
    )
}

#[test]
fn round_trip_through_the_cli_restores_everything() {
    let t = tempfile::tempdir().unwrap();
    let vault = make_vault(t.path());
    let before = views(&vault);
    assert_eq!(before["verify"]["intact"], true);
    assert!(!before["reminders"].as_array().unwrap().is_empty());
    let pass = pass_file(t.path());
    let file = t.path().join("备份.tuilu-backup");
    let out = create(&vault, &file, &pass);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("已创建备份") && text.contains("案件 3 个；证据 100 项"),
        "{text}"
    );

    let out = ok(
        &vault,
        &["backup", "inspect", s(&file), "--passphrase-file", s(&pass)],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("校验通过：全部 102 个条目"), "{text}");
    assert!(
        text.contains("导入的节假日年份 1 个") && text.contains("规则标记 1 条"),
        "{text}"
    );
    assert!(text.contains("提醒状态 1 条"), "{text}");

    let restored = t.path().join("new-phone");
    let out = ok(
        &restored,
        &["backup", "restore", s(&file), "--passphrase-file", s(&pass)],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("已恢复保险库") && text.contains("已校验：100 份证据文件"),
        "{text}"
    );
    assert_eq!(views(&restored), before);

    // Over a vault with cases: refused, then replaced with --replace.
    let out = run(
        &vault,
        &["backup", "restore", s(&file), "--passphrase-file", s(&pass)],
    );
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("当前保险库已有内容（3 个案件、100 项证据") && err.contains("--replace"),
        "{err}"
    );
    let out = ok(
        &vault,
        &[
            "backup",
            "restore",
            s(&file),
            "--replace",
            "--passphrase-file",
            s(&pass),
        ],
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("已用备份替换保险库"));
    assert_eq!(views(&vault), before);
}

#[test]
fn the_go_age_tool_and_tar_recover_the_files_without_tuilu() {
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    let case = json(&vault, &["case", "new", "douyin.recharge-refund"]);
    let id = case["id"].as_str().unwrap();
    let photo = t.path().join("付款记录.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n pretend picture").unwrap();
    ok(&vault, &["evidence", "add", id, s(&photo)]);
    let pass = pass_file(t.path());
    let file = t.path().join("b.age");
    create(&vault, &file, &pass);

    // age reads a passphrase from the terminal only: give it one with `script`.
    let tarball = t.path().join("plain.tar");
    let cmd = format!("age -d -o '{}' '{}'", tarball.display(), file.display());
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs the age tool in a terminal");
    std::io::Write::write_all(
        child.stdin.as_mut().unwrap(),
        format!("{PASS}\n").as_bytes(),
    )
    .unwrap();
    let status = child.wait().unwrap();
    assert!(
        status.success() && tarball.exists(),
        "the Go `age` tool could not decrypt the backup (is it installed? scripts/test-all.sh \
         installs the Debian package)"
    );
    let out_dir = t.path().join("extracted");
    std::fs::create_dir(&out_dir).unwrap();
    let st = Command::new("tar")
        .arg("-xf")
        .arg(&tarball)
        .arg("-C")
        .arg(&out_dir)
        .status()
        .unwrap();
    assert!(st.success());

    let manifest: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "tuilu-backup");
    let entries = manifest["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "database and one original");
    for e in entries {
        let bytes = std::fs::read(out_dir.join(e["path"].as_str().unwrap())).unwrap();
        let sha: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sha, e["sha256"].as_str().unwrap(), "{}", e["path"]);
        assert_eq!(bytes.len() as u64, e["size"].as_u64().unwrap());
    }
    let original = &manifest["evidence"][0];
    assert_eq!(original["original_name"], "付款记录.png");
    let sha = original["sha256"].as_str().unwrap();
    let path = out_dir.join(format!("vault/evidence/sha256/{}/{sha}", &sha[..2]));
    assert_eq!(std::fs::read(path).unwrap(), std::fs::read(&photo).unwrap());
    // The extracted folder is a working vault.
    let home = json(&out_dir.join("vault"), &["case", "list"]);
    assert_eq!(home["cases"][0]["id"], id);
}

#[test]
fn errors_are_in_the_users_language_and_the_passphrase_is_never_an_argument() {
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    json(&vault, &["case", "new", "douyin.recharge-refund"]);
    let pass = pass_file(t.path());
    let file = t.path().join("b.age");
    create(&vault, &file, &pass);
    let wrong = t.path().join("wrong.txt");
    std::fs::write(&wrong, "鸭子\n").unwrap();

    let out = run(
        &vault,
        &[
            "backup",
            "inspect",
            s(&file),
            "--passphrase-file",
            s(&wrong),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("口令不对") && !err.contains("wrong passphrase"),
        "{err}"
    );
    let out = run(
        &vault,
        &[
            "--lang",
            "en",
            "backup",
            "inspect",
            s(&file),
            "--passphrase-file",
            s(&wrong),
        ],
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("wrong passphrase") && !err.contains("口令"),
        "{err}"
    );

    let out = run(
        &vault,
        &["backup", "inspect", s(&pass), "--passphrase-file", s(&pass)],
    );
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("这不是退路备份文件"));

    // No terminal and no file: a clear error, not a prompt; no --passphrase flag exists.
    let out = run(&vault, &["backup", "inspect", s(&file)]);
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("--passphrase-file"));
    let out = run(
        &vault,
        &["backup", "inspect", s(&file), "--passphrase", PASS],
    );
    assert!(!out.status.success());
    assert!(!String::from_utf8(out.stderr).unwrap().contains("口令不对"));

    // An existing output is never overwritten.
    let out = run(
        &vault,
        &[
            "backup",
            "create",
            "-o",
            s(&file),
            "--passphrase-file",
            s(&pass),
        ],
    );
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("输出文件已存在"));
}

/// A full disk for real: the vault on a 2 MB tmpfs (needs root; skipped otherwise). The
/// core's tests inject the same failure everywhere.
#[test]
fn a_full_disk_during_restore_leaves_the_vault_as_it_was() {
    let t = tempfile::tempdir().unwrap();
    let mnt = t.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&mnt)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here (not root?)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(mnt.clone());

    // A backup bigger than the disk, made elsewhere.
    let big = t.path().join("big");
    let case = json(&big, &["case", "new", "douyin.recharge-refund"]);
    let f = t.path().join("video.bin");
    let body: Vec<u8> = (0..3_000_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&f, body).unwrap();
    ok(
        &big,
        &["evidence", "add", case["id"].as_str().unwrap(), s(&f)],
    );
    let pass = pass_file(t.path());
    let file = t.path().join("big.age");
    create(&big, &file, &pass);

    let vault = mnt.join("vault");
    json(&vault, &["case", "new", "douyin.guild-exit"]);
    let before = views(&vault);
    let out = run(
        &vault,
        &[
            "backup",
            "restore",
            s(&file),
            "--replace",
            "--passphrase-file",
            s(&pass),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("存储空间不足"), "{err}");
    assert_eq!(views(&vault), before);
    let left: Vec<_> = std::fs::read_dir(&mnt)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

/// The recovery code in `tuilu backup create`'s output: the line of 6 groups of 5 digits.
fn printed_code(stdout: &str) -> String {
    stdout
        .lines()
        .map(str::trim)
        .find(|l| {
            let groups: Vec<&str> = l.split(' ').collect();
            groups.len() == 6
                && groups
                    .iter()
                    .all(|g| g.len() == 5 && g.bytes().all(|b| b.is_ascii_digit()))
        })
        .unwrap_or_else(|| panic!("no recovery code in:\n{stdout}"))
        .to_string()
}

#[test]
fn without_a_passphrase_option_a_recovery_code_is_made_and_printed_once() {
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    json(&vault, &["case", "new", "douyin.recharge-refund"]);
    let file = t.path().join("b.tuilu-backup");
    let out = ok(
        &vault,
        &[
            "backup",
            "create",
            "-o",
            s(&file),
            "--scrypt-work-factor",
            "12",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let code = printed_code(&text);
    assert!(
        text.contains("恢复码") && text.contains("写在纸上") && !text.contains("recovery"),
        "{text}"
    );
    // Typed without the spaces, or with dashes: it opens the backup.
    for typed in [code.replace(' ', ""), code.replace(' ', "-")] {
        let f = t.path().join("code.txt");
        std::fs::write(&f, format!("{typed}\n")).unwrap();
        let out = ok(
            &vault,
            &["backup", "inspect", s(&file), "--passphrase-file", s(&f)],
        );
        assert!(String::from_utf8(out.stdout).unwrap().contains("校验通过"));
    }
    // In English, and in JSON (the code is in the output, once).
    let file2 = t.path().join("c.tuilu-backup");
    let out = ok(
        &vault,
        &[
            "--lang",
            "en",
            "backup",
            "create",
            "-o",
            s(&file2),
            "--scrypt-work-factor",
            "12",
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_ne!(printed_code(&text), code);
    assert!(
        text.contains("recovery code") && !text.contains("恢复码"),
        "{text}"
    );
    let file3 = t.path().join("d.tuilu-backup");
    let v = json(
        &vault,
        &[
            "backup",
            "create",
            "-o",
            s(&file3),
            "--scrypt-work-factor",
            "12",
        ],
    );
    assert_eq!(v["recovery_code"].as_str().unwrap().len(), 35, "{v}");
    // A chosen passphrase still works from a file; --ask-passphrase needs a terminal.
    let pass = pass_file(t.path());
    let out = run(
        &vault,
        &[
            "backup",
            "create",
            "-o",
            s(&t.path().join("e")),
            "--ask-passphrase",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("--passphrase-file"));
    let out = create(&vault, &t.path().join("f"), &pass);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("恢复码") && text.contains("口令分开保存"),
        "{text}"
    );
}

#[test]
fn the_work_factor_flag_is_bounded_and_never_panics() {
    // It accepted 1 and panicked with a backtrace on 0 and 64 (issue 23). The flag exists
    // in debug builds only; the release CLI has none.
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    json(&vault, &["case", "new", "douyin.recharge-refund"]);
    let pass = pass_file(t.path());
    for n in ["0", "1", "9", "20", "64", "x"] {
        let file = t.path().join(format!("b{n}"));
        let out = run(
            &vault,
            &[
                "backup",
                "create",
                "-o",
                s(&file),
                "--passphrase-file",
                s(&pass),
                "--scrypt-work-factor",
                n,
            ],
        );
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{n}: {err}");
        assert!(
            err.contains("10–19") && !err.contains("panicked"),
            "{n}: {err}"
        );
        assert!(!file.exists());
    }
}

#[test]
fn an_armoured_file_from_the_go_age_tool_opens() {
    // `age -a -p` (the Go tool, scrypt 2^18) around a backup's tar stream: read, not
    // "这不是退路备份文件" (issue 23).
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    json(&vault, &["case", "new", "douyin.recharge-refund"]);
    let pass = pass_file(t.path());
    let file = t.path().join("b.age");
    create(&vault, &file, &pass);
    let tarball = t.path().join("plain.tar");
    let armoured = t.path().join("armoured.age");
    for (cmd, input) in [
        (
            format!("age -d -o '{}' '{}'", tarball.display(), file.display()),
            format!("{PASS}\n"),
        ),
        (
            format!(
                "age -a -p -o '{}' '{}'",
                armoured.display(),
                tarball.display()
            ),
            format!("{PASS}\n{PASS}\n"),
        ),
    ] {
        let mut child = Command::new("script")
            .args(["-qec", &cmd, "/dev/null"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("`script` (util-linux) runs the age tool in a terminal");
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), input.as_bytes()).unwrap();
        assert!(child.wait().unwrap().success(), "{cmd}");
    }
    let text = std::fs::read_to_string(&armoured).unwrap();
    assert!(text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    let out = ok(
        &vault,
        &[
            "backup",
            "inspect",
            s(&armoured),
            "--passphrase-file",
            s(&pass),
        ],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("校验通过"), "{text}");
}
