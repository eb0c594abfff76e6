//! Rule-update benchmark: prints figures, asserts nothing.
//!
//! ```text
//! cargo run --profile bench-fast -p tuilu-core --example rule_update_bench -- [ROUNDS]
//! ```
//!
//! Makes a signed release of all bundled packs (each one patch version newer), then, for
//! `ROUNDS` rounds (default 50), into a fresh vault folder each time:
//! - checks the index signature (`verify_index`),
//! - checks each pack (hash, validation, newer, app version: `verify_packs`),
//! - installs the set (`updates::install`: a generation folder, synced, then the switch),
//!
//! and, for comparison, loads the bundled packs (`load_bundled`) and opens an `App` on a
//! vault that holds the update (bundled packs plus the installed ones). Prints medians.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::time::{Duration, Instant};

use chrono::Utc;
use tuilu_core::app::App;
use tuilu_core::rules::bundled::BUNDLED_PACKS;
use tuilu_core::rules::release::{
    sha256_hex, verify_index, verify_packs, CurrentPack, IndexEntry, Installed, ReleaseIndex,
    SignedIndex, TrustedKeys, APP_VERSION, INDEX_FORMAT,
};
use tuilu_core::rules::updates;
use tuilu_core::{load_bundled, Text};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50);
    let pair = minisign::KeyPair::generate_unencrypted_keypair().expect("key");
    let mut trusted = TrustedKeys::none();
    trusted
        .add(&pair.pk.to_box().expect("pk").into_string())
        .expect("key");

    let mut entries = Vec::new();
    let mut packs = BTreeMap::new();
    for b in BUNDLED_PACKS {
        let mut v: serde_json::Value =
            serde_json::from_str(&b.json().expect("json")).expect("json");
        let id = v["id"].as_str().expect("id").to_string();
        let version = v["version"].as_str().expect("version").to_string();
        let mut parts: Vec<u32> = version.split('.').map(|p| p.parse().expect("n")).collect();
        parts[2] += 1;
        let newer = format!("{}.{}.{}", parts[0], parts[1], parts[2]);
        v["version"] = serde_json::Value::from(newer.clone());
        let bytes = serde_json::to_vec(&v).expect("json");
        entries.push(IndexEntry {
            scenario: id.clone(),
            version: newer,
            sha256: sha256_hex(&bytes),
            file: format!("{id}.json"),
            min_app_version: APP_VERSION.into(),
            released: "2026-12-07".into(),
            notes: Text::new("基准测试", "benchmark"),
        });
        packs.insert(format!("{id}.json"), bytes);
    }
    let index = ReleaseIndex {
        format: INDEX_FORMAT,
        released: "2026-12-07".into(),
        packs: entries,
    };
    let index_bytes = serde_json::to_vec_pretty(&index).expect("json");
    let signed = SignedIndex {
        index_sig: minisign::sign(None, &pair.sk, Cursor::new(&index_bytes), None, None)
            .expect("sign")
            .into_string()
            .into_bytes(),
        index: index_bytes,
        key_list: None,
    };
    let pack_bytes: usize = packs.values().map(Vec::len).sum();

    let (mut sig_t, mut packs_t, mut install_t, mut total_t, mut load_t, mut open_t) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        let dir = tempfile::tempdir().expect("tempdir");
        let book = load_bundled().expect("bundled");
        let current = |id: &str| {
            book.get(id).map(|s| CurrentPack {
                version: s.pack.version.clone(),
                title: s.title().clone(),
                bundled: true,
            })
        };
        let start = Instant::now();
        let index = verify_index(&signed, &trusted).expect("verified index");
        let a = Instant::now();
        let update = verify_packs(
            index,
            &packs,
            &Installed {
                pack: &current,
                index_released: None,
                app_version: APP_VERSION,
            },
        )
        .expect("verified packs");
        let b = Instant::now();
        updates::install(dir.path(), &update, Utc::now()).expect("installed");
        let c = Instant::now();
        sig_t.push(a - start);
        packs_t.push(b - a);
        install_t.push(c - b);
        total_t.push(c - start);

        let d = Instant::now();
        let _ = load_bundled().expect("bundled");
        load_t.push(d.elapsed());
        let e = Instant::now();
        let app = App::open(dir.path()).expect("app");
        open_t.push(e.elapsed());
        assert_eq!(
            app.rule_book().expect("book").scenarios().len(),
            BUNDLED_PACKS.len()
        );
    }
    println!(
        "rule update of {} packs ({} KiB of packs), median of {rounds} rounds:",
        BUNDLED_PACKS.len(),
        pack_bytes / 1024
    );
    println!("  index signature check        {}", ms(median(sig_t)));
    println!("  packs: hash, validation...   {}", ms(median(packs_t)));
    println!("  install (write, sync, swap)  {}", ms(median(install_t)));
    println!("  verify + install, total      {}", ms(median(total_t)));
    println!("load the bundled packs         {}", ms(median(load_t)));
    println!("open an App with the update    {}", ms(median(open_t)));
}
