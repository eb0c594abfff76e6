//! `tuilu evidence export`: says what the bundle will hold before writing it, leaves the
//! private facts and notes out unless `--include-private`, writes the bundle 0600 whatever
//! the umask, and on a full disk fails in one language with no library message and no
//! file left.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn tuilu(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuilu"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .output()
        .unwrap()
}

/// Like [`tuilu`], under `umask 000` (every permission bit a file asks for is granted).
fn tuilu_umask0(vault: &Path, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg("umask 000; exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_tuilu"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// A Kuaishou live exit with a balance, fans, a step note with a phone number and a
/// noted evidence item.
fn private_case(dir: &Path) -> (PathBuf, String) {
    let vault = dir.join("vault");
    let out = ok(tuilu(
        &vault,
        &[
            "case",
            "new",
            "kuaishou.live-exit",
            "--json",
            "--fact",
            "exit_mode=deregister",
            "--fact",
            "fans=600000",
            "--fact",
            "balance=8888.88",
            "--fact",
            "mcn_name=星光传媒有限公司",
        ],
    ));
    let case: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = case["id"].as_str().unwrap().to_string();
    ok(tuilu(
        &vault,
        &[
            "step",
            &id,
            "record_process",
            "start",
            "--note",
            "MCN 联系人电话 13800138000",
        ],
    ));
    let shot = dir.join("后台.png");
    std::fs::write(&shot, b"\x89PNG\r\n\x1a\n dashboard").unwrap();
    ok(tuilu(
        &vault,
        &[
            "evidence",
            "add",
            &id,
            "--step",
            "record_process",
            "--note",
            "后台截图私人备注",
            shot.to_str().unwrap(),
        ],
    ));
    (vault, id)
}

const PRIVATE: &[&str] = &["8888.88", "600000", "13800138000", "后台截图私人备注"];

/// The zip's entries, names and decompressed bytes, as one searchable text.
fn zip_text(zip: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut all = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        all.push_str(&f.name().unwrap());
        all.push('\n');
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        all.push_str(&String::from_utf8_lossy(&bytes));
        all.push('\n');
    }
    all
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn export_says_what_it_holds_leaves_private_out_and_writes_0600() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, id) = private_case(dir.path());

    // --dry-run: the preview, no file.
    let said = ok(tuilu(&vault, &["evidence", "export", &id, "--dry-run"]));
    assert!(said.contains("证据包将包含 1 份证据文件"), "{said}");
    assert!(
        said.contains("MCN机构的名称（合同上的全称）：星光传媒有限公司"),
        "{said}"
    );
    assert!(said.contains("不放入的隐私事实（只列问题）："), "{said}");
    assert!(said.contains("你现在有多少粉丝？"), "{said}");
    assert!(
        said.contains("不放入的备注：步骤「全程录屏并保存客服记录」、证据「后台.png」"),
        "{said}"
    );
    assert!(said.contains("--include-private"), "{said}");
    for p in PRIVATE {
        assert!(!said.contains(p), "{p} in the preview: {said}");
    }

    // The default bundle, under a permissive umask.
    let bundle = dir.path().join("dispute.zip");
    let said = ok(tuilu_umask0(
        &vault,
        &["evidence", "export", &id, "-o", bundle.to_str().unwrap()],
    ));
    assert!(
        said.contains("不放入的隐私事实"),
        "the preview comes with the export: {said}"
    );
    assert!(said.contains("已导出"), "{said}");
    #[cfg(unix)]
    assert_eq!(mode(&bundle), 0o600, "the bundle holds personal data");
    let text = zip_text(&bundle);
    for p in PRIVATE {
        assert!(!text.contains(p), "{p} is in the default bundle");
    }
    assert!(text.contains("星光传媒有限公司"));
    let checked = ok(tuilu(
        &vault,
        &["evidence", "verify-bundle", bundle.to_str().unwrap()],
    ));
    assert!(checked.contains("✓ 证据包完好"), "{checked}");
    assert!(checked.contains("其中 1 条隐去了用户的备注"), "{checked}");

    // With the opt-in: everything, still 0600 and intact.
    let full = dir.path().join("dispute-full.zip");
    let said = ok(tuilu_umask0(
        &vault,
        &[
            "--lang",
            "en",
            "evidence",
            "export",
            &id,
            "-o",
            full.to_str().unwrap(),
            "--include-private",
        ],
    ));
    assert!(
        said.contains("How many fans do you have?: 600000"),
        "{said}"
    );
    assert!(!said.contains("left out"), "{said}");
    #[cfg(unix)]
    assert_eq!(mode(&full), 0o600);
    let text = zip_text(&full);
    for p in PRIVATE {
        assert!(text.contains(p), "{p} is missing from the full bundle");
    }
    ok(tuilu(
        &vault,
        &["evidence", "verify-bundle", full.to_str().unwrap()],
    ));
}

#[test]
fn a_full_disk_fails_in_one_language_with_no_library_message_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, id) = private_case(dir.path());
    let bundle = dir.path().join("full.zip");
    for (lang, said, not_said) in [
        ("zh", "错误：存储空间不足", "storage space"),
        ("en", "error: Not enough storage space", "存储"),
    ] {
        // Full at the start, inside the first file, and late (the index and sums).
        for after in ["0", "100", "3000", "9000"] {
            let o = tuilu(
                &vault,
                &[
                    "--lang",
                    lang,
                    "evidence",
                    "export",
                    &id,
                    "-o",
                    bundle.to_str().unwrap(),
                    "--fail-writes-after",
                    after,
                ],
            );
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(!o.status.success(), "{after}: {stderr}");
            assert!(stderr.contains(said), "{lang} {after}: {stderr}");
            assert!(
                !stderr.contains(not_said),
                "{lang} {after}: one language: {stderr}"
            );
            assert!(!stderr.contains("ZipWriter"), "{after}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{after}: {stderr}");
            assert!(!bundle.exists());
            let left: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(".part"))
                .collect();
            assert!(left.is_empty(), "{left:?}");
        }
    }
    // The same export with room succeeds.
    ok(tuilu(
        &vault,
        &["evidence", "export", &id, "-o", bundle.to_str().unwrap()],
    ));
}
