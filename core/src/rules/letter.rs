//! The placeholder syntax of letter templates, parsed by hand (a few dozen lines; a
//! template engine would add code to the phone library for no gain).
//!
//! A placeholder is `{kind:argument}`; a trailing `?` inside the braces makes it optional:
//! the line holding it is left out when the value is not known yet, instead of the letter
//! asking for it. Braces are not allowed otherwise.
//!
//! | placeholder | value |
//! |---|---|
//! | `{fact:ID}` | a fact of the case, in words (a date as 2026年10月8日, money as 50.00 元) |
//! | `{step:ID:submitted}` (`started`, `done`) | when that step was marked so, Beijing time |
//! | `{today}` | the letter's date |
//! | `{start:ID}` | the day the step's period starts: its clock start, else the letter's date |
//! | `{end:ID}` | the last day of the step's period, from the calendar (same start) |
//! | `{span:ID}` | the step's period in words ("7 天", "1–3 个工作日") |
//! | `{overdue:ID}` | how many days the step's deadline has passed ("3 天") |
//! | `{attachments}` | how many attachments the letter lists (none: the line is left out) |

use std::fmt;

/// A step event whose time a letter can quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepEvent {
    Started,
    Submitted,
    Done,
}

impl StepEvent {
    fn parse(s: &str) -> Option<StepEvent> {
        match s {
            "started" => Some(StepEvent::Started),
            "submitted" => Some(StepEvent::Submitted),
            "done" => Some(StepEvent::Done),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StepEvent::Started => "started",
            StepEvent::Submitted => "submitted",
            StepEvent::Done => "done",
        }
    }
}

/// What a placeholder stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    Fact(String),
    StepTime(String, StepEvent),
    Today,
    Start(String),
    End(String),
    Span(String),
    Overdue(String),
    Attachments,
}

impl Slot {
    /// The step a slot reads, when it reads one.
    pub fn step(&self) -> Option<&str> {
        match self {
            Slot::StepTime(s, _)
            | Slot::Start(s)
            | Slot::End(s)
            | Slot::Span(s)
            | Slot::Overdue(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the slot needs the step's duration (a period to count).
    pub fn needs_duration(&self) -> bool {
        matches!(
            self,
            Slot::Start(_) | Slot::End(_) | Slot::Span(_) | Slot::Overdue(_)
        )
    }
}

/// One placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub slot: Slot,
    pub optional: bool,
}

impl fmt::Display for Placeholder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = if self.optional { "?" } else { "" };
        match &self.slot {
            Slot::Fact(id) => write!(f, "{{fact:{id}{q}}}"),
            Slot::StepTime(id, e) => write!(f, "{{step:{id}:{}{q}}}", e.as_str()),
            Slot::Today => write!(f, "{{today{q}}}"),
            Slot::Start(id) => write!(f, "{{start:{id}{q}}}"),
            Slot::End(id) => write!(f, "{{end:{id}{q}}}"),
            Slot::Span(id) => write!(f, "{{span:{id}{q}}}"),
            Slot::Overdue(id) => write!(f, "{{overdue:{id}{q}}}"),
            Slot::Attachments => write!(f, "{{attachments{q}}}"),
        }
    }
}

/// A piece of template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Slot(Placeholder),
}

/// The placeholders a template may hold, for error messages.
pub const SYNTAX: &str = "{fact:ID}, {step:ID:submitted|started|done}, {today}, {start:ID}, \
                          {end:ID}, {span:ID}, {overdue:ID}, {attachments} (a `?` before `}` \
                          makes one optional)";

/// Splits a template into text and placeholders. An error names the first bad
/// placeholder or stray brace.
pub fn parse(template: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err(format!("stray `}}` in `{template}`"));
        }
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_string()));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in `{template}`"))?;
        let inner = &after[..close];
        if inner.contains('{') {
            return Err(format!("unclosed `{{` in `{template}`"));
        }
        out.push(Piece::Slot(placeholder(inner)?));
        rest = &after[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
    Ok(out)
}

fn placeholder(inner: &str) -> Result<Placeholder, String> {
    let (body, optional) = match inner.strip_suffix('?') {
        Some(b) => (b, true),
        None => (inner, false),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let id_ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    let slot = match parts.as_slice() {
        ["today"] => Some(Slot::Today),
        ["attachments"] => Some(Slot::Attachments),
        ["fact", id] if id_ok(id) => Some(Slot::Fact(id.to_string())),
        ["step", id, ev] if id_ok(id) => {
            StepEvent::parse(ev).map(|e| Slot::StepTime(id.to_string(), e))
        }
        ["start", id] if id_ok(id) => Some(Slot::Start(id.to_string())),
        ["end", id] if id_ok(id) => Some(Slot::End(id.to_string())),
        ["span", id] if id_ok(id) => Some(Slot::Span(id.to_string())),
        ["overdue", id] if id_ok(id) => Some(Slot::Overdue(id.to_string())),
        _ => None,
    };
    slot.map(|slot| Placeholder { slot, optional })
        .ok_or_else(|| format!("unknown placeholder `{{{inner}}}`: expected one of {SYNTAX}"))
}

/// The placeholders of a template (empty when it does not parse).
pub fn placeholders(template: &str) -> Vec<Placeholder> {
    parse(template)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| match p {
            Piece::Slot(s) => Some(s),
            Piece::Text(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_and_placeholders() {
        let p = parse("本人于{step:submit_exit:submitted}提交，订单号{fact:order_no?}。").unwrap();
        assert_eq!(p.len(), 5);
        assert_eq!(
            p[1],
            Piece::Slot(Placeholder {
                slot: Slot::StepTime("submit_exit".into(), StepEvent::Submitted),
                optional: false
            })
        );
        assert_eq!(
            p[3],
            Piece::Slot(Placeholder {
                slot: Slot::Fact("order_no".into()),
                optional: true
            })
        );
        assert_eq!(p[3].clone(), parse("{fact:order_no?}").unwrap()[0]);
    }

    #[test]
    fn rejects_bad_placeholders() {
        for bad in [
            "{fcat:x}",
            "{fact:}",
            "{fact:X}",
            "{step:a:sent}",
            "{today",
            "a}b",
            "{{fact:a}}",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert!(parse("{fcat:x}")
            .unwrap_err()
            .contains("unknown placeholder `{fcat:x}`"));
    }

    #[test]
    fn displays_as_written() {
        for s in [
            "{fact:a}",
            "{step:a:done?}",
            "{today}",
            "{end:b?}",
            "{attachments}",
        ] {
            assert_eq!(placeholders(s)[0].to_string(), s);
        }
    }
}
