//! The user's time zone, from the phone: the app implements [`TimeZoneRules`] with the
//! platform's own tz database (java.time `ZoneId`, Foundation `TimeZone`, Python
//! `zoneinfo`), so this library embeds none.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use tuilu_core::reminders as rm;

use crate::app::AppError;
use crate::uniffi_support::Timestamp;

/// The rules of the user's time zone, implemented by the app over the platform's tz
/// database (Kotlin: `java.time.ZoneId`; Swift: `TimeZone`; Python: `zoneinfo`). Called
/// from the core's worker threads while it plans: implementations must be thread-safe,
/// quick and must not throw.
#[uniffi::export(with_foreign)]
pub trait TimeZoneRules: Send + Sync {
    /// The zone's id, normally its IANA name (`Europe/Berlin`); shown next to local times.
    fn id(&self) -> String;
    /// The offset from UTC in seconds (east positive) in force at `utc`.
    fn offset_seconds_at(&self, utc: Timestamp) -> i32;
    /// The offsets (seconds) the wall-clock time `local` (`YYYY-MM-DDTHH:MM:SS`) can have:
    /// none in a gap (clocks going forward), one normally, two in a fold (clocks going
    /// back), the earlier instant's offset first.
    fn offsets_seconds_for_local(&self, local: String) -> Vec<i32>;
}

/// A zone with one offset all year, implemented here.
#[derive(Debug)]
struct FixedZone {
    id: String,
    seconds: i32,
}

impl TimeZoneRules for FixedZone {
    fn id(&self) -> String {
        self.id.clone()
    }

    fn offset_seconds_at(&self, _utc: Timestamp) -> i32 {
        self.seconds
    }

    fn offsets_seconds_for_local(&self, _local: String) -> Vec<i32> {
        vec![self.seconds]
    }
}

/// Beijing time: UTC+08:00 all year, id `Asia/Shanghai` (China has no daylight saving).
#[uniffi::export]
pub fn beijing_time_zone() -> Arc<dyn TimeZoneRules> {
    Arc::new(FixedZone {
        id: rm::BEIJING_ZONE_ID.to_string(),
        seconds: rm::BEIJING.local_minus_utc(),
    })
}

/// A zone that is always `offset_seconds` east of UTC, under `id`. Errors: `Refused`
/// (`invalid_input`) when the offset is a day or more.
#[uniffi::export]
pub fn fixed_time_zone(
    id: String,
    offset_seconds: i32,
) -> Result<Arc<dyn TimeZoneRules>, AppError> {
    FixedOffset::east_opt(offset_seconds)
        .ok_or_else(|| AppError::invalid_input("offset_seconds must be less than a day"))?;
    Ok(Arc::new(FixedZone {
        id,
        seconds: offset_seconds,
    }))
}

/// The app's rules seen as the core's [`rm::ZoneRules`]. The id is read once, and every
/// answer is remembered: a reminder plan asks the same few questions many times (about 18
/// foreign calls per case, for a handful of distinct instants), and each is a call into
/// the app. One `ForeignZone` lives for one call into the core (it is made when the
/// view context is converted), so answers never outlive an update of the platform's
/// tz data.
pub(crate) struct ForeignZone {
    id: String,
    rules: Arc<dyn TimeZoneRules>,
    offsets_at: Mutex<HashMap<DateTime<Utc>, FixedOffset>>,
    offsets_for_local: Mutex<HashMap<NaiveDateTime, Vec<FixedOffset>>>,
}

impl ForeignZone {
    pub(crate) fn new(rules: Arc<dyn TimeZoneRules>) -> ForeignZone {
        ForeignZone {
            id: rules.id(),
            rules,
            offsets_at: Mutex::default(),
            offsets_for_local: Mutex::default(),
        }
    }
}

/// The remembered answer for `key`, or `ask()` remembered. A poisoned lock (a panic in an
/// earlier call) only costs the memo.
fn memo<K: std::hash::Hash + Eq, V: Clone>(
    map: &Mutex<HashMap<K, V>>,
    key: K,
    ask: impl FnOnce() -> V,
) -> V {
    if let Some(v) = map.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return v;
    }
    let v = ask();
    if let Ok(mut m) = map.lock() {
        m.insert(key, v.clone());
    }
    v
}

impl fmt::Debug for ForeignZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ForeignZone").field(&self.id).finish()
    }
}

/// Offsets of a day or more are not offsets: read as UTC (an app bug, never a crash).
fn offset(seconds: i32) -> FixedOffset {
    FixedOffset::east_opt(seconds).unwrap_or(FixedOffset::east_opt(0).expect("UTC"))
}

/// `YYYY-MM-DDTHH:MM:SS`, the wall-clock form `offsets_seconds_for_local` receives.
pub(crate) fn format_local(local: NaiveDateTime) -> String {
    local.format("%Y-%m-%dT%H:%M:%S").to_string()
}

impl rm::ZoneRules for ForeignZone {
    fn id(&self) -> String {
        self.id.clone()
    }

    fn offset_at(&self, utc: DateTime<Utc>) -> FixedOffset {
        memo(&self.offsets_at, utc, || {
            offset(self.rules.offset_seconds_at(utc))
        })
    }

    fn offsets_for_local(&self, local: NaiveDateTime) -> Vec<FixedOffset> {
        memo(&self.offsets_for_local, local, || {
            self.rules
                .offsets_seconds_for_local(format_local(local))
                .into_iter()
                .filter_map(FixedOffset::east_opt)
                .collect()
        })
    }
}
