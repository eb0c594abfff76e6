//! The rule-pack file format (TOML), as plain serde types.
//!
//! A pack is data, not code: one file per scenario, bundled into the binary and also
//! loadable from a file. See `docs/rule-packs.md` for the format reference.
//! Parsing a pack only checks its shape; `validate` checks its meaning.

use serde::{Deserialize, Serialize};

use crate::text::Text;

/// One scenario's rules, as written in its TOML file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// Stable id, `platform.scenario`, e.g. `douyin.guild-exit`.
    pub id: String,
    /// Platform key: `douyin`, `kuaishou`, `wechat-channels`, ...
    pub platform: String,
    /// Pack version (semantic version). Cases remember the version they were planned with.
    pub version: String,
    /// Date the pack as a whole was last reviewed, `YYYY-MM-DD`.
    pub last_reviewed: String,
    pub title: Text,
    #[serde(default)]
    pub summary: Text,
    /// Questions asked of the user.
    #[serde(default)]
    pub facts: Vec<FactDef>,
    /// Conditions that block the exit until remedied.
    #[serde(default)]
    pub preconditions: Vec<Precondition>,
    /// The checklist.
    #[serde(default)]
    pub steps: Vec<StepDef>,
    /// General warnings (not tied to one step).
    #[serde(default)]
    pub warnings: Vec<Notice>,
    /// What happens as a result of leaving (penalties, loss of status, data kept...).
    #[serde(default)]
    pub consequences: Vec<Notice>,
    /// Amounts computed from facts (compensation, tax...).
    #[serde(default)]
    pub formulas: Vec<Formula>,
    /// Letters and messages drafted from a case (notice, request, complaint...), see
    /// [`LetterDef`] and `docs/letters.md`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub letters: Vec<LetterDef>,
    /// Titles for a mode of the scenario (e.g. stop streaming but keep the account): the
    /// first whose condition holds replaces `title` in the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub title_variants: Vec<TitleVariant>,
}

/// A plan title that applies when its condition holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TitleVariant {
    pub when: String,
    pub title: Text,
}

/// The type of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactType {
    Bool,
    Integer,
    /// An amount in yuan (CNY), with at most two decimals.
    Money,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// An instant, RFC 3339.
    Datetime,
    /// One of `options`.
    Enum,
    Text,
}

impl FactType {
    pub fn as_str(self) -> &'static str {
        match self {
            FactType::Bool => "bool",
            FactType::Integer => "integer",
            FactType::Money => "money",
            FactType::Date => "date",
            FactType::Datetime => "datetime",
            FactType::Enum => "enum",
            FactType::Text => "text",
        }
    }
}

/// A question the plan may depend on.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactDef {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: FactType,
    pub prompt: Text,
    /// Allowed values of an enum fact.
    #[serde(default)]
    pub options: Vec<FactOption>,
    /// Value used when the user has not answered. Written as the fact's own type (bool,
    /// integer, number or string for money, string otherwise).
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    /// Optional lower bound for integer and money facts.
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub help: Text,
    /// Only letters use it (a name, a date, an order number): the plan never waits for
    /// it, the questionnaire shows it as optional, and a letter that needs it asks for it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// Whether the answer goes into a dispute bundle by default. Required: validation
    /// reports a fact without it (`None` only so that the report can name the fact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy: Option<Privacy>,
}

impl FactDef {
    /// True when the pack marks the fact public: the counterpart needs it to act, and a
    /// dispute bundle carries it by default. An unmarked fact counts as private.
    pub fn is_public(&self) -> bool {
        self.privacy == Some(Privacy::Public)
    }
}

/// Who may see a fact's answer in a dispute bundle (the zip the user hands to a platform,
/// a guild or a lawyer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Privacy {
    /// What the counterpart must see to act (which task, which order, who cancels):
    /// always in the bundle.
    Public,
    /// Amounts, balances, income, fans, contract terms, names, personal circumstances:
    /// in the bundle only when the user asks for it.
    Private,
}

/// One allowed value of an enum fact, with its label.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FactOption {
    pub value: String,
    pub label: Text,
}

/// Where a rule comes from, and how far it can be trusted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Seed file name, e.g. `000_f01062346a503d99.txt`.
    #[serde(default)]
    pub seed: String,
    /// The passage quoted verbatim from the seed.
    #[serde(default)]
    pub quote: String,
    #[serde(default)]
    pub confidence: Option<Confidence>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub last_reviewed: String,
    /// Reviewer's remark: doubts, conflicts with other sources, the article's opinion.
    #[serde(default)]
    pub note: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    High,
    Medium,
    Low,
}

impl Confidence {
    pub fn label(self) -> Text {
        match self {
            Confidence::High => Text::new("高", "high"),
            Confidence::Medium => Text::new("中", "medium"),
            Confidence::Low => Text::new("低", "low"),
        }
    }
}

/// A condition that blocks the exit while its `blocks_when` expression is true.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Precondition {
    pub id: String,
    /// Expression over facts; the exit is blocked while it is true.
    pub blocks_when: String,
    pub title: Text,
    pub remedy: Text,
    pub source: Option<Source>,
    /// The steps it holds back (they cannot be handed in while it applies). Empty: every
    /// step that is handed in (an exit application blocked as a whole).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocks: Vec<String>,
    /// Steps of the plan that remove it: once every one of them that is in the plan is
    /// done, it no longer applies (unlinking accounts ends "accounts still linked").
    /// Empty: only a changed fact removes it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved_by: Vec<String>,
}

/// How a step is carried out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    App,
    Pc,
    Web,
    CustomerService,
    Hotline,
    Email,
    Offline,
}

impl Channel {
    pub fn label(self) -> Text {
        match self {
            Channel::App => Text::new("手机App", "app"),
            Channel::Pc => Text::new("电脑端", "PC"),
            Channel::Web => Text::new("网页", "web"),
            Channel::CustomerService => Text::new("客服", "customer service"),
            Channel::Hotline => Text::new("客服热线", "hotline"),
            Channel::Email => Text::new("邮件", "e-mail"),
            Channel::Offline => Text::new("线下", "offline"),
        }
    }
}

/// What kind of step this is, which decides how reminders treat it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Something the user does; a duration is the other side's response time.
    #[default]
    Action,
    /// A waiting period (cooldown, notice period, transition); its end matters.
    Wait,
    /// A short window that closes (e.g. accept within 24 hours).
    Window,
}

/// The unit a duration counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    /// Working days under the China calendar (public holidays and make-up days).
    WorkingDays,
    /// Calendar days.
    NaturalDays,
    /// Exact hours.
    Hours,
}

impl DurationUnit {
    pub fn label(self) -> Text {
        match self {
            DurationUnit::WorkingDays => Text::new("个工作日", " working days"),
            DurationUnit::NaturalDays => Text::new("个自然日", " natural days"),
            DurationUnit::Hours => Text::new("小时", " hours"),
        }
    }
}

/// What a duration means to the user: whose move it is and whether its end is a limit or
/// a point from which something becomes possible. A cooldown, a minimum period or a
/// non-compete is never shown as a deadline (截止).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeSense {
    /// The other side (platform, customer service) should answer by the end.
    Deadline,
    /// You may do something only after the end (a cooldown, a non-compete, a penalty that
    /// lifts).
    Earliest,
    /// A period that lasts at least this long (a notice period, a transition).
    MinimumPeriod,
    /// You must act before the end (accept within 24 hours, stream within 90 days).
    Window,
    /// Something lapses by itself at the end, and letting it lapse is what the step asks
    /// (an untaken Xingtu task is cancelled after 24 hours): nothing to do by then.
    Lapse,
}

/// The sense of a duration: the pack's (every pack duration states it); a duration stored
/// by an older build reads by its step's kind: an action's duration is the other side's
/// answer time, a wait is a period that must run out, a window closes.
pub fn sense_of(kind: StepKind, d: Option<&DurationDef>) -> TimeSense {
    d.and_then(|d| d.sense).unwrap_or(match kind {
        StepKind::Action => TimeSense::Deadline,
        StepKind::Wait => TimeSense::MinimumPeriod,
        StepKind::Window => TimeSense::Window,
    })
}

impl TimeSense {
    pub const ALL: [TimeSense; 5] = [
        TimeSense::Deadline,
        TimeSense::Earliest,
        TimeSense::MinimumPeriod,
        TimeSense::Window,
        TimeSense::Lapse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TimeSense::Deadline => "deadline",
            TimeSense::Earliest => "earliest",
            TimeSense::MinimumPeriod => "minimum_period",
            TimeSense::Window => "window",
            TimeSense::Lapse => "lapse",
        }
    }

    /// What the period is, as a label before its length ("处理时限：1–3个工作日").
    pub fn label(self) -> Text {
        match self {
            TimeSense::Deadline => Text::new("处理时限", "Handled within"),
            TimeSense::Earliest => Text::new("等待期", "Waiting period"),
            TimeSense::MinimumPeriod => Text::new("至少持续", "Lasts at least"),
            TimeSense::Window => Text::new("须在期限内办理", "Act within"),
            TimeSense::Lapse => Text::new("自动失效期", "Lapses after"),
        }
    }

    /// What the period's end means, as a label before the date ("截止：…", "须等到：…").
    pub fn end_label(self) -> Text {
        match self {
            TimeSense::Deadline => Text::new("截止", "Deadline"),
            TimeSense::Earliest => Text::new("须等到", "Wait until"),
            TimeSense::MinimumPeriod => Text::new("最早结束于", "Ends no earlier than"),
            TimeSense::Window => Text::new("须在此前办理", "Act by"),
            TimeSense::Lapse => Text::new("自动失效于", "Lapses on"),
        }
    }

    /// Whether the end is a limit the user (or the other side) must meet; false when it is
    /// a point from which something becomes possible.
    pub fn end_is_a_limit(self) -> bool {
        matches!(self, TimeSense::Deadline | TimeSense::Window)
    }
}

/// How long something takes once its clock starts: `min`..=`max` units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DurationDef {
    pub unit: DurationUnit,
    /// Earliest, in units. Equal to `max` when the source gives one figure.
    pub min: u32,
    pub max: u32,
    /// The event that starts the clock (shown to the user). In a case the clock starts
    /// when the step is marked submitted.
    pub starts_on: Text,
    /// What the period means (required in packs; absent only in durations stored by older
    /// builds, which read as `deadline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sense: Option<TimeSense>,
    /// Steps whose end starts this clock: the latest of them (a step with a duration ends
    /// when its period ends, other steps when they are done). Empty: the clock starts when
    /// the step's dependencies have ended.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// A date fact (e.g. the contract's end date) that starts the clock; it wins over
    /// `after` once the user has answered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_fact: Option<String>,
    /// The length as the source says it ("6个月至1年", "1-2周") when that is not the
    /// count of units: shown first, the count of units only as a detail.
    #[serde(default, skip_serializing_if = "text_is_empty")]
    pub as_said: Text,
    /// The end is not firm when `when` holds: the source says the period can be longer
    /// without saying by how much ("有纠纷会延长"). `min`–`max` is then the usual time, the
    /// end is never overdue and no act-by or follow-up reminder is planned for it. In a
    /// plan the condition has been evaluated: the field is kept (with `when` cleared) when
    /// it holds or may hold, and dropped otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_end: Option<OpenEnd>,
}

/// When a period's end is not firm, and the words that say so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenEnd {
    /// Condition over the facts; absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Why the end is not firm, as the source says it ("有纠纷会延长，来源没有说明延长多久").
    pub text: Text,
    /// What to do past the usual time, in place of the step's escalation (which may treat
    /// the end as a limit) while the end is open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Text>,
}

impl DurationDef {
    /// The duration's sense (`deadline` for durations stored without one).
    pub fn sense(&self) -> TimeSense {
        self.sense.unwrap_or(TimeSense::Deadline)
    }

    /// The words saying the end is not firm, when it is not (see [`OpenEnd`]).
    pub fn open_end_text(&self) -> Option<&Text> {
        self.open_end.as_ref().map(|o| &o.text)
    }
}

/// Evidence a step should leave behind.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceHint {
    /// `screenshot`, `screen_recording`, `chat_export`, `contract`, `receipt`, `document`, `sms`, `other`.
    pub kind: String,
    pub description: Text,
}

/// An alternative way to carry out a step (another channel or path).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteDef {
    pub id: String,
    pub title: Text,
    pub channel: Channel,
    pub instructions: Text,
    /// Overrides the step's duration when this route is taken.
    #[serde(default)]
    pub duration: Option<DurationDef>,
    pub source: Option<Source>,
}

/// One checklist step.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub id: String,
    #[serde(default)]
    pub kind: StepKind,
    pub title: Text,
    pub instructions: Text,
    pub channel: Channel,
    /// Other ways to do the same step; the step's own fields are the main route.
    #[serde(default)]
    pub alternatives: Vec<RouteDef>,
    /// Steps that must be done (or skipped) first.
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Expression over facts; the step applies when true. Absent: always applies.
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub duration: Option<DurationDef>,
    #[serde(default)]
    pub evidence: Vec<EvidenceHint>,
    #[serde(default)]
    pub tips: Vec<Text>,
    #[serde(default)]
    pub warnings: Vec<Text>,
    /// What to do when the deadline passes without an answer.
    #[serde(default)]
    pub escalation: Option<Text>,
    pub source: Option<Source>,
    /// The step ends the account (deregistration): every step of the plan that uses the
    /// account (in the app or its back end) must come before it (`tests/plans.rs`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub ends_account: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A warning or a consequence, shown when its condition holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub id: String,
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub severity: Severity,
    pub text: Text,
    pub source: Option<Source>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    #[default]
    Info,
    Warning,
    Danger,
}

/// An amount computed from facts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Formula {
    pub id: String,
    pub label: Text,
    /// Expression giving a number (yuan for `CNY`).
    pub value: String,
    /// `CNY` (rounded to the fen) or a unit name for other quantities.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// For a quantity that is not yuan: the unit in words the user reads (e.g.
    /// `{ zh = "钻石", en = "diamonds" }`); required when `currency` is not `CNY`.
    #[serde(default, skip_serializing_if = "text_is_empty")]
    pub unit_label: Text,
    #[serde(default)]
    pub when: Option<String>,
    #[serde(default)]
    pub explanation: Text,
    pub source: Option<Source>,
    /// Explanations for particular cases: the first case whose condition holds replaces
    /// `explanation` (and `source`, when it has one), so the text matches the user's case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<FormulaCase>,
}

/// The explanation of a formula's value in one case.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormulaCase {
    /// Expression over facts; the case applies when true.
    pub when: String,
    pub explanation: Text,
    #[serde(default)]
    pub source: Option<Source>,
}

/// True when neither language has text (serde's `skip_serializing_if`).
pub(crate) fn text_is_empty(t: &Text) -> bool {
    t.zh.is_empty() && t.en.is_empty()
}

fn default_currency() -> String {
    "CNY".to_string()
}

/// A letter or message drafted from a case: a notice, a request, a complaint, a post.
/// Its texts hold placeholders (`{fact:mcn_name}`, `{end:mcn_written_notice}`...) filled
/// from the case; see `crate::rules::letter` for the syntax and `docs/letters.md`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterDef {
    pub id: String,
    /// The step the letter belongs to: it is offered while the step is in the plan, and a
    /// letter marked as sent is kept as evidence of this step.
    pub step: String,
    pub kind: LetterKind,
    pub title: Text,
    /// Who receives it (may hold placeholders, no optional ones).
    pub recipient: Text,
    /// Expression over facts; the letter is offered when true. Absent: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// A step whose deadline must have passed before the letter makes sense (a complaint
    /// that the other side did not answer in time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_overdue: Option<String>,
    /// Advice to the writer, shown beside the letter, never in it.
    #[serde(default, skip_serializing_if = "text_is_empty")]
    pub guidance: Text,
    /// Dates the recipient should see, each with a label saying what it is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<LetterDate>,
    pub paragraphs: Vec<LetterLine>,
    /// The user's demands (诉求), one per line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demands: Vec<LetterLine>,
    /// Steps whose evidence is listed as attachments (`all`: the whole case's evidence).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attach: Vec<String>,
    /// The signature block, one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signature: Vec<LetterLine>,
    pub source: Option<Source>,
}

/// What kind of writing a letter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// A formal written notice (解约通知).
    Notice,
    /// A request to customer service or a platform (申请).
    Request,
    /// A message in a chat (协商消息).
    Message,
    /// A reason typed into a form (申请理由).
    FormText,
    /// A report to a platform's report centre (举报).
    Report,
    /// A complaint to an authority (投诉).
    Complaint,
    /// A public post (告别帖).
    Post,
}

impl LetterKind {
    pub fn label(self) -> Text {
        match self {
            LetterKind::Notice => Text::new("书面通知", "written notice"),
            LetterKind::Request => Text::new("申请", "request"),
            LetterKind::Message => Text::new("消息", "message"),
            LetterKind::FormText => Text::new("表单填写内容", "text for a form"),
            LetterKind::Report => Text::new("举报", "report"),
            LetterKind::Complaint => Text::new("投诉", "complaint"),
            LetterKind::Post => Text::new("公开发布", "public post"),
        }
    }
}

/// One line of a letter in both languages, shown when `when` holds (absent: always).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterLine {
    pub zh: String,
    pub en: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

impl LetterLine {
    pub fn text(&self) -> Text {
        Text::new(self.zh.clone(), self.en.clone())
    }
}

/// A labelled date in a letter: `value` is a placeholder such as `{end:step}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterDate {
    pub label: Text,
    pub value: String,
}
