//! What the user sees when the vault's folder is wrong or the disk is full, and the modes
//! the vault's files get: one language per run, the system's reason once as a detail line,
//! storage-full said as such, owner-only files whatever the umask, and a restore that never
//! deletes the user's other files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod vault_cli_support;
use vault_cli_support::{json, ok, run, s, NOW, PASS};

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Chinese output has no English words (an OS reason on its detail line aside).
fn assert_chinese_only(text: &str) {
    for line in text
        .lines()
        .filter(|l| !l.trim_start().starts_with("原因："))
    {
        let latin: String = line.chars().filter(|c| c.is_ascii_alphabetic()).collect();
        // Paths may carry Latin letters; a message's own words may not.
        let without_paths: String = line
            .split(['「', '」'])
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, p)| p)
            .collect();
        assert!(
            !without_paths.chars().any(|c| c.is_ascii_alphabetic()) || latin.is_empty(),
            "English in a Chinese line: {line}"
        );
    }
}

#[test]
fn a_file_where_the_vault_should_be_is_said_once_in_one_language() {
    let t = tempfile::tempdir().unwrap();
    let file = t.path().join("notes");
    std::fs::write(&file, "笔记").unwrap();
    for (lang, words) in [
        ("zh", "是一个文件，不是保险库文件夹"),
        ("en", "is a file, not a vault folder"),
    ] {
        for args in [
            &["case", "list"][..],
            &["evidence", "list", "x"][..],
            &["reminders"][..],
        ] {
            let mut a = vec!["--lang", lang];
            a.extend_from_slice(args);
            let out = run(&file, &a);
            assert!(!out.status.success());
            let err = stderr(&out);
            assert_eq!(err.matches(words).count(), 1, "{args:?}: {err}");
            assert!(!err.contains("os error"), "{err}");
            if lang == "zh" {
                assert_chinese_only(&err);
            } else {
                assert!(!err.contains('「') && !err.contains('：'), "{err}");
            }
        }
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "笔记");
}

#[test]
fn no_vault_is_made_in_a_folder_of_other_files_and_restore_deletes_none_of_them() {
    let t = tempfile::tempdir().unwrap();
    // A real vault, backed up into the user's Downloads.
    let vault = t.path().join("vault");
    json(&vault, &["case", "new", "douyin.guild-exit"]);
    let downloads = t.path().join("Downloads");
    std::fs::create_dir_all(downloads.join("照片")).unwrap();
    std::fs::write(downloads.join("个税.pdf"), b"%PDF").unwrap();
    std::fs::write(downloads.join("照片").join("1.jpg"), b"jpg").unwrap();
    let pass = t.path().join("pass");
    std::fs::write(&pass, format!("{PASS}\n")).unwrap();
    let backup = downloads.join("退路备份.tuilu-backup");
    ok(
        &vault,
        &[
            "backup",
            "create",
            "-o",
            s(&backup),
            "--passphrase-file",
            s(&pass),
        ],
    );
    let listing = |d: &Path| {
        let mut v: Vec<String> = walk(d);
        v.sort();
        v
    };
    let before = listing(&downloads);
    // The repro of the issue: --vault pointing at Downloads.
    for extra in [&[][..], &["--replace"][..]] {
        let mut a = vec![
            "backup",
            "restore",
            s(&backup),
            "--passphrase-file",
            s(&pass),
        ];
        a.extend_from_slice(extra);
        let out = run(&downloads, &a);
        assert!(!out.status.success(), "{extra:?}");
        let err = stderr(&out);
        assert!(err.contains("不会删除其中任何文件"), "{err}");
        assert_eq!(listing(&downloads), before);
    }
    // Nor does any other command make a vault there.
    let out = run(&downloads, &["case", "new", "douyin.guild-exit"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("不是退路保险库"), "{}", stderr(&out));
    assert_eq!(listing(&downloads), before);
}

fn walk(d: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(format!(
                "{} {}",
                p.display(),
                std::fs::read(&p).unwrap().len()
            ));
        }
    }
    out
}

#[test]
fn owner_only_modes_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let vault = t.path().join("vault");
    let out = t.path().join("b.tuilu-backup");
    let pass = t.path().join("pass");
    std::fs::write(&pass, format!("{PASS}\n")).unwrap();
    let script = format!(
        "umask 000 && {bin} --vault {v} --now {NOW} case new douyin.guild-exit >/dev/null && \
         {bin} --vault {v} --now {NOW} backup create -o {o} --passphrase-file {p} >/dev/null",
        bin = env!("CARGO_BIN_EXE_tuilu"),
        v = s(&vault),
        o = s(&out),
        p = s(&pass),
    );
    let st = Command::new("sh").arg("-c").arg(&script).status().unwrap();
    assert!(st.success());
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&vault), 0o700);
    assert_eq!(mode(&vault.join("tuilu.sqlite3")), 0o600);
    assert_eq!(mode(&out), 0o600);
}

/// A small tmpfs (needs root; skipped otherwise).
struct Small {
    mnt: PathBuf,
}

impl Small {
    fn mount(root: &Path, size: &str) -> Option<Small> {
        let mnt = root.join("small");
        std::fs::create_dir(&mnt).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&mnt)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Small { mnt })
    }

    /// Fills the disk up to the last byte.
    fn fill(&self) -> PathBuf {
        let filler = self.mnt.join("filler");
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0x5au8; 4096];
        while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
        for _ in 0..4096 {
            if std::io::Write::write_all(&mut f, &[1]).is_err() {
                break;
            }
        }
        let _ = f.sync_all();
        filler
    }
}

impl Drop for Small {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.mnt).status();
    }
}

#[test]
fn a_full_disk_is_said_as_such_and_the_step_stays_as_it_was() {
    let t = tempfile::tempdir().unwrap();
    let Some(small) = Small::mount(t.path(), "4m") else {
        eprintln!("skipped: cannot mount a tmpfs here (not root?)");
        return;
    };
    let vault = small.mnt.join("vault");
    let case = json(&vault, &["case", "new", "douyin.guild-exit"]);
    let id = case["id"].as_str().unwrap().to_string();
    let before = json(&vault, &["case", "show", &id]);
    let filler = small.fill();

    // A transition with no space left: said as storage full, in one language.
    for lang in ["zh", "en"] {
        let out = run(&vault, &["--lang", lang, "step", &id, "1", "done"]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(!err.contains("disk I/O error"), "{err}");
        assert!(!err.contains("Error code"), "{err}");
        if lang == "zh" {
            assert!(err.contains("存储空间不足"), "{err}");
            assert_chinese_only(&err);
        } else {
            assert!(
                err.to_lowercase().contains("not enough storage space"),
                "{err}"
            );
            assert!(!err.contains("存储"), "{err}");
        }
    }
    // A command that only reads works, or says the same; never a bare error code.
    let out = run(&vault, &["case", "list"]);
    let err = stderr(&out);
    assert!(
        out.status.success() || err.contains("存储空间不足"),
        "{err}"
    );
    assert!(!err.contains("Error code"), "{err}");

    // Space again: nothing was half-written.
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(json(&vault, &["case", "show", &id]), before);
    ok(&vault, &["step", &id, "1", "done"]);
}
