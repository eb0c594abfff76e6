//! Backup benchmark: prints figures, asserts nothing.
//!
//! ```text
//! cargo run --release -p tuilu-core --example backup_bench -- [MiB] [DIR] [LOG_N]
//! ```
//!
//! `LOG_N` is the scrypt work factor (default 18, what the Go `age -p` uses). scrypt needs
//! 128·8·2^LOG_N bytes of memory (256 MiB at 18, 32 MiB at 15): it dominates peak RSS;
//! the streaming itself is flat.
//!
//! Builds a vault with `MiB` of evidence (default 1024, in 64 MiB files) under `DIR` (default
//! a temporary folder), then, each in a fresh process so that peak RSS is its own:
//! - `tuilu backup create` (scrypt work factor `LOG_N`),
//! - `tar -c <evidence> | age -p` on the same files (needs `age` and `script`),
//! - restore into a new folder (decrypt, hash-check, integrity and custody verification).
//!
//! Prints times, the ratio against `tar | age`, and peak RSS (target < 64 MiB).

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use chrono::Utc;
use tuilu_core::backup::{create_backup, restore_backup, CreateOptions, RestoreOptions};
use tuilu_core::evidence::{CancelFlag, EvidenceStore, NewItem, NoProgress};
use tuilu_core::rules::Facts;
use tuilu_core::vault::Vault;

const PASS: &str = "benchmark passphrase";
const FILE_MIB: u64 = 64;

fn peak_rss_kib() -> i64 {
    // SAFETY: getrusage fills the struct it is given.
    unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u.ru_maxrss // KiB on Linux
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("create") => {
            let (vault, out) = (Path::new(&args[2]), Path::new(&args[3]));
            let start = Instant::now();
            let options = CreateOptions {
                app_version: "bench".into(),
                scrypt_log_n: Some(args[4].parse().unwrap()),
            };
            create_backup(
                vault,
                out,
                PASS,
                &options,
                &NoProgress,
                &CancelFlag::new(),
                Utc::now(),
            )
            .expect("backup");
            println!("{} {}", start.elapsed().as_secs_f64(), peak_rss_kib());
        }
        Some("restore") => {
            let (file, dir) = (Path::new(&args[2]), Path::new(&args[3]));
            let start = Instant::now();
            restore_backup(
                file,
                PASS,
                dir,
                &RestoreOptions::default(),
                &NoProgress,
                &CancelFlag::new(),
                Utc::now(),
            )
            .expect("restore");
            println!("{} {}", start.elapsed().as_secs_f64(), peak_rss_kib());
        }
        _ => bench(&args),
    }
}

fn child(args: &[&str]) -> (f64, i64) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut it = text.split_whitespace();
    (
        it.next().unwrap().parse().unwrap(),
        it.next().unwrap().parse().unwrap(),
    )
}

fn bench(args: &[String]) {
    let mib: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1024);
    let log_n: u8 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(18);
    let _tmp;
    let root: PathBuf = match args.get(2) {
        Some(d) => PathBuf::from(d),
        None => {
            _tmp = tempfile::tempdir().unwrap();
            _tmp.path().to_path_buf()
        }
    };
    let vault = root.join("vault");
    let _ = fs::remove_dir_all(&vault);
    println!("setting up {mib} MiB of evidence in {} ...", root.display());
    let v = Vault::open(&vault, Utc::now()).unwrap();
    let book = tuilu_core::load_bundled().unwrap();
    let case = v
        .create_case(
            book.get("douyin.guild-exit").unwrap(),
            &Facts::new(),
            Utc::now(),
        )
        .unwrap();
    let src = root.join("src.bin");
    let mut left = mib;
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut n = 0;
    while left > 0 {
        let this = left.min(FILE_MIB);
        {
            let mut w = BufWriter::new(File::create(&src).unwrap());
            let mut buf = vec![0u8; 1 << 20];
            for _ in 0..this {
                for chunk in buf.chunks_mut(8) {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    chunk.copy_from_slice(&seed.to_le_bytes()[..chunk.len()]);
                }
                w.write_all(&buf).unwrap();
            }
        }
        v.with_connection_mut(|conn| {
            EvidenceStore::new(conn, &vault).add_file(
                &NewItem::import(case.id.clone()),
                &src,
                &NoProgress,
                &CancelFlag::new(),
                Utc::now(),
            )
        })
        .unwrap();
        left -= this;
        n += 1;
    }
    drop(v);
    fs::remove_file(&src).unwrap();
    println!("{n} evidence files, {mib} MiB");

    let file = root.join("bench.tuilu-backup");
    let _ = fs::remove_file(&file);
    let (create_s, create_rss) = child(&[
        "create",
        vault.to_str().unwrap(),
        file.to_str().unwrap(),
        &log_n.to_string(),
    ]);
    let size = fs::metadata(&file).unwrap().len();
    println!(
        "tuilu backup create (scrypt log N {log_n}): {create_s:.2} s ({:.0} MiB/s), peak RSS {:.1} MiB, file {size} bytes",
        mib as f64 / create_s,
        create_rss as f64 / 1024.0
    );

    let reference = root.join("reference.age");
    let _ = fs::remove_file(&reference);
    let cmd = format!(
        "tar -cf - -C '{}' evidence tuilu.sqlite3 | age -p -o '{}'",
        vault.display(),
        reference.display()
    );
    let start = Instant::now();
    let mut c = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("script and age");
    c.stdin
        .as_mut()
        .unwrap()
        .write_all(format!("{PASS}\n{PASS}\n").as_bytes())
        .unwrap();
    let ok = c.wait().unwrap().success() && reference.exists();
    let ref_s = start.elapsed().as_secs_f64();
    if ok {
        println!(
            "tar -c | age -p:     {ref_s:.2} s; ratio tuilu/reference {:.2}",
            create_s / ref_s
        );
    } else {
        println!("tar -c | age -p: could not run (install the `age` package)");
    }

    let restored = root.join("restored");
    let _ = fs::remove_dir_all(&restored);
    let (restore_s, restore_rss) = child(&[
        "restore",
        file.to_str().unwrap(),
        restored.to_str().unwrap(),
    ]);
    println!(
        "restore (decrypt + verify + swap): {restore_s:.2} s ({:.0} MiB/s), peak RSS {:.1} MiB",
        mib as f64 / restore_s,
        restore_rss as f64 / 1024.0
    );
    for p in [&file, &reference] {
        let _ = fs::remove_file(p);
    }
    let _ = fs::remove_dir_all(&restored);
}
