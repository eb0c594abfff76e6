//! The home screen (the case list) and the scenario picker.

use super::error::vault_error;
use super::present::{calendar_warnings, platform_label, progress_text, tr};
use super::timing::{deadline_view, is_overdue};
use super::views::*;
use super::{App, AppError, HomeView, ScenarioPickerView, ViewContext};
use chrono::{DateTime, Utc};

use crate::calendar::ChinaCalendar;
use crate::rules::RuleBook;
use crate::text::Lang;
use crate::vault::{CaseSummary, RuleFlag, StepBrief};

/// How many case cards the home screen words at first, and how many more each
/// [`super::Event::ShowMoreCases`] adds. A phone shows five to eight; the rest are worded
/// when the user scrolls to them, so a vault of a thousand cases opens as fast as one of
/// thirty (docs/performance.md, "Home in pages").
pub const HOME_PAGE: usize = 30;

impl App {
    /// Home: the first [`HOME_PAGE`] open cases, most urgent first.
    pub fn home(&self, ctx: &ViewContext) -> Result<HomeView, AppError> {
        self.home_view(ctx, false, Some(HOME_PAGE))
    }

    /// Home showing the first `shown` open cases (at least one), most urgent first: what
    /// a shell that keeps its own list asks for as the user scrolls.
    pub fn home_showing(&self, ctx: &ViewContext, shown: usize) -> Result<HomeView, AppError> {
        self.home_view(ctx, false, Some(shown.max(1)))
    }

    /// Home with every open case, and the archived cases listed too when `archived`
    /// (most recent first): what the CLI prints.
    pub fn home_with_archived(
        &self,
        ctx: &ViewContext,
        archived: bool,
    ) -> Result<HomeView, AppError> {
        self.home_view(ctx, archived, None)
    }

    /// Home: the open cases ordered by urgency, of which the first `limit` (all when
    /// none) are worded as cards; the archived cases too when `archived`. The order is
    /// decided on the list lines alone, so the cards not shown cost no words.
    pub fn home_view(
        &self,
        ctx: &ViewContext,
        archived: bool,
        limit: Option<usize>,
    ) -> Result<HomeView, AppError> {
        let vault = self.vault(ctx.now)?;
        let book = self.rule_book()?;
        let err = |e| vault_error(e, None, ctx.lang);
        let all = vault.list_cases(true, ctx.now).map_err(err)?;
        let calendar = vault.deadline_calc().calendar();
        let (archived_list, mut open): (Vec<CaseSummary>, Vec<CaseSummary>) =
            all.into_iter().partition(|c| c.archived);
        sort_by_urgency(&mut open, ctx.now);
        let open_count = open.len();
        open.truncate(limit.unwrap_or(usize::MAX));
        let cases: Vec<CaseCard> = open
            .into_iter()
            .map(|c| case_card(ctx, &book, c, calendar))
            .collect();
        let archived_count = archived_list.len();
        let mut home = build_home(ctx, cases, open_count, archived_count, calendar);
        if archived {
            home.archived_cases = archived_list
                .into_iter()
                .map(|c| case_card(ctx, &book, c, calendar))
                .collect();
        }
        Ok(home)
    }

    /// The scenario picker.
    pub fn scenario_picker(&self, ctx: &ViewContext) -> Result<ScenarioPickerView, AppError> {
        let flags = crate::vault::read_rule_flags(&self.dir, None).unwrap_or_default();
        Ok(build_picker(ctx, &*self.rule_book()?, &flags))
    }
}

/// One case on the home screen, from its list line (no case is loaded).
fn case_card(
    ctx: &ViewContext,
    book: &RuleBook,
    case: CaseSummary,
    calendar: &ChinaCalendar,
) -> CaseCard {
    let lang = ctx.lang;
    let running = case.next_deadline.as_ref().map(|n| {
        let v = deadline_view(lang, n.sense, &n.deadline, ctx.now, &ctx.zone, calendar);
        (n.brief.title.get(lang).to_string(), v)
    });
    let step_name = |s: &StepBrief| match lang {
        Lang::Zh => format!("第 {} 步「{}」", s.number, s.title.get(lang)),
        Lang::En => format!("step {} “{}”", s.number, s.title.get(lang)),
    };
    // The next step, unless it waits for the answer to a step handed in.
    let waiting_for = case
        .next_step
        .as_ref()
        .and_then(|n| case.submitted.iter().find(|s| n.depends_on.contains(&s.id)));
    let next_action = match (&case.next_step, waiting_for, case.submitted.first()) {
        (_, Some(w), _) | (None, None, Some(w)) => Some(match lang {
            Lang::Zh => format!("等待结果：{}", step_name(w)),
            Lang::En => format!("Waiting for the answer to {}", step_name(w)),
        }),
        (Some(n), None, _) => Some(match lang {
            Lang::Zh => format!("下一步：{}", step_name(n)),
            Lang::En => format!("Next: {}", step_name(n)),
        }),
        (None, None, None) => None,
    };
    let platform = book
        .get(&case.scenario)
        .map(|sc| platform_label(lang, &sc.pack.platform))
        .unwrap_or_default();
    CaseCard {
        id: case.id,
        scenario: case.scenario,
        title: case.title.into_lang(lang),
        platform,
        settled: case.progress.settled as i64,
        total: case.progress.total as i64,
        progress_text: progress_text(lang, case.progress.settled, case.progress.total),
        next_action,
        overdue: running.as_ref().is_some_and(|(_, v)| v.overdue),
        estimated: running.as_ref().is_some_and(|(_, v)| v.estimated),
        next_deadline_step: running.as_ref().map(|(t, _)| t.clone()),
        next_deadline: running.map(|(_, v)| v),
        updated_at: case.updated_at,
    }
}

/// Overdue first (oldest first), then by the nearest running deadline, then the most
/// recently updated. Decided on the list lines, before any card is worded; a card's
/// `overdue` is the same [`is_overdue`].
fn sort_by_urgency(cases: &mut [CaseSummary], now: DateTime<Utc>) {
    let key = |c: &CaseSummary| {
        let next = c.next_deadline.as_ref();
        (
            !next.is_some_and(|n| is_overdue(n.sense, &n.deadline, now)),
            next.is_none(),
            next.map(|n| n.deadline.deadline_utc),
        )
    };
    crate::sort::sort_by(cases, |a, b| {
        key(a).cmp(&key(b)).then(b.updated_at.cmp(&a.updated_at))
    });
}

fn build_home(
    ctx: &ViewContext,
    cases: Vec<CaseCard>,
    open_count: usize,
    archived: usize,
    calendar: &ChinaCalendar,
) -> HomeView {
    let lang = ctx.lang;
    let remaining = open_count.saturating_sub(cases.len());
    let more_cases = (remaining > 0).then(|| MoreCases {
        text: match lang {
            Lang::Zh => format!("还有 {remaining} 个进行中的退出流程"),
            Lang::En if remaining == 1 => "1 more exit in progress".to_string(),
            Lang::En => format!("{remaining} more exits in progress"),
        },
        label: tr(lang, "显示更多", "Show more"),
        remaining: remaining as i64,
        next_shown: (cases.len() + HOME_PAGE).min(open_count) as i64,
    });
    HomeView {
        empty_text: cases.is_empty().then(|| {
            tr(
                lang,
                "还没有进行中的退出流程。选择你要退出的平台关系，按步骤完成，截止日期和证据都会帮你记好。",
                "No exit in progress. Pick the relationship you want to leave; the steps, deadlines and evidence are kept for you.",
            )
        }),
        cases,
        open_count: open_count as i64,
        more_cases,
        archived_count: archived as i64,
        archived_cases: Vec::new(),
        calendar_warnings: calendar_warnings(lang, calendar, ctx.now),
        start_label: tr(lang, "开始一个退出流程", "Start an exit"),
        clock_warning: super::clock::clock_warning(lang, ctx.now),
    }
}

fn build_picker(ctx: &ViewContext, book: &RuleBook, flags: &[RuleFlag]) -> ScenarioPickerView {
    let lang = ctx.lang;
    let mut groups: Vec<PlatformGroup> = Vec::new();
    for sc in book.scenarios() {
        let card = ScenarioCard {
            id: sc.id().to_string(),
            title: sc.title().get(lang).to_string(),
            summary: sc.pack.summary.get(lang).to_string(),
            pack_version: sc.pack.version.clone(),
            last_reviewed: sc.pack.last_reviewed.clone(),
            last_reviewed_text: match lang {
                Lang::Zh => format!("规则最近审核：{}", sc.pack.last_reviewed),
                Lang::En => format!("Rules last reviewed {}", sc.pack.last_reviewed),
            },
            flagged_rules: flags.iter().filter(|f| f.scenario == sc.id()).count() as i64,
            steps_in_pack: sc.pack.steps.len() as i64,
        };
        match groups.iter_mut().find(|g| g.platform == sc.pack.platform) {
            Some(g) => g.scenarios.push(card),
            None => groups.push(PlatformGroup {
                platform: sc.pack.platform.clone(),
                label: picker_platform_label(lang, sc),
                scenarios: vec![card],
            }),
        }
    }
    ScenarioPickerView { groups }
}

/// The platform's name; for a platform this build does not know (one a rule update
/// added), the part of the scenario's title before its colon ("哔哩哔哩：退出公会"), so
/// that no internal id shows.
fn picker_platform_label(lang: Lang, sc: &crate::rules::Scenario) -> String {
    let known = platform_label(lang, &sc.pack.platform);
    if known != sc.pack.platform {
        return known;
    }
    let title = sc.title().get(lang);
    match title.split_once(['：', ':']) {
        Some((name, _)) if !name.trim().is_empty() => name.trim().to_string(),
        _ => known,
    }
}
