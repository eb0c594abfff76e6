//! The precomputed day table behind the calendar's O(1) queries.
//!
//! Days are numbered by `NaiveDate::num_days_from_ce` ("day number"). The table covers a
//! contiguous range `[start, end)` of day numbers (whole years around the years with data).
//! Outside it every day follows the weekend rule and is an estimate.
//!
//! The whole calendar is described by one function, `rank(x)`: the number of working days
//! with a day number `< x`, counted from the table's start (negative before it). Inside the
//! table it is the prefix sum `cum`; outside, a closed-form count of Monday–Friday days.
//! Its inverse `nth(r)` gives the working day of rank `r` (`working[r]` inside the table).
//! With them:
//!
//! - working days in `(a, b]` = `rank(b + 1) - rank(a + 1)`;
//! - `a` plus `n > 0` working days = `nth(rank(a + 1) + n - 1)`;
//! - `a` minus `n > 0` working days = `nth(rank(a) - n)`.

/// Flag: the day is a working day.
pub(crate) const WORKING: u8 = 1;
/// Flag: the day's classification is an estimate (its year's schedule is unknown).
pub(crate) const ESTIMATED: u8 = 2;
/// Flag: the day is listed in a year file (holiday or make-up working day).
pub(crate) const LISTED: u8 = 4;

/// Number of Monday–Friday days with a day number `< x` (relative to day number 1,
/// 0001-01-01, a Monday in the proleptic Gregorian calendar).
#[inline]
pub(crate) fn weekdays_before(x: i64) -> i64 {
    let t = x - 1;
    5 * t.div_euclid(7) + t.rem_euclid(7).min(5)
}

/// The Monday–Friday day `y` with `weekdays_before(y) == r`.
#[inline]
pub(crate) fn nth_weekday(r: i64) -> i64 {
    1 + 7 * r.div_euclid(5) + r.rem_euclid(5)
}

/// True when day number `x` is Monday–Friday.
#[inline]
pub(crate) fn is_weekday(x: i64) -> bool {
    (x - 1).rem_euclid(7) < 5
}

/// Per-day flags and prefix sums over `[start, start + len)`.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// Day number of the first day.
    pub start: i64,
    /// Flags (`WORKING`, `ESTIMATED`, `LISTED`) per day.
    pub flags: Vec<u8>,
    /// `cum[i]`: working days among the first `i` days. `len + 1` entries.
    cum: Vec<u32>,
    /// Offsets (from `start`) of the working days, in order.
    working: Vec<u32>,
    /// `next_est[i]`: offset of the first estimated day at or after offset `i`, or `len`.
    next_est: Vec<u32>,
    /// `weekdays_before(start)` and `weekdays_before(end)`, cached.
    wd_start: i64,
    wd_end: i64,
}

impl Table {
    /// Builds the prefix structures from per-day flags.
    pub fn new(start: i64, flags: Vec<u8>) -> Table {
        let len = flags.len();
        let mut cum = Vec::with_capacity(len + 1);
        let mut working = Vec::with_capacity(len);
        let mut acc = 0u32;
        cum.push(0);
        for (i, &f) in flags.iter().enumerate() {
            if f & WORKING != 0 {
                working.push(i as u32);
                acc += 1;
            }
            cum.push(acc);
        }
        let mut next_est = vec![len as u32; len + 1];
        for i in (0..len).rev() {
            next_est[i] = if flags[i] & ESTIMATED != 0 {
                i as u32
            } else {
                next_est[i + 1]
            };
        }
        Table {
            start,
            wd_start: weekdays_before(start),
            wd_end: weekdays_before(start + len as i64),
            flags,
            cum,
            working,
            next_est,
        }
    }

    /// One past the last day number covered.
    #[inline]
    pub fn end(&self) -> i64 {
        self.start + self.flags.len() as i64
    }

    /// Flags of day `x`, or `None` outside the table.
    #[inline]
    pub fn flags_of(&self, x: i64) -> Option<u8> {
        let off = x - self.start;
        if off >= 0 {
            self.flags.get(off as usize).copied()
        } else {
            None
        }
    }

    /// Working days with a day number `< x`, counted from the table start (negative before).
    #[inline]
    pub fn rank(&self, x: i64) -> i64 {
        let off = x - self.start;
        if off <= 0 {
            weekdays_before(x) - self.wd_start
        } else if let Some(&c) = self.cum.get(off as usize) {
            i64::from(c)
        } else {
            self.total() + weekdays_before(x) - self.wd_end
        }
    }

    /// The working day with rank `r` (inverse of [`Table::rank`]).
    #[inline]
    pub fn nth(&self, r: i64) -> i64 {
        if r < 0 {
            nth_weekday(r + self.wd_start)
        } else if let Some(&off) = self.working.get(r as usize) {
            self.start + i64::from(off)
        } else {
            nth_weekday(r - self.total() + self.wd_end)
        }
    }

    #[inline]
    fn total(&self) -> i64 {
        self.working.len() as i64
    }

    /// The first estimated day in `[lo, hi]` (day numbers), if any.
    #[inline]
    pub fn first_estimated(&self, lo: i64, hi: i64) -> Option<i64> {
        if lo > hi {
            return None;
        }
        if lo < self.start {
            return Some(lo);
        }
        let end = self.end();
        if lo >= end {
            return Some(lo);
        }
        let found = self.start + i64::from(self.next_est[(lo - self.start) as usize]);
        if found <= hi && found < end {
            Some(found)
        } else if hi >= end {
            Some(end)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_arithmetic_round_trips() {
        for x in -30i64..30 {
            if is_weekday(x) {
                assert_eq!(nth_weekday(weekdays_before(x)), x);
            }
            assert_eq!(
                weekdays_before(x + 1) - weekdays_before(x),
                i64::from(is_weekday(x))
            );
        }
        // 2026-09-21 is a Monday.
        let mon = chrono::NaiveDate::from_ymd_opt(2026, 9, 21).unwrap();
        assert!(is_weekday(i64::from(chrono::Datelike::num_days_from_ce(
            &mon
        ))));
    }

    #[test]
    fn rank_and_nth_agree_across_table_edges() {
        // A 3-week table starting on a Monday, with its whole second week off.
        let start = 1 + 7 * 100;
        let flags: Vec<u8> = (0..21)
            .map(|i| {
                if (7..14).contains(&i) || !is_weekday(start + i) {
                    0
                } else {
                    WORKING
                }
            })
            .collect();
        let t = Table::new(start, flags);
        for x in start - 20..t.end() + 20 {
            let working = t.flags_of(x).map_or(is_weekday(x), |f| f & WORKING != 0);
            assert_eq!(t.rank(x + 1) - t.rank(x), i64::from(working), "day {x}");
            if working {
                assert_eq!(t.nth(t.rank(x)), x, "day {x}");
            }
        }
    }
}
