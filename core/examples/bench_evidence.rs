//! Evidence-store benchmark.
//!
//! 1. Import of a 1 GiB file, timed against `sha256sum` then `cp` (and `cp` + `sync`) of the
//!    same file in the same run. Target: the one-pass import is no slower than the two.
//! 2. Peak memory (VmHWM from /proc/self/status) after the import. Target: < 64 MB.
//! 3. Export and `verify_bundle` of that case.
//! 4. Add and verify of 10,000 small files.
//!
//! Run: `cargo run --profile bench-fast -p tuilu-core --example bench_evidence [-- SIZE_MIB N_SMALL]`
//! Everything is written under a temporary directory (or `$TUILU_BENCH_DIR`) that is
//! deleted at the end.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::Utc;
use rusqlite::Connection;
use tuilu_core::evidence::{
    verify_bundle, CancelFlag, EvidenceStore, NewItem, NoProgress, SCHEMA_SQL,
};

fn vm(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .map(|l| l[key.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn mib_s(bytes: u64, d: Duration) -> String {
    format!("{:.0} MiB/s", bytes as f64 / 1048576.0 / d.as_secs_f64())
}

fn run(cmd: &mut Command) -> Duration {
    let t = Instant::now();
    let st = cmd.status().expect("command runs");
    assert!(st.success(), "{cmd:?} failed");
    t.elapsed()
}

fn write_source(path: &Path, mib: u64) {
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path).unwrap());
    let mut x: u64 = 0x9E3779B97F4A7C15;
    let mut buf = vec![0u8; 1 << 20];
    for _ in 0..mib {
        for chunk in buf.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        w.write_all(&buf).unwrap();
    }
    w.into_inner().unwrap().sync_all().unwrap();
}

fn open(root: &Path) -> Connection {
    let conn = Connection::open(root.join("tuilu.sqlite3")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    conn.execute_batch(SCHEMA_SQL).unwrap();
    conn
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mib: u64 = args.next().map(|s| s.parse().unwrap()).unwrap_or(1024);
    let n_small: usize = args.next().map(|s| s.parse().unwrap()).unwrap_or(10_000);
    let base = std::env::var_os("TUILU_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::Builder::new()
        .prefix("tuilu-bench-")
        .tempdir_in(base)
        .unwrap();
    let dir = tmp.path();
    let (p, c) = (NoProgress, CancelFlag::new());
    println!("# tuilu evidence benchmark");
    println!(
        "profile: {}",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "optimised"
        }
    );
    println!("work dir: {}", dir.display());
    println!("VmHWM at start: {}", vm("VmHWM:"));

    // 1. Large import vs sha256sum + cp.
    let src = dir.join("recording.mp4");
    write_source(&src, mib);
    let bytes = mib << 20;
    // Warm the page cache equally for every contender.
    run(Command::new("cat")
        .arg(&src)
        .stdout(std::process::Stdio::null()));
    let t_sum = run(Command::new("sha256sum")
        .arg(&src)
        .stdout(std::process::Stdio::null()));
    let copy = dir.join("copy.mp4");
    let t_cp = run(Command::new("cp").arg(&src).arg(&copy));
    let t_sync = run(Command::new("sync").arg(&copy));
    std::fs::remove_file(&copy).unwrap();

    let vault = dir.join("vault");
    std::fs::create_dir_all(&vault).unwrap();
    let mut conn = open(&vault);
    let mut store = EvidenceStore::new(&mut conn, &vault);
    let t = Instant::now();
    let added = store
        .add_file(&NewItem::import("big-case"), &src, &p, &c, Utc::now())
        .unwrap();
    let t_import = t.elapsed();
    let hwm_after_import = vm("VmHWM:");
    std::fs::remove_file(&src).unwrap();

    println!();
    println!("## import of {mib} MiB");
    println!(
        "sha256sum            {} ({})",
        secs(t_sum),
        mib_s(bytes, t_sum)
    );
    println!(
        "cp                   {} ({})",
        secs(t_cp),
        mib_s(bytes, t_cp)
    );
    println!("sync (of the copy)   {}", secs(t_sync));
    println!("sha256sum + cp       {}", secs(t_sum + t_cp));
    println!("sha256sum + cp + sync {}", secs(t_sum + t_cp + t_sync));
    println!(
        "tuilu add_file       {} ({}; one pass, fsync included)",
        secs(t_import),
        mib_s(bytes, t_import)
    );
    let ratio = t_import.as_secs_f64() / (t_sum + t_cp + t_sync).as_secs_f64();
    println!("import / (sha256sum + cp + sync) = {ratio:.2}");
    println!(
        "import / (sha256sum + cp)        = {:.2}",
        t_import.as_secs_f64() / (t_sum + t_cp).as_secs_f64()
    );
    println!("VmHWM after import:  {hwm_after_import}");
    assert_eq!(added.item.size, bytes);

    // 2. Export and verify_bundle of that case.
    let out = dir.join("bundle.zip");
    let t = Instant::now();
    store
        .export(
            "big-case",
            &tuilu_core::evidence::CaseSnapshot::default(),
            &out,
            &p,
            &c,
            Utc::now(),
        )
        .unwrap();
    let t_export = t.elapsed();
    let t = Instant::now();
    let r = verify_bundle(&out, &p, &c).unwrap();
    let t_vb = t.elapsed();
    assert!(r.intact);
    std::fs::remove_file(&out).unwrap();
    println!();
    println!("## export / verify-bundle of the {mib} MiB case");
    println!(
        "export               {} ({})",
        secs(t_export),
        mib_s(bytes, t_export)
    );
    println!(
        "verify_bundle        {} ({})",
        secs(t_vb),
        mib_s(bytes, t_vb)
    );
    let id = added.item.id.clone();
    store.delete(&id, Utc::now()).unwrap();
    drop(store);
    drop(conn);
    println!("VmHWM after export:  {}", vm("VmHWM:"));

    // 3. 10,000 small files.
    let vault2 = dir.join("vault-small");
    std::fs::create_dir_all(&vault2).unwrap();
    let mut conn = open(&vault2);
    let mut store = EvidenceStore::new(&mut conn, &vault2);
    let mut total = 0u64;
    let t = Instant::now();
    for i in 0..n_small {
        let body = format!("screenshot {i} ").repeat(50 + i % 200);
        total += body.len() as u64;
        store
            .add_bytes(
                &NewItem::import(format!("case-{}", i % 20)),
                &format!("shot-{i}.txt"),
                body.as_bytes(),
                &p,
                &c,
                Utc::now(),
            )
            .unwrap();
    }
    let t_add_small = t.elapsed();
    let t = Instant::now();
    let report = store.verify(None, &p, &c, Utc::now()).unwrap();
    let t_verify = t.elapsed();
    assert!(report.intact && report.items_checked == n_small);
    println!();
    println!(
        "## {n_small} small files ({:.1} MiB in all)",
        total as f64 / 1048576.0
    );
    println!(
        "add (each: fsync file + dirs + commit) {} ({:.2} ms/file)",
        secs(t_add_small),
        t_add_small.as_secs_f64() * 1000.0 / n_small as f64
    );
    println!(
        "verify (re-hash all + walk {} entries) {} ({:.3} ms/file)",
        report.entries_checked,
        secs(t_verify),
        t_verify.as_secs_f64() * 1000.0 / n_small as f64
    );
    println!("VmHWM at end:        {}", vm("VmHWM:"));
    drop(store);
    drop(conn);
    tmp.close().unwrap();
    println!("(work dir removed)");
}
