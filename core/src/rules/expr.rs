//! Expressions over facts, in the evalexpr language.
//!
//! Conditions (`when`, `blocks_when`) and formulas are written in evalexpr syntax
//! (`cancelled_by == "client" && video_uploaded`, `if(a, x * 0.5, 0.0)`). This module owns
//! parsing, the static checks the validator runs, and evaluation against facts.
//! Evaluation is side-effect free: assignments and unknown functions are rejected when a
//! pack is loaded.

use evalexpr::error::EvalexprResultValue;
use evalexpr::{
    build_operator_tree, Context, DefaultNumericTypes, EvalexprError, EvalexprResult, Node,
    Operator, Value,
};

use crate::limits::{MAX_EXPR_BYTES, MAX_EXPR_DEPTH};

/// The evalexpr value type used for facts.
pub type ExprValue = Value<DefaultNumericTypes>;

/// Functions a pack may call. Everything else is rejected at load time.
pub const ALLOWED_FUNCTIONS: &[&str] = &["if", "min", "max", "floor", "round", "ceil", "math::abs"];

/// A parsed expression with the fact identifiers it reads.
#[derive(Debug, Clone)]
pub struct Expr {
    source: String,
    node: Node<DefaultNumericTypes>,
    identifiers: Vec<String>,
}

/// A comparison between a fact and a literal (`fact == "value"`), for static checks.
#[derive(Debug, Clone, PartialEq)]
pub struct LiteralComparison {
    pub identifier: String,
    pub literal: ExprValue,
}

impl Expr {
    /// Parses `source`; the error is evalexpr's message.
    pub fn parse(source: &str) -> Result<Expr, String> {
        if source.trim().is_empty() {
            return Err("empty expression".to_string());
        }
        if source.len() > MAX_EXPR_BYTES {
            return Err(format!(
                "expression is too long: {} bytes, the limit is {MAX_EXPR_BYTES}",
                source.len()
            ));
        }
        // Brackets first (before the parser recurses into them), then the whole tree.
        let mut open = 0usize;
        let mut deepest = 0usize;
        for c in source.chars() {
            match c {
                '(' => {
                    open += 1;
                    deepest = deepest.max(open);
                }
                ')' => open = open.saturating_sub(1),
                _ => {}
            }
        }
        let too_deep = |depth: usize| {
            format!("expression nests too deeply: {depth} levels, the limit is {MAX_EXPR_DEPTH}")
        };
        if deepest > MAX_EXPR_DEPTH {
            return Err(too_deep(deepest));
        }
        let node = build_operator_tree::<DefaultNumericTypes>(source).map_err(|e| e.to_string())?;
        let depth = tree_depth(&node);
        if depth > MAX_EXPR_DEPTH {
            return Err(too_deep(depth));
        }
        let mut identifiers: Vec<String> = node
            .iter_read_variable_identifiers()
            .map(str::to_string)
            .collect();
        crate::sort::sort(&mut identifiers);
        identifiers.dedup();
        Ok(Expr {
            source: source.to_string(),
            node,
            identifiers,
        })
    }

    /// The text as written in the pack.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The fact identifiers this expression reads, sorted and unique.
    pub fn identifiers(&self) -> &[String] {
        &self.identifiers
    }

    /// Structural problems: assignments, disallowed functions.
    pub fn structural_problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.node, &mut |node| match node.operator() {
            Operator::Assign
            | Operator::AddAssign
            | Operator::SubAssign
            | Operator::MulAssign
            | Operator::DivAssign
            | Operator::ModAssign
            | Operator::ExpAssign
            | Operator::AndAssign
            | Operator::OrAssign
            | Operator::VariableIdentifierWrite { .. } => {
                out.push("assignment is not allowed in a condition or formula".to_string())
            }
            Operator::Chain => out.push("`;` chains are not allowed".to_string()),
            Operator::FunctionIdentifier { identifier }
                if !ALLOWED_FUNCTIONS.contains(&identifier.as_str()) =>
            {
                out.push(format!(
                    "unknown function `{identifier}` (allowed: {})",
                    ALLOWED_FUNCTIONS.join(", ")
                ))
            }
            _ => {}
        });
        crate::sort::sort(&mut out);
        out.dedup();
        out
    }

    /// Every `fact == literal` / `fact != literal` comparison (either side order).
    pub fn literal_comparisons(&self) -> Vec<LiteralComparison> {
        let mut out = Vec::new();
        walk(&self.node, &mut |node| {
            if !matches!(node.operator(), Operator::Eq | Operator::Neq) {
                return;
            }
            let children = node.children();
            if children.len() != 2 {
                return;
            }
            let pair = (leaf(&children[0]), leaf(&children[1]));
            let (ident, lit) = match pair {
                (Some(Leaf::Ident(i)), Some(Leaf::Const(c)))
                | (Some(Leaf::Const(c)), Some(Leaf::Ident(i))) => (i, c),
                _ => return,
            };
            out.push(LiteralComparison {
                identifier: ident.to_string(),
                literal: c_clone(lit),
            });
        });
        out
    }

    /// Every numeric literal in the expression (used to pick sample values).
    pub fn numeric_literals(&self) -> Vec<f64> {
        let mut out = Vec::new();
        walk(&self.node, &mut |node| {
            if let Operator::Const { value } = node.operator() {
                match value {
                    Value::Int(i) => out.push(*i as f64),
                    Value::Float(f) => out.push(*f),
                    _ => {}
                }
            }
        });
        out
    }

    /// Evaluates against `ctx`.
    pub fn eval(&self, ctx: &FactContext) -> Result<ExprValue, String> {
        self.node.eval_with_context(ctx).map_err(|e| e.to_string())
    }

    /// Evaluates and requires a boolean.
    pub fn eval_bool(&self, ctx: &FactContext) -> Result<bool, String> {
        match self.eval(ctx)? {
            Value::Boolean(b) => Ok(b),
            other => Err(format!(
                "expected a boolean (true/false) result, got {}",
                describe(&other)
            )),
        }
    }

    /// Evaluates and requires a number.
    pub fn eval_number(&self, ctx: &FactContext) -> Result<f64, String> {
        match self.eval(ctx)? {
            Value::Int(i) => Ok(i as f64),
            Value::Float(f) => Ok(f),
            other => Err(format!("expected a number, got {}", describe(&other))),
        }
    }
}

fn c_clone(v: &ExprValue) -> ExprValue {
    v.clone()
}

enum Leaf<'a> {
    Ident(&'a str),
    Const(&'a ExprValue),
}

/// The identifier or constant a node stands for, looking through root/paren nodes.
fn leaf(node: &Node<DefaultNumericTypes>) -> Option<Leaf<'_>> {
    match node.operator() {
        Operator::VariableIdentifierRead { identifier } => Some(Leaf::Ident(identifier)),
        Operator::Const { value } => Some(Leaf::Const(value)),
        Operator::RootNode if node.children().len() == 1 => leaf(&node.children()[0]),
        _ => None,
    }
}

/// Depth of an operator tree, without recursion (the tree is not yet known to be shallow).
fn tree_depth(root: &Node<DefaultNumericTypes>) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root, 0usize)];
    while let Some((node, depth)) = stack.pop() {
        // Root nodes are evalexpr's bracket wrappers; the language nests through them.
        deepest = deepest.max(depth);
        for child in node.children() {
            stack.push((child, depth + 1));
        }
    }
    deepest
}

fn walk<'a>(
    node: &'a Node<DefaultNumericTypes>,
    f: &mut impl FnMut(&'a Node<DefaultNumericTypes>),
) {
    f(node);
    for child in node.children() {
        walk(child, f);
    }
}

/// A short description of a value's type for error messages.
pub fn describe(v: &ExprValue) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Float(_) => "a decimal number",
        Value::Int(_) => "an integer",
        Value::Boolean(_) => "a boolean",
        Value::Tuple(_) => "a tuple",
        Value::Empty => "nothing",
    }
}

/// Fact values visible to an expression. A handful of entries: a linear scan beats hashing.
#[derive(Debug, Clone, Default)]
pub struct FactContext {
    values: Vec<(String, ExprValue)>,
}

impl FactContext {
    pub fn new() -> FactContext {
        FactContext::default()
    }

    /// Sets (or replaces) a fact's value.
    pub fn set(&mut self, id: &str, value: ExprValue) {
        if let Some(slot) = self.values.iter_mut().find(|(k, _)| k == id) {
            slot.1 = value;
        } else {
            self.values.push((id.to_string(), value));
        }
    }

    pub fn contains(&self, id: &str) -> bool {
        self.values.iter().any(|(k, _)| k == id)
    }
}

impl Context for FactContext {
    type NumericTypes = DefaultNumericTypes;

    fn get_value(&self, identifier: &str) -> Option<&ExprValue> {
        self.values
            .iter()
            .find(|(k, _)| k == identifier)
            .map(|(_, v)| v)
    }

    fn call_function(
        &self,
        identifier: &str,
        _argument: &ExprValue,
    ) -> EvalexprResultValue<DefaultNumericTypes> {
        // Only builtins (checked against ALLOWED_FUNCTIONS at load time) are callable.
        Err(EvalexprError::FunctionIdentifierNotFound(
            identifier.to_string(),
        ))
    }

    fn are_builtin_functions_disabled(&self) -> bool {
        false
    }

    fn set_builtin_functions_disabled(
        &mut self,
        disabled: bool,
    ) -> EvalexprResult<(), DefaultNumericTypes> {
        if disabled {
            Err(EvalexprError::BuiltinFunctionsCannotBeDisabled)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evaluates_conditions_and_formulas() {
        let e = Expr::parse("cancelled_by == \"client\" && video_uploaded").unwrap();
        assert_eq!(e.identifiers(), ["cancelled_by", "video_uploaded"]);
        let mut ctx = FactContext::new();
        ctx.set("cancelled_by", Value::String("client".into()));
        ctx.set("video_uploaded", Value::Boolean(true));
        assert!(e.eval_bool(&ctx).unwrap());
        ctx.set("video_uploaded", Value::Boolean(false));
        assert!(!e.eval_bool(&ctx).unwrap());

        let f = Expr::parse("if(video_uploaded, amount * 0.5, 0.0)").unwrap();
        ctx.set("amount", Value::Float(1000.0));
        assert_eq!(f.eval_number(&ctx).unwrap(), 0.0);
    }

    #[test]
    fn rejects_assignment_and_unknown_functions() {
        let e = Expr::parse("a = 3").unwrap();
        assert!(!e.structural_problems().is_empty());
        let e = Expr::parse("str::regex_matches(a, \"x\")").unwrap();
        assert!(e.structural_problems()[0].contains("unknown function"));
    }

    #[test]
    fn finds_literal_comparisons() {
        let e = Expr::parse("\"client\" == who || n != 3").unwrap();
        let c = e.literal_comparisons();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].identifier, "who");
    }
}
