//! Work-factor benchmark: prints figures, asserts nothing (docs/backup.md#work-factor).
//!
//! ```text
//! cargo run --profile bench-fast -p tuilu-core --example work_factor_bench -- [LOG_N ...]
//! ```
//!
//! For each scrypt work factor (default 15 16 17 18 19), each in a fresh process so that
//! peak RSS is its own, on a small vault (one case, one 64 KiB evidence file, so that the
//! figures are the passphrase's cost and not the streaming's):
//! - `create`: a backup with a recovery code,
//! - `restore`: decrypt, hash-check, verify, swap,
//! - `guess`: one wrong guess (inspect with a wrong passphrase): what each guess costs an
//!   attacker holding the file, on this machine's cores.
//!
//! Then what that means for a 100,000-word list and for the 30-digit recovery code, on all
//! of this machine's cores.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::Utc;
use tuilu_core::backup::{
    create_backup, generate_recovery_code, inspect_backup, restore_backup, scrypt_memory_bytes,
    BackupError, CreateOptions, RestoreOptions,
};
use tuilu_core::evidence::{CancelFlag, EvidenceStore, NewItem, NoProgress};
use tuilu_core::rules::Facts;
use tuilu_core::vault::Vault;

/// Peak RSS (KiB) and CPU time (user + system, seconds) of this process so far.
fn usage() -> (i64, f64) {
    // SAFETY: getrusage fills the struct it is given.
    let u = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        u
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (u.ru_maxrss, secs(u.ru_utime) + secs(u.ru_stime))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let start = Instant::now();
    match args.get(1).map(String::as_str) {
        Some("create") => {
            let (vault, out, code) = (Path::new(&args[2]), Path::new(&args[3]), &args[5]);
            let options = CreateOptions {
                app_version: "bench".into(),
                scrypt_log_n: Some(args[4].parse().unwrap()),
            };
            create_backup(
                vault,
                out,
                code,
                &options,
                &NoProgress,
                &CancelFlag::new(),
                Utc::now(),
            )
            .expect("backup");
        }
        Some("restore") => {
            let (file, dir, code) = (Path::new(&args[2]), Path::new(&args[3]), &args[4]);
            restore_backup(
                file,
                code,
                dir,
                &RestoreOptions::default(),
                &NoProgress,
                &CancelFlag::new(),
                Utc::now(),
            )
            .expect("restore");
        }
        Some("guess") => {
            let r = inspect_backup(
                Path::new(&args[2]),
                "a wrong guess",
                &NoProgress,
                &CancelFlag::new(),
            );
            assert!(matches!(r, Err(BackupError::WrongPassphrase)), "{r:?}");
        }
        _ => return bench(&args[1..]),
    }
    let (rss, cpu) = usage();
    println!("{} {cpu} {rss}", start.elapsed().as_secs_f64());
}

/// Runs this benchmark's `args` in a fresh process: wall seconds, CPU seconds, peak MiB.
fn child(args: &[&str]) -> (f64, f64, f64) {
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
    let mut next = || -> f64 { it.next().unwrap().parse().unwrap() };
    let (wall, cpu, kib) = (next(), next(), next());
    (wall, cpu, kib / 1024.0)
}

fn bench(log_ns: &[String]) {
    let log_ns: Vec<u8> = if log_ns.is_empty() {
        vec![15, 16, 17, 18, 19]
    } else {
        log_ns
            .iter()
            .map(|s| s.parse().expect("a work factor"))
            .collect()
    };
    let tmp = tempfile::tempdir().unwrap();
    let vault = tmp.path().join("vault");
    let v = Vault::open(&vault, Utc::now()).unwrap();
    let book = tuilu_core::load_bundled().unwrap();
    let case = v
        .create_case(
            book.get("douyin.guild-exit").unwrap(),
            &Facts::new(),
            Utc::now(),
        )
        .unwrap();
    let src = tmp.path().join("photo.bin");
    fs::write(&src, vec![7u8; 64 << 10]).unwrap();
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
    drop(v);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let code = generate_recovery_code().unwrap();
    println!("{cores} cores; one case, one 64 KiB evidence file; seconds are wall (CPU)");
    println!(
        "log N | scrypt memory | create s | create peak RSS | restore s | restore peak RSS | one guess, CPU s | 100,000 guesses ({cores} cores) | recovery code, half of 10^30 guesses ({cores} cores)"
    );
    for n in log_ns {
        let file = tmp.path().join(format!("b{n}.tuilu-backup"));
        let restored = tmp.path().join(format!("restored{n}"));
        let (c_s, c_cpu, c_rss) = child(&[
            "create",
            vault.to_str().unwrap(),
            file.to_str().unwrap(),
            &n.to_string(),
            &code,
        ]);
        let (r_s, r_cpu, r_rss) = child(&[
            "restore",
            file.to_str().unwrap(),
            restored.to_str().unwrap(),
            &code,
        ]);
        // An attacker's cost is CPU time: it does not depend on this machine's load.
        let (_, g_s, _) = child(&["guess", file.to_str().unwrap()]);
        let list_h = 100_000.0 * g_s / cores / 3600.0;
        let code_years = 0.5e30 * g_s / cores / (365.25 * 86400.0);
        println!(
            "{n} | {} MiB | {c_s:.2} ({c_cpu:.2}) | {c_rss:.0} MiB | {r_s:.2} ({r_cpu:.2}) | {r_rss:.0} MiB | {g_s:.3} | {list_h:.1} h | {code_years:.1e} years",
            scrypt_memory_bytes(n) >> 20
        );
        let _ = fs::remove_file(&file);
        let _ = fs::remove_dir_all(&restored);
    }
}
