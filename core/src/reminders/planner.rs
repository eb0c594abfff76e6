//! The pure planner: subjects + state + now + settings → reminders; and the diff.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, SubsecRound, Timelike, Utc};
use sha2::{Digest, Sha256};

use super::time::{add_working_days, at_local, beijing, next_working_day, previous_working_day};
use super::{
    DurationUnit, MissedReminder, Reminder, ReminderKind, ReminderSettings, ReminderState,
    ReminderSubject, SnoozeChoice, StepKind, WorkingDays, BEIJING,
};
use crate::text::{minute_text, Text};

/// Working days between the first follow-up and the escalation follow-up.
pub const FOLLOW_UP_ESCALATE_AFTER_WORKING_DAYS: u32 = 3;

/// A catch-up body lists at most this many missed reminders, then "and N more".
pub const MAX_CATCH_UP_LISTED: usize = 5;

/// Hex digits kept from SHA-256 for ids, revisions and fingerprints (48 bits).
const HASH_HEX: usize = 12;

pub(crate) fn short_hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(HASH_HEX);
    for b in digest.iter().take(HASH_HEX / 2) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// The stable id of a step's reminder of one kind: depends on nothing else.
pub(crate) fn reminder_id(case_id: &str, step_id: &str, kind: ReminderKind) -> String {
    short_hash(&["tuilu.reminder.v1", case_id, step_id, kind.as_str()])
}

/// The stable id of a step's deadline (the calendar event).
pub(crate) fn deadline_id(case_id: &str, step_id: &str) -> String {
    short_hash(&["tuilu.deadline.v1", case_id, step_id])
}

/// Changes when the step's clock or deadline changes.
pub(crate) fn revision(s: &ReminderSubject) -> String {
    short_hash(&[
        "tuilu.revision.v1",
        &rfc3339(s.clock_started_at),
        &rfc3339(s.deadline),
    ])
}

pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A reminder before placement: where it would fire, and the instant after which it is
/// pointless (a quiet-hour move must not push it past that).
struct Draft {
    kind: ReminderKind,
    candidate: DateTime<Utc>,
    close: Option<DateTime<Utc>>,
}

fn drafts(s: &ReminderSubject, settings: &ReminderSettings, cal: &dyn WorkingDays) -> Vec<Draft> {
    let tz = &settings.tz;
    let pref = settings.preferred_time;
    let deadline = s.deadline;
    let deadline_day = beijing(deadline);
    let days = s.unit != DurationUnit::Hours;
    let mut out = Vec::new();
    let mut push = |kind, candidate, close| {
        out.push(Draft {
            kind,
            candidate,
            close,
        })
    };

    let before = || Draft {
        kind: ReminderKind::BeforeDeadline,
        candidate: at_local(tz, previous_working_day(cal, deadline_day), pref),
        close: Some(deadline),
    };
    // Day units: the deadline day (local date of the deadline instant) at the preferred
    // time; hours: the instant itself.
    let at_deadline = || {
        if days {
            let local_day = deadline.with_timezone(tz).date_naive();
            (at_local(tz, local_day, pref), Some(deadline))
        } else {
            (deadline, None)
        }
    };
    // First working day after the deadline date whose preferred time is past the deadline.
    let follow_up_day = || {
        let mut day = next_working_day(cal, deadline_day);
        while at_local(tz, day, pref) <= deadline {
            day = next_working_day(cal, day);
        }
        day
    };
    // On the whole minute: a deadline at 23:59:59 gives 20:59, not 20:59:59.
    let closing = |hours: i64| {
        let t = deadline - Duration::hours(hours);
        t - Duration::seconds(i64::from(t.second()))
            - Duration::nanoseconds(i64::from(t.nanosecond()))
    };

    match s.step_kind {
        StepKind::Action => {
            if days {
                let b = before();
                push(b.kind, b.candidate, b.close);
            } else {
                push(ReminderKind::WindowClosing3h, closing(3), Some(deadline));
                push(ReminderKind::WindowClosing1h, closing(1), Some(deadline));
            }
            let (t, close) = at_deadline();
            push(ReminderKind::AtDeadline, t, close);
            let f = follow_up_day();
            push(ReminderKind::FollowUp, at_local(tz, f, pref), None);
            if s.escalation.is_some() {
                let f2 = add_working_days(cal, f, FOLLOW_UP_ESCALATE_AFTER_WORKING_DAYS);
                push(ReminderKind::FollowUpEscalate, at_local(tz, f2, pref), None);
            }
        }
        StepKind::Wait => {
            push(ReminderKind::WaitingPeriodEnd, deadline, None);
            if s.escalation.is_some() {
                push(
                    ReminderKind::FollowUp,
                    at_local(tz, follow_up_day(), pref),
                    None,
                );
            }
        }
        StepKind::Window => {
            if days {
                let b = before();
                push(b.kind, b.candidate, b.close);
            }
            push(ReminderKind::WindowClosing3h, closing(3), Some(deadline));
            push(ReminderKind::WindowClosing1h, closing(1), Some(deadline));
            let (t, close) = at_deadline();
            push(ReminderKind::AtDeadline, t, close);
        }
    }
    out
}

/// Applies quiet hours to a candidate instant.
///
/// 1. Outside quiet hours: unchanged.
/// 2. Inside: moved to the end of that quiet period.
/// 3. If the result is at or after `close`, it fires instead at the latest non-quiet minute
///    before `close` (one minute before quiet hours began); if that is before `not_before`,
///    at the candidate itself when that is still before `close`; otherwise not at all.
/// 4. Anything before `not_before` (the step's clock start) is dropped.
pub(crate) fn place(
    candidate: DateTime<Utc>,
    close: Option<DateTime<Utc>>,
    not_before: DateTime<Utc>,
    settings: &ReminderSettings,
) -> Option<DateTime<Utc>> {
    let tz = &settings.tz;
    let quiet = settings.quiet_hours;
    let moved = match quiet {
        Some(q) if q.contains(tz, candidate) => q.end_of(tz, candidate),
        _ => candidate,
    };
    let t = match close {
        Some(c) if moved >= c => {
            let latest = match quiet {
                Some(q) => q.latest_open_before(tz, c),
                None => c - Duration::minutes(1),
            };
            if latest >= not_before {
                latest
            } else if candidate < c {
                candidate
            } else {
                return None;
            }
        }
        _ => moved,
    };
    (t >= not_before).then_some(t.trunc_subsecs(0))
}

fn fmt_local(t: DateTime<Utc>, settings: &ReminderSettings) -> String {
    minute_text(&t.with_timezone(&settings.tz))
}

/// The deadline in the user's local time and, when the wall clocks differ, Beijing time.
pub(crate) fn deadline_text(s: &ReminderSubject, settings: &ReminderSettings) -> Text {
    let local = s.deadline.with_timezone(&settings.tz);
    let bj = s.deadline.with_timezone(&BEIJING);
    let bj_s = minute_text(&bj);
    // A wait ends; a deadline or a window closes.
    let (zh, en) = match s.step_kind {
        StepKind::Wait => ("期满时间", "Period ends"),
        StepKind::Action | StepKind::Window => ("截止时间", "Deadline"),
    };
    let mut t = if local.naive_local() == bj.naive_local() {
        Text::new(
            format!("{zh}：北京时间 {bj_s}"),
            format!("{en}: {bj_s} Beijing time"),
        )
    } else {
        let local_s = minute_text(&local);
        let zone = settings.tz.id();
        Text::new(
            format!("{zh}：当地时间 {local_s}（{zone}），即北京时间 {bj_s}"),
            format!("{en}: {local_s} your time ({zone}), {bj_s} Beijing time"),
        )
    };
    if s.deadline_estimated {
        t.zh.push_str("（估算：当年节假日安排尚未公布）");
        t.en.push_str(" (estimated: that year's holiday schedule is not published yet)");
    }
    t
}

fn remaining(from: DateTime<Utc>, to: DateTime<Utc>) -> Text {
    let minutes = (to - from).num_minutes().max(0);
    if minutes >= 90 {
        let h = (minutes + 30) / 60;
        Text::new(format!("约{h}小时"), format!("about {h} hours"))
    } else {
        Text::new(format!("{minutes}分钟"), format!("{minutes} minutes"))
    }
}

/// A step reminder's title (also what a catch-up lists of each reminder it covers).
fn title_text(s: &ReminderSubject, kind: ReminderKind, fire_at: DateTime<Utc>) -> Text {
    let st = &s.step_title;
    let hours = s.unit == DurationUnit::Hours;
    match kind {
        ReminderKind::BeforeDeadline => Text::new(
            format!("即将截止：{}", st.zh),
            format!("Deadline coming up: {}", st.en),
        ),
        ReminderKind::WindowClosing3h | ReminderKind::WindowClosing1h => {
            let r = remaining(fire_at, s.deadline);
            Text::new(
                format!("还剩{}截止：{}", r.zh, st.zh),
                format!("Closes in {}: {}", r.en, st.en),
            )
        }
        ReminderKind::AtDeadline if s.step_kind == StepKind::Window && hours => Text::new(
            format!("窗口已关闭：{}", st.zh),
            format!("Window closed: {}", st.en),
        ),
        ReminderKind::AtDeadline if hours => Text::new(
            format!("已到截止时间：{}", st.zh),
            format!("Time is up: {}", st.en),
        ),
        ReminderKind::AtDeadline => Text::new(
            format!("截止日：{}", st.zh),
            format!("Deadline day: {}", st.en),
        ),
        ReminderKind::WaitingPeriodEnd => Text::new(
            format!("等待期结束：{}", st.zh),
            format!("Waiting period over: {}", st.en),
        ),
        ReminderKind::FollowUp if s.step_kind == StepKind::Wait => Text::new(
            format!("期满后请跟进：{}", st.zh),
            format!("Period over, follow up: {}", st.en),
        ),
        ReminderKind::FollowUp => Text::new(
            format!("已过截止时间，请跟进：{}", st.zh),
            format!("Deadline passed, follow up: {}", st.en),
        ),
        ReminderKind::FollowUpEscalate => Text::new(
            format!("仍无结果，考虑投诉：{}", st.zh),
            format!("Still no result, escalate: {}", st.en),
        ),
        ReminderKind::CatchUp | ReminderKind::RefillWindow => Text::default(),
    }
}

fn texts(
    s: &ReminderSubject,
    kind: ReminderKind,
    fire_at: DateTime<Utc>,
    settings: &ReminderSettings,
) -> (Text, Text) {
    let st = &s.step_title;
    let hours = s.unit == DurationUnit::Hours;
    let title = title_text(s, kind, fire_at);

    let guidance = match kind {
        ReminderKind::BeforeDeadline => Text::new(
            "这是截止前的最后一个工作日，还没有结果的话请准备跟进。",
            "This is the last working day before the deadline; if nothing has happened yet, get ready to follow up.",
        ),
        ReminderKind::WindowClosing3h | ReminderKind::WindowClosing1h => Text::new(
            "窗口即将关闭，需要操作的话请尽快。",
            "The window is about to close; act now if you need to.",
        ),
        ReminderKind::AtDeadline if hours => {
            Text::new("截止时间已到。", "The deadline has been reached.")
        }
        ReminderKind::AtDeadline => Text::new(
            "今天是截止日，请确认进展。",
            "This is the deadline day; check the progress.",
        ),
        ReminderKind::WaitingPeriodEnd => Text::new(
            "等待期已结束，可以进行下一步。",
            "The waiting period is over; you can go on to the next step.",
        ),
        ReminderKind::FollowUp => s.escalation.clone().unwrap_or_else(|| {
            Text::new(
                "截止时间已过仍无结果：再次联系平台客服查询进度，并保存沟通记录。",
                "No result by the deadline: contact the platform's customer service again about progress and keep a record.",
            )
        }),
        ReminderKind::FollowUpEscalate => {
            let n = FOLLOW_UP_ESCALATE_AFTER_WORKING_DAYS;
            let e = s.escalation.clone().unwrap_or_default();
            Text::new(
                format!("跟进{n}个工作日后仍无结果，请按投诉途径处理：{}", e.zh),
                format!(
                    "Still nothing {n} working days after following up; take the complaint route: {}",
                    e.en
                ),
            )
        }
        ReminderKind::CatchUp | ReminderKind::RefillWindow => Text::default(),
    };
    let dl = deadline_text(s, settings);
    let body = Text::new(
        format!(
            "{} · {}\n{}\n{}",
            s.case_title.zh, st.zh, dl.zh, guidance.zh
        ),
        format!(
            "{} · {}\n{}\n{}",
            s.case_title.en, st.en, dl.en, guidance.en
        ),
    );
    (title, body)
}

fn fingerprint(fire_at: Option<DateTime<Utc>>, title: &Text, body: &Text) -> String {
    let fire = fire_at.map(rfc3339).unwrap_or_default();
    short_hash(&[
        "tuilu.fingerprint.v1",
        &fire,
        &title.zh,
        &title.en,
        &body.zh,
        &body.en,
    ])
}

/// The reminder of `kind` for `s`, with its id ([`reminder_id`]) and the step's
/// [`revision`], which the caller has already computed.
fn build(
    s: &ReminderSubject,
    kind: ReminderKind,
    fire_at: DateTime<Utc>,
    snoozed: bool,
    settings: &ReminderSettings,
    (id, revision): (String, String),
) -> Reminder {
    let (title, body) = texts(s, kind, fire_at, settings);
    Reminder {
        id,
        kind,
        case_id: Some(s.case_id.clone()),
        step_id: Some(s.step_id.clone()),
        fire_at,
        local_time: local_rfc3339(fire_at, settings),
        fingerprint: fingerprint(Some(fire_at), &title, &body),
        title,
        body,
        deadline: Some(s.deadline),
        revision,
        snoozed,
        covers: Vec::new(),
    }
}

fn local_rfc3339(t: DateTime<Utc>, settings: &ReminderSettings) -> String {
    t.with_timezone(&settings.tz)
        .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)
}

/// How long a due reminder counts as in flight (shown, its delivery report not yet in)
/// before it is missed and joins a catch-up.
pub const DELIVERY_GRACE_MINUTES: i64 = 10;

/// Every reminder of every open subject, placed (quiet hours applied) but without state or
/// `now`: the raw occurrences, in plan order.
pub fn candidate_reminders(
    subjects: &[ReminderSubject],
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
) -> Vec<Reminder> {
    let mut out = Vec::new();
    for s in subjects.iter().filter(|s| super::gets_reminders(s.status)) {
        let step_revision = revision(s);
        for (t, kind) in placements(s, settings, cal) {
            let id = reminder_id(&s.case_id, &s.step_id, kind);
            out.push(build(
                s,
                kind,
                t,
                false,
                settings,
                (id, step_revision.clone()),
            ));
        }
    }
    sort(&mut out);
    out
}

/// When each reminder of one open step fires (quiet hours applied), in time order. Two
/// reminders of one step at the same instant (a quiet-hour move can do that): the more
/// urgent, later kind is kept.
fn placements(
    s: &ReminderSubject,
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
) -> BTreeMap<DateTime<Utc>, ReminderKind> {
    let mut by_time: BTreeMap<DateTime<Utc>, ReminderKind> = BTreeMap::new();
    for d in drafts(s, settings, cal) {
        if let Some(t) = place(d.candidate, d.close, s.clock_started_at, settings) {
            let e = by_time.entry(t).or_insert(d.kind);
            if d.kind > *e {
                *e = d.kind;
            }
        }
    }
    by_time
}

/// One occurrence while the plan is made: what ordering and state need, without the
/// words, which are written only for the occurrences the plan keeps.
struct Occurrence<'a> {
    subject: &'a ReminderSubject,
    /// The index of its step among the steps planned (for `latest`).
    step: usize,
    kind: ReminderKind,
    /// As planned, before a snooze.
    planned: DateTime<Utc>,
    /// As it fires now (snoozed or not).
    fire_at: DateTime<Utc>,
    snoozed: bool,
    id: String,
    /// The step's [`revision`], shared by its occurrences.
    revision: std::rc::Rc<str>,
    done: bool,
}

impl Occurrence<'_> {
    fn order(&self) -> (DateTime<Utc>, ReminderKind, &str, &str, &str) {
        (
            self.fire_at,
            self.kind,
            &self.subject.case_id,
            &self.subject.step_id,
            &self.id,
        )
    }

    /// What a catch-up keeps of a missed occurrence: no body, no fingerprint.
    fn missed(&self) -> MissedReminder {
        MissedReminder {
            id: self.id.clone(),
            revision: self.revision.to_string(),
            kind: self.kind,
            case_id: self.subject.case_id.clone(),
            step_id: self.subject.step_id.clone(),
            fire_at: self.fire_at,
            title: title_text(self.subject, self.kind, self.fire_at),
        }
    }

    fn build(&self, settings: &ReminderSettings) -> Reminder {
        build(
            self.subject,
            self.kind,
            self.fire_at,
            self.snoozed,
            settings,
            (self.id.clone(), self.revision.to_string()),
        )
    }
}

fn sort(v: &mut [Reminder]) {
    crate::sort::sort_by(v, |a, b| {
        (a.fire_at, a.kind, &a.case_id, &a.step_id, &a.id)
            .cmp(&(b.fire_at, b.kind, &b.case_id, &b.step_id, &b.id))
    });
}

/// The reminder plan at `now`.
///
/// - Only open steps (submitted or in progress) get reminders; see `docs/reminders.md` for
///   which kinds each step kind and unit gets and how quiet hours move them.
/// - A dismissal or snooze applies while its recorded revision matches the step's (the
///   step's clock and deadline unchanged). A snoozed reminder fires at the snoozed time,
///   as chosen (quiet hours are not applied to an explicit snooze).
/// - An occurrence is *done* when a delivery or acknowledgement was recorded at or after
///   its (effective) fire time.
/// - Of each step only the latest due occurrence (fire time ≤ `now`) counts; it is missed
///   unless done or dismissed (earlier ones are superseded by it). An occurrence due less
///   than [`DELIVERY_GRACE_MINUTES`] ago is not missed yet but still planned (in flight):
///   its delivery report may be on its way. All missed reminders
///   come back as ONE `catch_up` reminder, firing at
///   `now` (moved out of quiet hours), until a shell records that catch-up as delivered or
///   acknowledged (which marks everything it covers) or it is dismissed.
/// - Upcoming reminders (fire time > `now`) and the catch-up are sorted nearest first and
///   cut to `settings.limit`.
pub fn plan_reminders(
    subjects: &[ReminderSubject],
    state: &ReminderState,
    now: DateTime<Utc>,
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
) -> Vec<Reminder> {
    let now = now.trunc_subsecs(0);
    // Every occurrence with its planned time, as it fires now (snoozed or not), and
    // whether it is done.
    let mut occurrences: Vec<Occurrence<'_>> = Vec::new();
    // Per step, the latest occurrence planned at or before `now`: it supersedes the earlier
    // ones, also while it is snoozed to later. A step's occurrences are made together, so
    // this is known once its own are (no map over every step).
    let mut latest: Vec<Option<(DateTime<Utc>, ReminderKind)>> = Vec::new();
    for s in subjects.iter().filter(|s| super::gets_reminders(s.status)) {
        let step = latest.len();
        let mut step_latest: Option<(DateTime<Utc>, ReminderKind)> = None;
        let step_revision: std::rc::Rc<str> = revision(s).into();
        for (planned, kind) in placements(s, settings, cal) {
            let id = reminder_id(&s.case_id, &s.step_id, kind);
            let entry = state.entries.get(&id);
            let current = entry.filter(|e| *e.revision == *step_revision);
            let dismissed = current.is_some_and(|e| e.dismissed_at.is_some());
            // A snooze never moves a reminder earlier than its planned time: an early
            // snooze (of a reminder not due yet) leaves it where it was, so it cannot be
            // lost.
            let snoozed_to = current
                .and_then(|e| e.snoozed_until)
                .map(|u| u.trunc_subsecs(0))
                .filter(|u| *u > planned);
            let fire_at = snoozed_to.unwrap_or(planned);
            let done = dismissed
                || entry.is_some_and(|e| {
                    e.delivered_at.is_some_and(|d| d >= fire_at)
                        || e.acknowledged_at.is_some_and(|a| a >= fire_at)
                });
            if planned <= now && step_latest.is_none_or(|l| (planned, kind) > l) {
                step_latest = Some((planned, kind));
            }
            occurrences.push(Occurrence {
                subject: s,
                step,
                kind,
                planned,
                fire_at,
                snoozed: snoozed_to.is_some(),
                id,
                revision: std::rc::Rc::clone(&step_revision),
                done,
            });
        }
        latest.push(step_latest);
    }
    let mut upcoming = Vec::new();
    let mut missed = Vec::new();
    // A reminder due within the grace period may be on the screen already, its delivery
    // report still on the way: it stays planned (in flight), not missed.
    let in_flight_after = now - Duration::minutes(DELIVERY_GRACE_MINUTES);
    for o in &occurrences {
        if o.fire_at > in_flight_after {
            if !o.done {
                upcoming.push(o);
            }
        } else if !o.done && latest[o.step] == Some((o.planned, o.kind)) {
            // Missed unless delivered, acknowledged or dismissed; an earlier due
            // occurrence of the step is superseded by it.
            missed.push(o);
        }
    }
    // Only the nearest `limit` upcoming ones can be kept (a catch-up can only push one
    // out), so only they are worded.
    crate::sort::sort_by(&mut upcoming, |a, b| a.order().cmp(&b.order()));
    upcoming.truncate(settings.limit);
    let mut plan: Vec<Reminder> = upcoming.iter().map(|o| o.build(settings)).collect();
    if !missed.is_empty() {
        let mut covered: Vec<MissedReminder> = missed.iter().map(|o| o.missed()).collect();
        crate::sort::sort_by(&mut covered, |a, b| {
            (a.fire_at, a.kind, &a.case_id, &a.step_id, &a.id)
                .cmp(&(b.fire_at, b.kind, &b.case_id, &b.step_id, &b.id))
        });
        if let Some(c) = catch_up(&covered, state, now, settings) {
            plan.push(c);
        }
    }
    sort(&mut plan);
    plan.truncate(settings.limit);
    plan
}

fn catch_up(
    covered: &[MissedReminder],
    state: &ReminderState,
    now: DateTime<Utc>,
    settings: &ReminderSettings,
) -> Option<Reminder> {
    let mut keys: Vec<String> = covered
        .iter()
        .map(|r| format!("{}:{}", r.id, r.revision))
        .collect();
    crate::sort::sort(&mut keys);
    let mut parts: Vec<&str> = vec!["tuilu.catch_up.v1"];
    parts.extend(keys.iter().map(String::as_str));
    let id = short_hash(&parts);
    let revision = id.clone();

    let entry = state.entries.get(&id).filter(|e| e.revision == revision);
    if entry.is_some_and(|e| e.dismissed_at.is_some()) {
        return None;
    }
    // Seen: a delivery or acknowledgement recorded under the catch-up's own id (a shell
    // that reports ids only) after its latest snooze ended. The same missed set gives the
    // same id, so this catch-up does not fire again; a new missed reminder gives a new one.
    // (A delivery is recorded without a revision; a catch-up's id is its revision.)
    let seen = state
        .entries
        .get(&id)
        .and_then(|e| e.delivered_at.max(e.acknowledged_at));
    let snoozed_to = entry.and_then(|e| e.snoozed_until);
    if seen.is_some_and(|seen| snoozed_to.is_none_or(|u| seen >= u)) {
        return None;
    }
    let snoozed_until = snoozed_to.filter(|u| *u > now);
    let fire_at = match snoozed_until {
        Some(u) => u.trunc_subsecs(0),
        None => place(now, None, now, settings).unwrap_or(now),
    };

    let n = covered.len();
    let title = Text::new(
        format!("你错过了{n}条提醒"),
        format!("You missed {n} reminder{}", if n == 1 { "" } else { "s" }),
    );
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for r in covered.iter().take(MAX_CATCH_UP_LISTED) {
        let when = fmt_local(r.fire_at, settings);
        zh.push(format!("· {}（{}）", r.title.zh, when));
        en.push(format!("· {} ({})", r.title.en, when));
    }
    if n > MAX_CATCH_UP_LISTED {
        let more = n - MAX_CATCH_UP_LISTED;
        zh.push(format!("……另有{more}条"));
        en.push(format!("… and {more} more"));
    }
    let body = Text::new(zh.join("\n"), en.join("\n"));
    let covers = covered.to_vec();
    Some(Reminder {
        // A catch-up fires as soon as it is scheduled: its fingerprint ignores `now`.
        fingerprint: fingerprint(None, &title, &body),
        id,
        kind: ReminderKind::CatchUp,
        case_id: None,
        step_id: None,
        fire_at,
        local_time: local_rfc3339(fire_at, settings),
        title,
        body,
        deadline: None,
        revision,
        snoozed: snoozed_until.is_some(),
        covers,
    })
}

/// Finds a reminder by id: in the plan at `now` (which includes a catch-up) or among all
/// occurrences of the open steps.
pub fn find_reminder(
    subjects: &[ReminderSubject],
    state: &ReminderState,
    now: DateTime<Utc>,
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
    id: &str,
) -> Option<Reminder> {
    let unlimited = ReminderSettings {
        limit: usize::MAX,
        ..settings.clone()
    };
    plan_reminders(subjects, state, now, &unlimited, cal)
        .into_iter()
        .chain(candidate_reminders(subjects, settings, cal))
        .find(|r| r.id == id)
        // A catch-up already delivered (so no longer planned), e.g. snoozed from its
        // notification.
        .or_else(|| find_catch_up(subjects, state, now, settings, cal, id))
}

/// The catch-up with this id as it was planned at `at` or at an earlier instant: the plan
/// at `at`, then at each earlier fire time of the open steps' occurrences (and of their
/// snoozes), latest first. A shell may report a catch-up after another reminder became
/// due, when the plan at that moment has a catch-up with another id.
pub fn find_catch_up(
    subjects: &[ReminderSubject],
    state: &ReminderState,
    at: DateTime<Utc>,
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
    id: &str,
) -> Option<Reminder> {
    let unlimited = ReminderSettings {
        limit: usize::MAX,
        ..settings.clone()
    };
    let at = at.trunc_subsecs(0);
    let mut times: BTreeSet<DateTime<Utc>> = crate::sort::collect_sorted(
        candidate_reminders(subjects, settings, cal)
            .into_iter()
            .map(|r| r.fire_at)
            .chain(
                state
                    .entries
                    .values()
                    .filter_map(|e| e.snoozed_until.map(|u| u.trunc_subsecs(0))),
            )
            // A reminder due at `t` is in flight until the grace period ends: the catch-up of
            // that moment is planned just after it.
            .flat_map(|t| {
                [
                    t,
                    t + Duration::minutes(DELIVERY_GRACE_MINUTES) + Duration::seconds(1),
                ]
            })
            .filter(|t| *t < at),
    );
    times.insert(at);
    times.into_iter().rev().find_map(|t| {
        // The state as it was then: deliveries and acknowledgements recorded since (the
        // catch-up's own among them) had not happened yet.
        let mut then = state.clone();
        for e in then.entries.values_mut() {
            e.delivered_at = e.delivered_at.filter(|d| *d < t);
            e.acknowledged_at = e.acknowledged_at.filter(|a| *a < t);
        }
        plan_reminders(subjects, &then, t, &unlimited, cal)
            .into_iter()
            .find(|r| r.kind == ReminderKind::CatchUp && r.id == id)
    })
}

/// When a snooze of `reminder` chosen at `now` ends: [`snooze_until`], but never before
/// the reminder's planned (unsnoozed) time. Snoozing a reminder that is not due yet thus
/// keeps it at its planned time (it cannot fire early and then be missed); once it is due
/// (or for a catch-up), the snooze moves it later as chosen.
pub fn snooze_target(
    subjects: &[ReminderSubject],
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
    reminder: &Reminder,
    choice: SnoozeChoice,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    let until = snooze_until(choice, now, settings, cal);
    let planned = if reminder.kind == ReminderKind::CatchUp {
        None
    } else {
        candidate_reminders(subjects, settings, cal)
            .into_iter()
            .find(|r| r.id == reminder.id)
            .map(|r| r.fire_at)
    };
    planned.map_or(until, |p| until.max(p))
}

/// When a snooze chosen at `now` ends. "Tomorrow morning" is the next local day at the
/// preferred time; "next working day" the next working day after today's local date, at
/// the preferred time.
pub fn snooze_until(
    choice: SnoozeChoice,
    now: DateTime<Utc>,
    settings: &ReminderSettings,
    cal: &dyn WorkingDays,
) -> DateTime<Utc> {
    let today = now.with_timezone(&settings.tz).date_naive();
    let t = match choice {
        SnoozeChoice::TenMinutes => now + Duration::minutes(10),
        SnoozeChoice::OneHour => now + Duration::hours(1),
        SnoozeChoice::TomorrowMorning => at_local(
            &settings.tz,
            today.succ_opt().unwrap_or(today),
            settings.preferred_time,
        ),
        SnoozeChoice::NextWorkingDay => at_local(
            &settings.tz,
            next_working_day(cal, today),
            settings.preferred_time,
        ),
    };
    t.trunc_subsecs(0)
}

/// What a shell must change so that its scheduled notifications match the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Diff {
    /// Planned reminders not scheduled yet (or scheduled with an old fingerprint), in plan
    /// order.
    pub add: Vec<Reminder>,
    /// Scheduled tokens to cancel, as given.
    pub cancel: Vec<String>,
    /// Scheduled tokens to leave alone, as given.
    pub keep: Vec<String>,
}

/// Compares the plan with what a shell has scheduled. A scheduled token is a bare id or
/// `id#fingerprint` ([`Reminder::schedule_token`]); a bare id is kept while the id is
/// planned, a token with a fingerprint only while the fingerprint also matches (otherwise it
/// is cancelled and the reminder added again). Duplicate tokens of one id are cancelled.
pub fn diff<S: AsRef<str>>(planned: &[Reminder], scheduled: &[S]) -> Diff {
    let by_id: BTreeMap<&str, &Reminder> =
        crate::sort::collect_sorted(planned.iter().map(|r| (r.id.as_str(), r)));
    let mut kept: BTreeSet<&str> = BTreeSet::new();
    let mut out = Diff::default();
    for token in scheduled {
        let token = token.as_ref().trim();
        if token.is_empty() {
            continue;
        }
        let (id, fp) = match token.split_once('#') {
            Some((id, fp)) => (id, Some(fp)),
            None => (token, None),
        };
        match by_id.get(id) {
            Some(r)
                if !kept.contains(id) && (fp.is_none() || fp == Some(r.fingerprint.as_str())) =>
            {
                kept.insert(r.id.as_str());
                out.keep.push(token.to_string());
            }
            _ => out.cancel.push(token.to_string()),
        }
    }
    out.add = planned
        .iter()
        .filter(|r| !kept.contains(r.id.as_str()))
        .cloned()
        .collect();
    out
}
