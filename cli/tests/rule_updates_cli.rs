//! `tuilu rules keygen|release|verify-release|update` end to end (issue 29): releases made
//! by Tuilu verify with Debian's `minisign` tool and the other way round; an update served
//! by a local HTTP server installs a newer pack while an existing case keeps its version;
//! redirects, hanging servers, huge files and plain http to another host are refused.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const GUILD: &str = "douyin.guild-exit";

fn tuilu(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuilu"))
        .arg("--vault")
        .arg(vault)
        .args(args)
        .env_remove("TUILU_VAULT")
        .env_remove("TUILU_KEY_PASSWORD")
        .output()
        .expect("run tuilu")
}

fn ok(vault: &Path, args: &[&str]) -> String {
    let out = tuilu(vault, args);
    assert!(
        out.status.success(),
        "tuilu {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn fails(vault: &Path, args: &[&str]) -> String {
    let out = tuilu(vault, args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "tuilu {args:?} should fail: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A key pair made by `tuilu rules keygen` (no password) in `<root>/keys`.
fn keygen(root: &Path) -> (PathBuf, PathBuf) {
    let dir = root.join("keys");
    ok(root, &["rules", "keygen", "-o", s(&dir), "--no-password"]);
    (dir.join("tuilu-rules.key"), dir.join("tuilu-rules.pub"))
}

/// A packs folder holding the guild pack at `version`, with a change note.
fn packs_dir(root: &Path, version: &str) -> PathBuf {
    let dir = root.join(format!("packs-{version}"));
    std::fs::create_dir_all(&dir).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/rules")
        .join(format!("{GUILD}.toml"));
    let text = std::fs::read_to_string(src).unwrap();
    assert!(text.contains("version = \"1.2.1\""));
    std::fs::write(
        dir.join(format!("{GUILD}.toml")),
        text.replace("version = \"1.2.1\"", &format!("version = \"{version}\"")),
    )
    .unwrap();
    std::fs::write(
        dir.join("release-notes.toml"),
        format!("[\"{GUILD}\"]\nzh = \"客服入口改名\"\nen = \"The support entry was renamed\"\n"),
    )
    .unwrap();
    dir
}

/// A signed release of the guild pack at `version`, made by `tuilu rules release`.
fn make_release(root: &Path, key: &Path, version: &str) -> PathBuf {
    let out = root.join(format!("release-{version}"));
    let packs = packs_dir(root, version);
    ok(
        root,
        &[
            "rules",
            "release",
            s(&packs),
            "-o",
            s(&out),
            "--key",
            s(key),
        ],
    );
    out
}

fn minisign(args: &[&str]) -> Output {
    Command::new("minisign")
        .args(args)
        .output()
        .expect("Debian's `minisign` tool (scripts/test-all.sh installs it)")
}

#[test]
fn a_release_made_by_tuilu_verifies_with_debians_minisign() {
    let t = tempfile::tempdir().unwrap();
    let (sk, pk) = keygen(t.path());
    let rel = make_release(t.path(), &sk, "1.3.0");
    let index: Value =
        serde_json::from_slice(&std::fs::read(rel.join("index.json")).unwrap()).unwrap();
    let e = &index["packs"][0];
    assert_eq!(e["scenario"], GUILD);
    assert_eq!(e["version"], "1.3.0");
    assert_eq!(e["file"], "douyin.guild-exit.json");
    assert_eq!(e["notes"]["zh"], "客服入口改名");
    assert_eq!(e["sha256"].as_str().unwrap().len(), 64);
    for file in ["index.json", "douyin.guild-exit.json"] {
        let out = minisign(&["-Vm", s(&rel.join(file)), "-p", s(&pk)]);
        assert!(
            out.status.success(),
            "minisign rejects {file}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let said = ok(
        t.path(),
        &["rules", "verify-release", s(&rel), "--trust", s(&pk)],
    );
    assert!(said.contains("发布有效"), "{said}");
    // Without the key, the embedded ones do not cover it.
    let err = fails(t.path(), &["rules", "verify-release", s(&rel)]);
    assert!(err.contains("不信任的密钥"), "{err}");
}

#[test]
fn a_release_signed_with_debians_minisign_verifies_in_tuilu() {
    let t = tempfile::tempdir().unwrap();
    let (sk, _) = keygen(t.path());
    let rel = make_release(t.path(), &sk, "1.3.0");
    let key = t.path().join("debian.key");
    let pubk = t.path().join("debian.pub");
    let out = minisign(&["-G", "-W", "-p", s(&pubk), "-s", s(&key)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for file in ["index.json", "douyin.guild-exit.json"] {
        let out = minisign(&["-S", "-s", s(&key), "-m", s(&rel.join(file))]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    ok(
        t.path(),
        &["rules", "verify-release", s(&rel), "--trust", s(&pubk)],
    );
    let vault = t.path().join("vault");
    let said = ok(&vault, &["rules", "update", s(&rel), "--trust", s(&pubk)]);
    assert!(said.contains("已安装 1 个规则包更新"), "{said}");
}

#[test]
fn an_encrypted_key_signs_with_its_password_from_the_environment() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("keys");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tuilu"))
            .args(args)
            .env("TUILU_KEY_PASSWORD", "correct horse")
            .output()
            .unwrap()
    };
    let out = run(&["rules", "keygen", "-o", s(&dir), "--name", "maint"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let secret = std::fs::read_to_string(dir.join("maint.key")).unwrap();
    assert!(secret.starts_with("untrusted comment:"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("maint.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let packs = packs_dir(t.path(), "1.3.0");
    let rel = t.path().join("rel");
    let out = run(&[
        "rules",
        "release",
        s(&packs),
        "-o",
        s(&rel),
        "--key",
        s(&dir.join("maint.key")),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = minisign(&[
        "-Vm",
        s(&rel.join("index.json")),
        "-p",
        s(&dir.join("maint.pub")),
    ]);
    assert!(out.status.success());
    // keygen never overwrites a key.
    let out = run(&["rules", "keygen", "-o", s(&dir), "--name", "maint"]);
    assert!(!out.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.join("maint.key")).unwrap(),
        secret
    );
}

#[test]
fn an_invalid_pack_makes_no_release() {
    let t = tempfile::tempdir().unwrap();
    let (sk, _) = keygen(t.path());
    let packs = packs_dir(t.path(), "1.3.0");
    let path = packs.join(format!("{GUILD}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("version = \"1.3.0\"", "version = \"one\""),
    )
    .unwrap();
    let rel = t.path().join("rel");
    let out = tuilu(
        t.path(),
        &[
            "rules",
            "release",
            s(&packs),
            "-o",
            s(&rel),
            "--key",
            s(&sk),
        ],
    );
    assert!(!out.status.success());
    assert!(!rel.exists());
}

// -- a local release server ------------------------------------------------------------------

#[derive(Clone)]
enum Serve {
    /// Files from this folder.
    Dir(PathBuf),
    /// A redirect to this URL for every request.
    Redirect(String),
    /// Reads the request and never answers.
    Hang,
}

/// Serves on 127.0.0.1 until the test process ends; returns the base URL.
fn server(mode: Serve) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            if let Some(s) = answer(stream, &mode) {
                held.push(s);
            }
        }
    });
    format!("http://127.0.0.1:{port}/")
}

fn answer(mut stream: TcpStream, mode: &Serve) -> Option<TcpStream> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 || h == "\r\n" {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    match mode {
        Serve::Hang => return Some(stream),
        Serve::Redirect(to) => {
            let _ = write!(
                stream,
                "HTTP/1.1 302 Found\r\nLocation: {to}{}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                path.trim_start_matches('/')
            );
        }
        Serve::Dir(dir) => {
            let name = path.trim_start_matches('/');
            match std::fs::read(dir.join(name)) {
                Ok(body) if !name.contains("..") => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(&body);
                }
                _ => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                }
            }
        }
    }
    None
}

fn pack_version_of_case(vault: &Path, id: &str) -> String {
    let out = ok(vault, &["case", "show", id, "--json"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v["pack_version"].as_str().unwrap().to_string()
}

#[test]
fn an_update_from_a_local_server_installs_a_newer_pack_and_cases_keep_their_version() {
    let t = tempfile::tempdir().unwrap();
    let (sk, pk) = keygen(t.path());
    let rel = make_release(t.path(), &sk, "1.3.0");
    let url = server(Serve::Dir(rel));
    let vault = t.path().join("vault");

    let case: Value = serde_json::from_str(&ok(&vault, &["case", "new", GUILD, "--json"])).unwrap();
    let id = case["id"].as_str().unwrap().to_string();
    assert_eq!(pack_version_of_case(&vault, &id), "1.2.1");

    let said = ok(&vault, &["rules", "update", &url, "--trust", s(&pk)]);
    assert!(said.contains("已安装 1 个规则包更新"), "{said}");
    assert!(
        said.contains("「抖音：退出公会」1.2.1 → 1.3.0：客服入口改名"),
        "{said}"
    );
    let list: Value = serde_json::from_str(&ok(&vault, &["scenarios", "--json"])).unwrap();
    let guild = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == GUILD)
        .unwrap();
    assert_eq!(guild["version"], "1.3.0");

    // The settings' section: versions, the last check, the notes.
    let status = ok(&vault, &["rules", "status"]);
    assert!(
        status.contains("抖音：退出公会 1.3.0 · 规则更新（发布于"),
        "{status}"
    );
    assert!(status.contains("上次检查："), "{status}");
    assert!(status.contains("安装了 1 个规则包更新"), "{status}");
    assert!(
        status.contains("「抖音：退出公会」1.2.1 → 1.3.0：客服入口改名"),
        "{status}"
    );

    // The case keeps 1.2.1 until the user upgrades it.
    assert_eq!(pack_version_of_case(&vault, &id), "1.2.1");
    ok(&vault, &["case", "upgrade", &id]);
    assert_eq!(pack_version_of_case(&vault, &id), "1.3.0");

    // Nothing newer: 已是最新, exit 0.
    let again = ok(&vault, &["rules", "update", &url, "--trust", s(&pk)]);
    assert!(again.contains("已是最新"), "{again}");
    let en = ok(
        &vault,
        &["--lang", "en", "rules", "update", &url, "--trust", s(&pk)],
    );
    assert!(en.contains("already up to date"), "{en}");
}

#[test]
fn a_redirect_to_another_host_is_refused_and_nothing_is_installed() {
    let t = tempfile::tempdir().unwrap();
    let (sk, pk) = keygen(t.path());
    let rel = make_release(t.path(), &sk, "1.3.0");
    let real = server(Serve::Dir(rel));
    let other = real.replace("127.0.0.1", "localhost");
    let url = server(Serve::Redirect(other));
    let vault = t.path().join("vault");
    let err = fails(&vault, &["rules", "update", &url, "--trust", s(&pk)]);
    assert!(err.contains("无法获取规则更新，未做任何更改"), "{err}");
    assert!(
        err.contains("要求跳转到其他地址（HTTP 302），已拒绝"),
        "{err}"
    );
    assert!(!err.contains("redirect"), "one language: {err}");
    let list: Value = serde_json::from_str(&ok(&vault, &["scenarios", "--json"])).unwrap();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == GUILD && s["version"] == "1.2.1"));
    assert!(!vault.join("packs/updates/current").exists());
}

#[test]
fn a_server_that_hangs_times_out() {
    let t = tempfile::tempdir().unwrap();
    let (_, pk) = keygen(t.path());
    let url = server(Serve::Hang);
    let vault = t.path().join("vault");
    let err = fails(
        &vault,
        &["rules", "update", &url, "--trust", s(&pk), "--timeout", "1"],
    );
    assert!(err.contains("超时，没有回应"), "{err}");
    assert!(!vault.join("packs/updates/current").exists());
}

#[test]
fn plain_http_to_another_host_is_refused_before_any_request() {
    let t = tempfile::tempdir().unwrap();
    let out = tuilu(t.path(), &["rules", "update", "http://example.com/tuilu/"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("只接受 https://"));
}

#[test]
fn a_100_mb_index_is_refused_without_reading_it_all() {
    let t = tempfile::tempdir().unwrap();
    let (sk, pk) = keygen(t.path());
    let rel = make_release(t.path(), &sk, "1.3.0");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(rel.join("index.json"))
        .unwrap();
    f.set_len(100 << 20).unwrap(); // sparse: 100 MB
    let vault = t.path().join("vault");
    let err = fails(&vault, &["rules", "update", s(&rel), "--trust", s(&pk)]);
    assert!(err.contains("index.json 超过 262144 字节的上限"), "{err}");
    let err = fails(
        &vault,
        &["rules", "verify-release", s(&rel), "--trust", s(&pk)],
    );
    assert!(err.contains("超过"), "{err}");
    assert!(!vault.join("packs/updates/current").exists());
}

#[test]
fn a_closed_port_fails_with_words_and_changes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/");
    let err = fails(
        &t.path().join("vault"),
        &["rules", "update", &url, "--timeout", "30"],
    );
    assert!(err.contains("无法获取规则更新"), "{err}");
    assert!(!t.path().join("vault/packs/updates/current").exists());
}
