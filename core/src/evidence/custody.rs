//! The custody log: an append-only hash chain of everything done to evidence.
//!
//! Each entry's `entry_hash` is the SHA-256 (lower-case hex) of the UTF-8 bytes of the
//! compact JSON array
//!
//! ```text
//! ["tuilu-custody/1", seq, at, action, item_id, case_id, step_id, details, prev_hash]
//! ```
//!
//! where `seq` is a number, `item_id` and `step_id` are strings or `null`, `details` is the
//! stored details *string* (itself canonical JSON with sorted keys), and `prev_hash` is the
//! previous entry's `entry_hash`, or 64 zeros for the first entry. The encoding is the one
//! `serde_json::to_string` and Python's `json.dumps(x, ensure_ascii=False,
//! separators=(",", ":"))` produce.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::error::EvidenceError;
use super::util::{fmt_time, hex};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Domain tag at the head of every hashed entry.
pub const CUSTODY_FORMAT: &str = "tuilu-custody/1";

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CustodyAction {
    Add,
    Link,
    Unlink,
    Annotate,
    Export,
    Delete,
}

impl CustodyAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CustodyAction::Add => "add",
            CustodyAction::Link => "link",
            CustodyAction::Unlink => "unlink",
            CustodyAction::Annotate => "annotate",
            CustodyAction::Export => "export",
            CustodyAction::Delete => "delete",
        }
    }

    pub fn parse(s: &str) -> Option<CustodyAction> {
        Some(match s {
            "add" => CustodyAction::Add,
            "link" => CustodyAction::Link,
            "unlink" => CustodyAction::Unlink,
            "annotate" => CustodyAction::Annotate,
            "export" => CustodyAction::Export,
            "delete" => CustodyAction::Delete,
            _ => return None,
        })
    }
}

/// One custody-log entry, as stored and as written (one per line) to `custody-log.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustodyEntry {
    pub seq: i64,
    pub at: String,
    /// Kept as text so that a tampered or unknown action is still hashed and reported.
    pub action: String,
    pub item_id: Option<String>,
    pub case_id: String,
    pub step_id: Option<String>,
    /// Canonical JSON text (sorted keys, compact).
    pub details: String,
    pub prev_hash: String,
    pub entry_hash: String,
}

impl CustodyEntry {
    /// The hash this entry should carry, recomputed from its fields.
    pub fn compute_hash(&self) -> String {
        entry_hash(
            self.seq,
            &self.at,
            &self.action,
            self.item_id.as_deref(),
            &self.case_id,
            self.step_id.as_deref(),
            &self.details,
            &self.prev_hash,
        )
    }

    /// The details parsed as JSON (`Null` if they are not valid JSON).
    pub fn details_json(&self) -> Value {
        serde_json::from_slice(self.details.as_bytes()).unwrap_or(Value::Null)
    }
}

#[allow(clippy::too_many_arguments)]
fn entry_hash(
    seq: i64,
    at: &str,
    action: &str,
    item_id: Option<&str>,
    case_id: &str,
    step_id: Option<&str>,
    details: &str,
    prev_hash: &str,
) -> String {
    let canonical = serde_json::to_string(&(
        CUSTODY_FORMAT,
        seq,
        at,
        action,
        item_id,
        case_id,
        step_id,
        details,
        prev_hash,
    ))
    .expect("serialising strings and numbers cannot fail");
    hex(&Sha256::digest(canonical.as_bytes()))
}

/// Canonical JSON text: object keys sorted at every level, no whitespace.
pub fn canonical_json(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                crate::sort::sort(&mut keys);
                let mut out = serde_json::Map::new();
                for k in keys {
                    out.insert(k.clone(), sort(&map[k]));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    serde_json::to_string(&sort(v)).expect("serialising a JSON value cannot fail")
}

/// What to append; `seq`, `prev_hash` and `entry_hash` are filled in by [`append`].
pub(crate) struct NewEntry<'a> {
    pub action: CustodyAction,
    pub item_id: Option<&'a str>,
    pub case_id: &'a str,
    pub step_id: Option<&'a str>,
    pub details: Value,
}

/// The next sequence number and the hash the next entry must chain to.
pub(crate) fn head(conn: &Connection) -> Result<(i64, String), EvidenceError> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, entry_hash FROM evidence_custody ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH.to_string()),
    })
}

/// Appends one entry. Call inside the transaction that makes the change it records.
pub(crate) fn append(
    conn: &Connection,
    e: NewEntry<'_>,
    now: DateTime<Utc>,
) -> Result<CustodyEntry, EvidenceError> {
    let (seq, prev_hash) = head(conn)?;
    let at = fmt_time(now);
    let details = canonical_json(&e.details);
    let action = e.action.as_str().to_string();
    let entry_hash = entry_hash(
        seq, &at, &action, e.item_id, e.case_id, e.step_id, &details, &prev_hash,
    );
    conn.execute(
        "INSERT INTO evidence_custody
             (seq, at, action, item_id, case_id, step_id, details, prev_hash, entry_hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, action, e.item_id, e.case_id, e.step_id, details, prev_hash, entry_hash],
    )?;
    Ok(CustodyEntry {
        seq,
        at,
        action,
        item_id: e.item_id.map(str::to_string),
        case_id: e.case_id.to_string(),
        step_id: e.step_id.map(str::to_string),
        details,
        prev_hash,
        entry_hash,
    })
}

/// Every entry in `seq` order.
pub fn load_all(conn: &Connection) -> Result<Vec<CustodyEntry>, EvidenceError> {
    load_where(conn, "1 = 1", &[])
}

/// The entries of one item, in `seq` order.
pub fn load_for_item(conn: &Connection, item_id: &str) -> Result<Vec<CustodyEntry>, EvidenceError> {
    load_where(conn, "item_id = ?1", &[&item_id])
}

fn load_where(
    conn: &Connection,
    filter: &str,
    args: &[&dyn rusqlite::ToSql],
) -> Result<Vec<CustodyEntry>, EvidenceError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT seq, at, action, item_id, case_id, step_id, details, prev_hash, entry_hash
         FROM evidence_custody WHERE {filter} ORDER BY seq"
    ))?;
    let rows = stmt.query_map(args, |r| {
        Ok(CustodyEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            action: r.get(2)?,
            item_id: r.get(3)?,
            case_id: r.get(4)?,
            step_id: r.get(5)?,
            details: r.get(6)?,
            prev_hash: r.get(7)?,
            entry_hash: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// A link of the chain as a verifier sees it: either a full entry (hash recomputable) or,
/// in an exported bundle, a redacted entry of another case (only its hashes).
#[derive(Debug, Clone)]
pub(crate) struct Link {
    pub seq: i64,
    pub prev_hash: String,
    pub entry_hash: String,
    /// `Some(recomputed == stored)` for a full entry, `None` for a redacted one.
    pub hash_ok: Option<bool>,
}

impl From<&CustodyEntry> for Link {
    fn from(e: &CustodyEntry) -> Link {
        Link {
            seq: e.seq,
            prev_hash: e.prev_hash.clone(),
            entry_hash: e.entry_hash.clone(),
            hash_ok: Some(e.compute_hash() == e.entry_hash),
        }
    }
}

/// A problem found walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ChainProblem {
    /// The stored hash does not match the entry's content: it was edited.
    Altered { seq: i64 },
    /// Sequence numbers jump: entries `from..=to` are gone.
    Missing { from: i64, to: i64 },
    /// The entry chains to an entry that exists but is not its predecessor.
    OutOfOrder { seq: i64 },
    /// The entry chains to a hash found nowhere in the log.
    BrokenLink { seq: i64 },
    /// A sequence number appears twice or goes backwards.
    BadSequence { seq: i64 },
}

/// Walks a chain given in stored order.
pub(crate) fn check_chain(links: &[Link]) -> Vec<ChainProblem> {
    let by_hash: HashMap<&str, i64> = links
        .iter()
        .map(|l| (l.entry_hash.as_str(), l.seq))
        .collect();
    let mut problems = Vec::new();
    let mut expected_seq = 1;
    let mut expected_prev = GENESIS_HASH.to_string();
    for l in links {
        if l.hash_ok == Some(false) {
            problems.push(ChainProblem::Altered { seq: l.seq });
        }
        let mut gap = false;
        if l.seq > expected_seq {
            problems.push(ChainProblem::Missing {
                from: expected_seq,
                to: l.seq - 1,
            });
            gap = true;
        } else if l.seq < expected_seq {
            problems.push(ChainProblem::BadSequence { seq: l.seq });
        }
        if !gap && l.prev_hash != expected_prev {
            match by_hash.get(l.prev_hash.as_str()) {
                Some(&other) if other != l.seq => {
                    problems.push(ChainProblem::OutOfOrder { seq: l.seq })
                }
                _ => problems.push(ChainProblem::BrokenLink { seq: l.seq }),
            }
        }
        expected_seq = expected_seq.max(l.seq + 1);
        expected_prev = l.entry_hash.clone();
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<CustodyEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = CustodyEntry {
                    seq,
                    at: format!("2024-05-01T00:00:0{seq}.000Z"),
                    action: "add".into(),
                    item_id: Some(format!("ev-{seq}")),
                    case_id: "c1".into(),
                    step_id: None,
                    details: "{}".into(),
                    prev_hash: prev.clone(),
                    entry_hash: String::new(),
                };
                e.entry_hash = e.compute_hash();
                prev = e.entry_hash.clone();
                e
            })
            .collect()
    }

    fn problems(entries: &[CustodyEntry]) -> Vec<ChainProblem> {
        check_chain(&entries.iter().map(Link::from).collect::<Vec<_>>())
    }

    #[test]
    fn intact_chain_has_no_problems() {
        assert!(problems(&chain(5)).is_empty());
    }

    #[test]
    fn detects_edit_gap_and_swap() {
        let mut c = chain(5);
        c[1].details = r#"{"x":1}"#.into();
        assert_eq!(problems(&c), vec![ChainProblem::Altered { seq: 2 }]);

        let mut c = chain(5);
        c.remove(2);
        assert_eq!(problems(&c), vec![ChainProblem::Missing { from: 3, to: 3 }]);

        // Reordering rows: entries 2 and 3 trade places (their sequence numbers stay put).
        let mut c = chain(5);
        c.swap(1, 2);
        c[1].seq = 2;
        c[2].seq = 3;
        let p = problems(&c);
        assert!(p.contains(&ChainProblem::OutOfOrder { seq: 2 }), "{p:?}");
        assert!(p.contains(&ChainProblem::OutOfOrder { seq: 3 }), "{p:?}");
    }

    #[test]
    fn canonical_json_sorts_keys() {
        let v: Value =
            serde_json::from_str(r#"{"b":1,"a":{"d":[1,{"z":0,"y":"é"}],"c":null}}"#).unwrap();
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":null,"d":[1,{"y":"é","z":0}]},"b":1}"#
        );
    }

    #[test]
    fn hash_matches_documented_encoding() {
        // Fixed vector: the same value is computed by the Python snippet in docs/evidence.md.
        let e = chain(1).remove(0);
        let canonical = format!(
            r#"["tuilu-custody/1",1,"{}","add","ev-1","c1",null,"{{}}","{}"]"#,
            e.at, GENESIS_HASH
        );
        assert_eq!(e.entry_hash, hex(&Sha256::digest(canonical.as_bytes())));
    }
}
