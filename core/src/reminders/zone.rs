//! The user's time zone, from whatever knows its rules.
//!
//! Reminders need only two questions answered about a zone: the offset in force at an
//! instant, and the offsets a local wall-clock time can have (none in a spring-forward gap,
//! two in an autumn fold). [`ZoneRules`] asks exactly that, so the rules can come from the
//! phone's own, OS-updated tz database (java.time, Foundation `TimeZone`) through the FFI,
//! from a fixed offset, or — with the `tzdb` feature — from `chrono-tz` (the CLI). The FFI
//! library is built without `tzdb` and embeds no tz database.
//!
//! [`UserZone`] wraps the rules in an `Arc` and implements [`chrono::TimeZone`], so the
//! planner converts with `with_timezone(&zone)` and `zone.from_local_datetime(..)` as with
//! any chrono zone.

use std::fmt;
use std::sync::Arc;

use chrono::{
    DateTime, FixedOffset, MappedLocalTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
    Utc,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The rules of one time zone.
pub trait ZoneRules: Send + Sync + fmt::Debug {
    /// An identifier, normally the IANA name (`Europe/Berlin`); shown to the user next to
    /// local times and used to serialize the zone.
    fn id(&self) -> String;
    /// The offset from UTC in force at `utc`.
    fn offset_at(&self, utc: DateTime<Utc>) -> FixedOffset;
    /// The offsets the wall-clock time `local` can have: none in a gap (clocks going
    /// forward), one normally, two in a fold (clocks going back), the earlier instant's
    /// offset first. [`UserZone`] sorts them itself, so the order is not relied upon.
    fn offsets_for_local(&self, local: NaiveDateTime) -> Vec<FixedOffset>;
}

/// A zone with one offset all year, under a given id.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FixedRules {
    id: String,
    offset: FixedOffset,
}

impl ZoneRules for FixedRules {
    fn id(&self) -> String {
        self.id.clone()
    }

    fn offset_at(&self, _utc: DateTime<Utc>) -> FixedOffset {
        self.offset
    }

    fn offsets_for_local(&self, _local: NaiveDateTime) -> Vec<FixedOffset> {
        vec![self.offset]
    }
}

/// The IANA id Beijing time goes by. China has kept UTC+08:00 without daylight saving since
/// 1991, so a fixed offset gives the same answers as the tz database for every date a
/// reminder can have.
pub const BEIJING_ZONE_ID: &str = "Asia/Shanghai";

/// The user's time zone: cheap to clone (an `Arc` inside), usable as a [`chrono::TimeZone`].
///
/// Two zones are equal when they share their rules or have the same id.
#[derive(Clone)]
pub struct UserZone {
    rules: Arc<dyn ZoneRules>,
}

impl UserZone {
    /// A zone that is always `offset` from UTC; its id is the offset (`+08:00`, `UTC` for
    /// zero).
    pub fn fixed(offset: FixedOffset) -> UserZone {
        let secs = offset.local_minus_utc();
        let id = if secs == 0 {
            "UTC".to_string()
        } else {
            offset.to_string()
        };
        UserZone::fixed_with_id(offset, id)
    }

    /// A zone that is always `offset` from UTC, under `id`.
    pub fn fixed_with_id(offset: FixedOffset, id: impl Into<String>) -> UserZone {
        UserZone::from_rules(Arc::new(FixedRules {
            id: id.into(),
            offset,
        }))
    }

    /// Beijing time: UTC+08:00 under the id `Asia/Shanghai` (the default zone).
    pub fn beijing() -> UserZone {
        UserZone::fixed_with_id(crate::calendar::BEIJING, BEIJING_ZONE_ID)
    }

    /// A zone whose rules come from elsewhere (the phone's tz database through the FFI).
    pub fn from_rules(rules: Arc<dyn ZoneRules>) -> UserZone {
        UserZone { rules }
    }

    /// An IANA zone from the tz database compiled into this library (`chrono-tz`).
    #[cfg(feature = "tzdb")]
    pub fn iana(name: &str) -> Option<UserZone> {
        let tz: chrono_tz::Tz = name.trim().parse().ok()?;
        Some(UserZone::from(tz))
    }

    /// Parses a zone id: an IANA name (with the `tzdb` feature), `Asia/Shanghai` (always:
    /// Beijing time), `UTC`/`Z`, or a fixed offset `+HH:MM` / `-HH:MM`.
    pub fn parse(id: &str) -> Option<UserZone> {
        let id = id.trim();
        #[cfg(feature = "tzdb")]
        if let Some(z) = UserZone::iana(id) {
            return Some(z);
        }
        if id == BEIJING_ZONE_ID {
            return Some(UserZone::beijing());
        }
        if id == "UTC" || id == "Z" {
            return Some(UserZone::fixed(FixedOffset::east_opt(0)?));
        }
        let offset: FixedOffset = id.parse().ok()?;
        Some(UserZone::fixed(offset))
    }

    /// The zone's id (`Europe/Berlin`).
    pub fn id(&self) -> String {
        self.rules.id()
    }

    /// The rules behind the zone.
    pub fn rules(&self) -> &Arc<dyn ZoneRules> {
        &self.rules
    }

    /// The offset in force at `utc`.
    pub fn offset_at(&self, utc: DateTime<Utc>) -> FixedOffset {
        self.rules.offset_at(utc)
    }

    fn offset(&self, fixed: FixedOffset) -> ZoneOffset {
        ZoneOffset {
            zone: self.clone(),
            fixed,
        }
    }
}

impl Default for UserZone {
    fn default() -> UserZone {
        UserZone::beijing()
    }
}

impl fmt::Debug for UserZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("UserZone").field(&self.rules.id()).finish()
    }
}

impl fmt::Display for UserZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rules.id())
    }
}

impl PartialEq for UserZone {
    fn eq(&self, other: &UserZone) -> bool {
        Arc::ptr_eq(&self.rules, &other.rules) || self.rules.id() == other.rules.id()
    }
}

impl Eq for UserZone {}

/// Serialized as its id.
impl Serialize for UserZone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id())
    }
}

/// Read back with [`UserZone::parse`]: without the `tzdb` feature only Beijing time, UTC and
/// fixed offsets can be read.
impl<'de> Deserialize<'de> for UserZone {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<UserZone, D::Error> {
        let id = String::deserialize(d)?;
        UserZone::parse(&id)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown time zone `{id}`")))
    }
}

/// An offset of a [`UserZone`]: the fixed offset plus the zone it came from (so a
/// `DateTime<UserZone>` keeps its zone).
#[derive(Clone, Debug)]
pub struct ZoneOffset {
    zone: UserZone,
    fixed: FixedOffset,
}

impl ZoneOffset {
    pub fn zone(&self) -> &UserZone {
        &self.zone
    }
}

impl Offset for ZoneOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

/// Shown as the fixed offset (`+02:00`).
impl fmt::Display for ZoneOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.fixed, f)
    }
}

impl TimeZone for UserZone {
    type Offset = ZoneOffset;

    fn from_offset(offset: &ZoneOffset) -> UserZone {
        offset.zone.clone()
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<ZoneOffset> {
        self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> MappedLocalTime<ZoneOffset> {
        let mut offsets = self.rules.offsets_for_local(*local);
        // Earlier instant first: the larger offset.
        crate::sort::sort_by_key(&mut offsets, |o| std::cmp::Reverse(o.local_minus_utc()));
        offsets.dedup();
        match offsets.as_slice() {
            [] => MappedLocalTime::None,
            [one] => MappedLocalTime::Single(self.offset(*one)),
            [first, .., last] => {
                MappedLocalTime::Ambiguous(self.offset(*first), self.offset(*last))
            }
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> ZoneOffset {
        self.offset_from_utc_datetime(&utc.and_time(NaiveTime::MIN))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> ZoneOffset {
        self.offset(self.rules.offset_at(utc.and_utc()))
    }
}

#[cfg(feature = "tzdb")]
mod tzdb {
    use super::*;

    /// `chrono-tz` rules.
    #[derive(Debug)]
    struct TzRules(chrono_tz::Tz);

    impl ZoneRules for TzRules {
        fn id(&self) -> String {
            self.0.name().to_string()
        }

        fn offset_at(&self, utc: DateTime<Utc>) -> FixedOffset {
            self.0.offset_from_utc_datetime(&utc.naive_utc()).fix()
        }

        fn offsets_for_local(&self, local: NaiveDateTime) -> Vec<FixedOffset> {
            match self.0.offset_from_local_datetime(&local) {
                MappedLocalTime::Single(o) => vec![o.fix()],
                MappedLocalTime::Ambiguous(a, b) => vec![a.fix(), b.fix()],
                MappedLocalTime::None => Vec::new(),
            }
        }
    }

    impl From<chrono_tz::Tz> for UserZone {
        fn from(tz: chrono_tz::Tz) -> UserZone {
            UserZone::from_rules(Arc::new(TzRules(tz)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    /// Central European rules for 2026 only, hand-written: the clocks go forward at
    /// 2026-03-29 01:00 UTC and back at 2026-10-25 01:00 UTC.
    #[derive(Debug)]
    struct Cet2026;

    impl ZoneRules for Cet2026 {
        fn id(&self) -> String {
            "Test/CET".into()
        }
        fn offset_at(&self, utc: DateTime<Utc>) -> FixedOffset {
            let summer = utc >= dt("2026-03-29T01:00:00").and_utc()
                && utc < dt("2026-10-25T01:00:00").and_utc();
            FixedOffset::east_opt(if summer { 7200 } else { 3600 }).unwrap()
        }
        fn offsets_for_local(&self, local: NaiveDateTime) -> Vec<FixedOffset> {
            // Deliberately the later instant first: UserZone sorts.
            [3600, 7200]
                .into_iter()
                .map(|s| FixedOffset::east_opt(s).unwrap())
                .filter(|o| {
                    let utc =
                        (local - chrono::Duration::seconds(o.local_minus_utc().into())).and_utc();
                    self.offset_at(utc) == *o
                })
                .collect()
        }
    }

    #[test]
    fn fixed_zone_and_ids() {
        let z = UserZone::beijing();
        assert_eq!(z.id(), "Asia/Shanghai");
        let t = dt("2026-10-10T15:59:59").and_utc().with_timezone(&z);
        assert_eq!(t.to_rfc3339(), "2026-10-10T23:59:59+08:00");
        assert_eq!(
            UserZone::fixed(FixedOffset::east_opt(-5 * 3600).unwrap()).id(),
            "-05:00"
        );
        assert_eq!(UserZone::parse("+05:30").unwrap().id(), "+05:30");
        assert_eq!(UserZone::parse("UTC").unwrap().id(), "UTC");
        assert_eq!(
            UserZone::parse("Asia/Shanghai").unwrap().id(),
            "Asia/Shanghai"
        );
        assert!(UserZone::parse("Mars/Olympus").is_none());
        assert_eq!(
            serde_json::to_string(&UserZone::beijing()).unwrap(),
            "\"Asia/Shanghai\""
        );
    }

    #[test]
    fn rules_from_elsewhere_give_gaps_and_folds() {
        let z = UserZone::from_rules(Arc::new(Cet2026));
        assert_eq!(z.id(), "Test/CET");
        assert!(z
            .from_local_datetime(&dt("2026-03-29T02:30:00"))
            .single()
            .is_none());
        match z.from_local_datetime(&dt("2026-10-25T02:30:00")) {
            MappedLocalTime::Ambiguous(a, b) => {
                assert_eq!(a.to_rfc3339(), "2026-10-25T02:30:00+02:00");
                assert_eq!(b.to_rfc3339(), "2026-10-25T02:30:00+01:00");
                assert!(a < b);
            }
            other => panic!("{other:?}"),
        }
        let t = dt("2026-10-26T08:30:00").and_utc().with_timezone(&z);
        assert_eq!(t.to_rfc3339(), "2026-10-26T09:30:00+01:00");
        assert_eq!(t.timezone(), z);
    }

    #[cfg(feature = "tzdb")]
    #[test]
    fn iana_zones_agree_with_hand_written_rules() {
        let berlin = UserZone::iana("Europe/Berlin").unwrap();
        let cet = UserZone::from_rules(Arc::new(Cet2026));
        for s in [
            "2026-03-29T00:59:59",
            "2026-03-29T01:00:00",
            "2026-10-25T00:30:00",
        ] {
            let utc = dt(s).and_utc();
            assert_eq!(berlin.offset_at(utc), cet.offset_at(utc), "{s}");
        }
        for s in [
            "2026-03-29T02:30:00",
            "2026-10-25T02:30:00",
            "2026-10-25T09:30:00",
        ] {
            assert_eq!(
                berlin.from_local_datetime(&dt(s)),
                cet.from_local_datetime(&dt(s))
                    .map(|t| t.with_timezone(&berlin)),
                "{s}"
            );
        }
        assert_eq!(berlin.id(), "Europe/Berlin");
        assert!(UserZone::iana("Mars/Olympus").is_none());
    }
}
