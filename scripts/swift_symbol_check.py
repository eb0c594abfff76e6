"""Checks that the Swift of the app and the facade uses only names the generated bindings
have: the substitute for a Swift compiler on machines without one.

    swift_symbol_check.py --generated TuiluCore.swift [--sdk-names FILE] SWIFT_FILE...

Prints `swift-symbols: N passed, N failed` (one per file) and each problem as
`path:line:col: message`.

How (tree-sitter-swift, the parser of the parse check):
1. Index the generated Swift: every record (fields, memberwise init), enum (cases with
   their labels), object (methods with labels, parameter and return types, inits), free
   function and typealias. These types are *closed*: a member they lack is an error.
2. Index the hand-written files the same way: their own types (open: used to follow types,
   never an error) and their extensions of generated types (which add members).
3. Follow the types of expressions in the hand-written files with a small local inference:
   annotated properties and parameters, `let x = expr`, `if/guard let`, `for x in`,
   closure parameters of `ForEach`, `map`/`filter`/`first(where:)`..., `presenting:`,
   `onChange(of:)`, switch patterns. On a generated type it checks
   - every member (`row.titel`), static member and enum case (`StepAction.submitt`),
   - the argument labels of every call of a method or initializer (`ViewContextRecord(lang:`),
   - implicit members (`.submitt`) passed where a generated enum is expected, compared
     with `==`, or matched in a `switch`,
   - key paths (`\\.titel`) applied to arrays of generated records,
   - every type name (`StepRowRecrod`): it must be declared in the generated or the
     hand-written Swift, or be listed in the SDK names file.
Expressions whose type it cannot follow are skipped: the check has no false alarms by
design, and misses what it cannot see. The compiler on a Mac remains the real test.
"""

import argparse
import copy
import os
import re
import sys

import tree_sitter_swift
from tree_sitter import Language, Parser

PARSER = Parser(Language(tree_sitter_swift.language()))

# ---------------------------------------------------------------------------------------
# types: ("named", name) | ("array", t) | ("dict", k, v) | ("opt", t) | ("fn", [t], t)
#        | ("meta", name) (a type used as a value) | None (unknown)


def text(node, src):
    s = src[node.start_byte:node.end_byte].decode()
    return s.strip("`") if node.type == "simple_identifier" else s


def named(n):
    return ("named", n)


def unwrap(t):
    while t and t[0] == "opt":
        t = t[1]
    return t


def parse_type(node, src):
    if node is None:
        return None
    k = node.type
    if k == "user_type":
        ids = [c for c in node.children if c.type == "type_identifier"]
        if not ids:
            return None
        args = [c for c in node.children if c.type == "type_arguments"]
        name = text(ids[-1], src)
        if name in ("Optional",) and args:
            inner = [c for c in args[0].named_children]
            return ("opt", parse_type(inner[0], src)) if inner else None
        if name == "Array" and args:
            inner = args[0].named_children
            return ("array", parse_type(inner[0], src)) if inner else None
        return named(name)
    if k == "optional_type" or k == "implicitly_unwrapped_type":
        return ("opt", parse_type(node.child_by_field_name("wrapped") or node.named_children[0], src))
    if k == "array_type":
        return ("array", parse_type(node.child_by_field_name("element") or node.named_children[0], src))
    if k == "dictionary_type":
        kids = node.named_children
        return ("dict", parse_type(kids[0], src), parse_type(kids[1], src)) if len(kids) >= 2 else None
    if k == "function_type":
        params = node.child_by_field_name("params")
        ps = []
        if params is not None:
            for item in params.named_children:
                ps.append(parse_type(type_of_item(item), src))
        ret = node.child_by_field_name("return_type")
        if ret is None:
            kids = [c for c in node.named_children if c != params]
            ret = kids[-1] if kids else None
        return ("fn", ps, parse_type(ret, src))
    if k == "tuple_type":
        items = node.named_children
        if len(items) == 1:
            return parse_type(type_of_item(items[0]), src)
        return None
    if k == "tuple_type_item":
        return parse_type(type_of_item(node), src)
    if k in ("type_modifiers", "attribute"):
        return None
    kids = node.named_children
    if k in ("opaque_type", "existential_type", "metatype"):
        return None
    return parse_type(kids[-1], src) if kids and k.endswith("_type") else None


def type_of_item(item):
    """The type inside a tuple_type_item (skipping attributes such as @Sendable)."""
    if item.type != "tuple_type_item":
        return item
    kids = [c for c in item.named_children if c.type not in ("type_modifiers", "attribute", "simple_identifier")]
    return kids[-1] if kids else None


# ---------------------------------------------------------------------------------------
# the index


class Sig:
    def __init__(self, params, ret, static=False):
        # params: [(label or None, type, has_default)]
        self.params = params
        self.ret = ret
        self.static = static

    def labels(self):
        return "(" + "".join(f"{l or '_'}:" for l, _, _ in self.params) + ")"


class TypeInfo:
    def __init__(self, name, kind, closed):
        self.name = name
        self.kind = kind  # struct, enum, class, protocol
        self.closed = closed
        self.fields = {}  # name -> type
        self.methods = {}  # name -> [Sig]
        self.cases = {}  # name -> [(label, type)]
        self.inits = []  # [Sig]
        self.conforms = []


class Index:
    def __init__(self):
        self.types = {}
        self.aliases = {}
        self.functions = {}  # free functions: name -> [Sig]
        self.generics = set()  # generic parameters and associated types of hand-written code

    def resolve(self, t):
        seen = 0
        while t and t[0] == "named" and t[1] in self.aliases and seen < 10:
            t = self.aliases[t[1]]
            seen += 1
        return t

    def info(self, t):
        t = self.resolve(unwrap(t))
        if t and t[0] == "named":
            return self.types.get(t[1])
        return None


def params_of(decl, src):
    out = []
    kids = decl.children
    for i, c in enumerate(kids):
        if c.type != "parameter":
            continue
        ext = c.child_by_field_name("external_name")
        names = [x for x in c.children if x.type == "simple_identifier"]
        label = text(ext, src) if ext is not None else (text(names[0], src) if names else None)
        if label == "_":
            label = None
        tnode = [x for x in c.named_children if x.type not in ("simple_identifier", "parameter_modifiers")]
        ptype = parse_type(tnode[-1], src) if tnode else None
        has_default = i + 2 < len(kids) and kids[i + 1].type == "=" 
        out.append((label, ptype, has_default))
    return out


def return_of(decl, src):
    seen_arrow = False
    for c in decl.children:
        if c.type == "->":
            seen_arrow = True
        elif seen_arrow and c.is_named and c.type != "function_body":
            return parse_type(c, src)
    return None


def is_static(decl, src):
    mods = [c for c in decl.children if c.type == "modifiers"]
    return bool(mods) and re.search(r"\b(static|class)\b", text(mods[0], src)) is not None


def local_names(pattern_node, src):
    return [text(c, src) for c in walk(pattern_node) if c.type == "simple_identifier"]


def walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children))


def index_body(info, body, src, idx, closed):
    for m in body.named_children:
        k = m.type
        if k == "property_declaration":
            names = [c for c in m.children if c.type == "pattern"]
            ann = [c for c in m.children if c.type == "type_annotation"]
            t = None
            if ann:
                kids = [c for c in ann[0].named_children]
                t = parse_type(kids[-1], src) if kids else None
            elif m.child_by_field_name("value") is not None:
                t = literal_type(m.child_by_field_name("value"), src, idx)
            for p in names:
                for n in local_names(p, src):
                    info.fields[n] = t
        elif k in ("function_declaration", "protocol_function_declaration"):
            name = m.child_by_field_name("name")
            if name is None:
                continue
            info.methods.setdefault(text(name, src), []).append(
                Sig(params_of(m, src), return_of(m, src), is_static(m, src)))
        elif k == "init_declaration":
            info.inits.append(Sig(params_of(m, src), named(info.name)))
        elif k == "enum_entry":
            for i, c in enumerate(m.children):
                if c.type == "simple_identifier" and m.field_name_for_child(i) == "name":
                    nxt = m.children[i + 1] if i + 1 < len(m.children) else None
                    assoc = []
                    if nxt is not None and nxt.type == "enum_type_parameters":
                        label = None
                        for d in nxt.children:
                            if d.type == "simple_identifier":
                                label = text(d, src)
                            elif d.is_named and d.type.endswith("type"):
                                assoc.append((label, parse_type(d, src)))
                                label = None
                    info.cases[text(c, src)] = assoc
        elif k in ("class_declaration", "protocol_declaration"):
            index_decl(m, src, idx, closed)


def literal_type(value, src, idx):
    """The type of a stored property's initial value, when obvious (`= false`, `= Foo()`)."""
    k = value.type
    if k == "boolean_literal":
        return named("Bool")
    if k == "line_string_literal":
        return named("String")
    if k == "integer_literal":
        return named("Int")
    if k == "call_expression" and value.named_children and value.named_children[0].type == "simple_identifier":
        return named(text(value.named_children[0], src))
    return None


def index_decl(node, src, idx, closed):
    k = node.type
    if k == "typealias_declaration":
        name = node.child_by_field_name("name")
        kids = [c for c in node.named_children if c != name and c.type != "modifiers"]
        if name is not None and kids:
            idx.aliases[text(name, src)] = parse_type(kids[-1], src)
        return
    if k == "function_declaration":
        name = node.child_by_field_name("name")
        if name is not None:
            idx.functions.setdefault(text(name, src), []).append(Sig(params_of(node, src), return_of(node, src)))
        return
    if k not in ("class_declaration", "protocol_declaration"):
        return
    kind_node = node.child_by_field_name("declaration_kind")
    kind = text(kind_node, src) if kind_node is not None else "protocol"
    name_node = node.child_by_field_name("name")
    if name_node is None:
        return
    name = text(name_node, src).split("<")[0].strip()
    if kind == "extension":
        name = text(name_node, src).split(".")[-1]
        info = idx.types.get(name)
        if info is None:
            info = idx.types[name] = TypeInfo(name, "extension", False)
    else:
        info = idx.types.get(name)
        if info is None or info.kind == "extension":
            old = info
            info = idx.types[name] = TypeInfo(name, kind, closed)
            if old is not None:
                info.fields.update(old.fields)
                info.methods.update(old.methods)
    for c in node.children:
        if c.type == "inheritance_specifier":
            info.conforms.append(text(c, src))
    body = node.child_by_field_name("body")
    if body is not None:
        index_body(info, body, src, idx, closed)
    if kind == "struct" and not info.inits and closed:
        info.inits.append(Sig([(n, t, False) for n, t in info.fields.items()], named(name)))


def index_file(path, src, idx, closed):
    tree = PARSER.parse(src)
    for n in walk(tree.root_node):
        if n.type == "type_parameter":
            ids = [c for c in n.named_children if c.type == "type_identifier"]
            if ids:
                idx.generics.add(text(ids[0], src))
    for node in tree.root_node.named_children:
        index_decl(node, src, idx, closed)
    return tree


# ---------------------------------------------------------------------------------------
# checking

ARRAY_MEMBERS = {
    "count": named("Int"), "isEmpty": named("Bool"), "indices": None, "enumerated": None,
}
ELEMENT_CLOSURES = {"map", "compactMap", "flatMap", "filter", "first", "last", "contains", "allSatisfy",
                    "forEach", "sorted", "min", "max", "firstIndex", "removeAll", "drop", "prefix"}
UNIVERSAL = {"hashValue", "hash", "self"}
BINARY = {"additive_expression", "multiplicative_expression", "nil_coalescing_expression",
          "conjunction_expression", "disjunction_expression", "comparison_expression",
          "equality_expression", "range_expression", "infix_expression"}


class Checker:
    def __init__(self, idx, sdk, path, src):
        self.idx = idx
        self.sdk = sdk
        self.path = path
        self.src = src
        self.problems = []
        self.stats = {"members": 0, "calls": 0, "cases": 0, "types": 0}

    def report(self, node, msg):
        row, col = node.start_point
        self.problems.append(f"{self.path}:{row + 1}:{col + 1}: {msg}")

    def t(self, node):
        return text(node, self.src)

    # -- members

    def member(self, owner_t, name, node, static=False):
        """The type of `owner.name`; reports a closed type's missing member."""
        if owner_t and owner_t[0] == "opt" and name in ("map", "flatMap"):
            return None
        owner_t = self.idx.resolve(unwrap(owner_t))
        if owner_t is None:
            return None
        if owner_t[0] == "array":
            if name in ("first", "last", "randomElement"):
                return ("opt", owner_t[1])
            if name == "prefix":
                return ("method_array", owner_t)
            return ARRAY_MEMBERS.get(name)
        if owner_t[0] == "dict":
            return ("array", owner_t[1]) if name == "keys" else ("array", owner_t[2]) if name == "values" else None
        if owner_t[0] not in ("named", "meta"):
            return None
        info = self.idx.types.get(owner_t[1])
        if info is None:
            return None
        is_meta = owner_t[0] == "meta"
        if info.closed:
            self.stats["members"] += 1
        if name in info.cases:
            return ("case", info.name, name)
        if name in info.fields:
            return info.fields[name]
        if name in info.methods:
            return ("method", info, name)
        if is_meta and name == "init":
            return ("method", info, "init")
        if name in UNIVERSAL or not info.closed:
            return None
        what = "case or static member" if is_meta else "member"
        self.report(node, f"{info.name} has no {what} `{name}`")
        return None

    def check_case(self, enum_t, name, node):
        info = self.idx.info(enum_t)
        if info is None or not info.closed or info.kind != "enum":
            return
        self.stats["cases"] += 1
        if name not in info.cases and name not in info.methods and name not in info.fields:
            self.report(node, f"{info.name} has no case `{name}`")

    # -- calls

    def match(self, sig, args, trailing):
        """Whether labels `args` [(label, node)] fit `sig` (defaults and trailing closures)."""
        params = list(sig.params)
        i = 0
        for label, _ in args:
            while i < len(params) and params[i][0] != label and params[i][2]:
                i += 1
            if i >= len(params) or params[i][0] != label:
                return None
            i += 1
        rest = params[i:]
        for _ in range(trailing):
            if not rest:
                return None
            # a trailing closure takes the next closure parameter
            while rest and not (rest[0][1] and unwrap(rest[0][1]) and unwrap(rest[0][1])[0] == "fn"):
                if not rest[0][2]:
                    return None
                rest = rest[1:]
            if not rest:
                return None
            rest = rest[1:]
        if any(not d for _, _, d in rest):
            return None
        return sig

    def check_call(self, owner, name, sigs, args, trailing, node):
        self.stats["calls"] += 1
        fitting = [s for s in sigs if self.match(s, args, trailing)]
        if not fitting:
            labels = "(" + "".join(f"{l or '_'}:" for l, _ in args) + ")"
            known = ", ".join(name + s.labels() for s in sigs)
            self.report(node, f"no {owner}.{name} takes {labels}{' + closure' * trailing}; known: {known}")
            return None
        sig = fitting[0]
        self.check_enum_args(sig, args)
        return sig

    def check_enum_args(self, sig, args):
        """Implicit members (`.submit`) passed where a generated enum is expected."""
        params = list(sig.params)
        for label, value in args:
            p = next((p for p in params if p[0] == label), None)
            if p is None:
                continue
            params.remove(p)
            if value is not None and value.type == "prefix_expression" and self.t(value).startswith("."):
                ident = value.child_by_field_name("target")
                if ident is not None and ident.type == "simple_identifier":
                    self.check_case(p[1], self.t(ident), ident)

    def call_args(self, suffix):
        args, lambdas = [], []
        for c in suffix.named_children:
            if c.type == "value_arguments":
                for a in c.named_children:
                    if a.type != "value_argument":
                        continue
                    label = a.child_by_field_name("name")
                    value = a.child_by_field_name("value")
                    args.append((self.t(label).strip() if label is not None else None, value))
            elif c.type == "lambda_literal":
                lambdas.append(c)
        return args, lambdas

    # -- expressions

    def expr(self, node, env):
        """The type of `node`, checking it and everything inside it."""
        k = node.type
        if k == "simple_identifier":
            name = self.t(node)
            if name in env:
                return env[name]
            if name in self.idx.types or name in self.idx.aliases:
                return ("meta", name)
            return None
        if k == "self_expression":
            return env.get("self")
        if k in ("try_expression", "await_expression", "parenthesized_expression"):
            kids = [c for c in node.named_children if c.type not in ("try_operator",)]
            return self.expr(kids[-1], env) if kids else None
        if k == "tuple_expression":
            kids = node.named_children
            return self.expr(kids[0], env) if len(kids) == 1 else self.visit_children(node, env)
        if k == "postfix_expression":
            target = node.child_by_field_name("target")
            t = self.expr(target, env) if target is not None else None
            return unwrap(t) if self.t(node).endswith("!") else t
        if k == "as_expression":
            self.visit_children(node, env)
            tnode = node.child_by_field_name("name")
            t = parse_type(tnode, self.src) if tnode is not None else None
            return ("opt", t) if "as?" in self.t(node) else t
        if k == "navigation_expression":
            return self.navigation(node, env)
        if k == "call_expression":
            return self.call(node, env)
        if k in ("equality_expression", "comparison_expression"):
            kids = node.named_children
            lt = self.expr(kids[0], env) if kids else None
            for rhs in kids[1:]:
                if rhs.type == "prefix_expression" and self.t(rhs).startswith("."):
                    ident = rhs.child_by_field_name("target")
                    if ident is not None and ident.type == "simple_identifier":
                        self.check_case(lt, self.t(ident), ident)
                else:
                    self.expr(rhs, env)
            return named("Bool")
        if k == "lambda_literal":
            self.lambda_(node, env, [])
            return None
        if k == "line_string_literal":
            self.visit_children(node, env)
            return named("String")
        self.visit_children(node, env)
        return None

    def visit_children(self, node, env):
        for c in node.named_children:
            self.visit(c, env)
        return None

    def navigation(self, node, env):
        target = node.child_by_field_name("target")
        suffix = node.child_by_field_name("suffix")
        if suffix is None:
            return self.visit_children(node, env)
        name_node = suffix.child_by_field_name("suffix") or (suffix.named_children[-1] if suffix.named_children else None)
        if name_node is None or name_node.type != "simple_identifier":
            self.visit_children(node, env)
            return None
        if target is not None and target.type == "key_path_expression":
            kp = env.get("$keypath")
            if kp is not None:
                return self.member(kp, self.t(name_node), name_node)
            return None
        t = self.expr(target, env) if target is not None else None
        return self.member(t, self.t(name_node), name_node)

    def call(self, node, env):
        callee = node.named_children[0]
        # tree-sitter-swift reads `a + b.f(x)` as `(a + b.f)(x)`: the call belongs to the
        # right-hand side.
        while callee.type in BINARY and callee.child_by_field_name("rhs") is not None:
            lhs = callee.child_by_field_name("lhs")
            if lhs is not None:
                self.visit(lhs, env)
            callee = callee.child_by_field_name("rhs")
        suffix = next((c for c in node.named_children[1:] if c.type == "call_suffix"), None)
        if suffix is None:
            return self.visit_children(node, env)
        args, lambdas = self.call_args(suffix)
        subscript = any(c.type == "value_arguments" and self.t(c).startswith("[") for c in suffix.named_children)
        owner_t = None
        name = None
        if callee.type == "navigation_expression":
            target = callee.child_by_field_name("target")
            s = callee.child_by_field_name("suffix")
            name_node = s.child_by_field_name("suffix") if s is not None else None
            name = self.t(name_node) if name_node is not None else None
            owner_t = self.expr(target, env) if target is not None and target.type != "key_path_expression" else None
            callee_t = self.member(owner_t, name, name_node) if name is not None else None
        else:
            callee_t = self.expr(callee, env)
            name = self.t(callee) if callee.type == "simple_identifier" else None
        # the element type, for closures and key paths over arrays
        elem = None
        base = self.idx.resolve(unwrap(owner_t))
        if base and base[0] == "array" and name in ELEMENT_CLOSURES:
            elem = base[1]
        if name == "ForEach" and args:
            first = self.idx.resolve(unwrap(self.expr(args[0][1], env)))
            elem = first[1] if first and first[0] == "array" else None
            args = args[1:] and [(l, v) for l, v in args[1:]]
        sub_env = dict(env)
        if elem is not None:
            sub_env["$keypath"] = elem
        for label, value in args:
            if value is not None and value.type == "lambda_literal":
                self.lambda_(value, env, [elem] if elem is not None else [])
            elif value is not None:
                self.visit(value, sub_env)
        result = None
        closure_params = []
        if subscript:
            ct = self.idx.resolve(unwrap(callee_t))
            if ct and ct[0] == "array":
                result = ct[1]
            elif ct and ct[0] == "dict":
                result = ("opt", ct[2])
        elif callee_t and callee_t[0] == "meta":
            info = self.idx.types.get(callee_t[1])
            if info is not None and info.closed and info.inits:
                self.check_call(info.name, "init", info.inits, args, len(lambdas), callee)
            result = named(callee_t[1])
        elif callee_t and callee_t[0] == "method":
            info, mname = callee_t[1], callee_t[2]
            sigs = info.methods.get(mname, []) if mname != "init" else info.inits
            if info.closed:
                sig = self.check_call(info.name, mname, sigs, args, len(lambdas), callee)
            else:
                sig = next((s for s in sigs if self.match(s, args, len(lambdas))), None)
                if sig is not None:
                    self.check_enum_args(sig, args)
            if sig is not None:
                result = sig.ret
                closure_params = [unwrap(p[1])[1] for p in sig.params
                                  if p[1] and unwrap(p[1]) and unwrap(p[1])[0] == "fn"]
        elif callee_t and callee_t[0] == "case":
            result = named(callee_t[1])
        elif callee_t and callee_t[0] == "method_array":
            result = callee_t[1]
        elif name in self.idx.functions and callee.type == "simple_identifier" and name not in env:
            sigs = self.idx.functions[name]
            sig = next((s for s in sigs if self.match(s, args, len(lambdas))), None)
            result = sig.ret if sig else None
        if elem is not None and name in ("filter", "sorted", "prefix", "drop"):
            result = ("array", elem)
        elif elem is not None and name in ("first", "last", "min", "max"):
            result = ("opt", elem)
        # closure parameters
        for i, lam in enumerate(lambdas):
            params = []
            if elem is not None:
                params = [elem, elem] if name in ("sorted", "min", "max") else [elem]
            elif closure_params and i < len(closure_params):
                params = closure_params[i]
            else:
                labelled = dict((l, v) for l, v in args)
                if "presenting" in labelled:
                    params = [unwrap(self.expr(labelled["presenting"], env))]
                elif "item" in labelled and labelled["item"] is not None:
                    item = self.t(labelled["item"])
                    if item.startswith("$"):
                        params = [unwrap(env.get(item[1:]))]
                elif name == "onChange" and "of" in labelled:
                    of = self.expr(labelled["of"], env)
                    params = [of, of]
                elif name == "navigationDestination" and "for" in labelled:
                    m = self.t(labelled["for"]).replace(".self", "")
                    params = [named(m)]
            self.lambda_(lam, env, params)
        return result

    def lambda_(self, lam, env, params):
        sub = {k: v for k, v in env.items() if not k.startswith("$")}
        names = []
        ftype = lam.child_by_field_name("type")
        if ftype is not None:
            for p in walk(ftype):
                if p.type == "lambda_parameter":
                    ids = [c for c in p.children if c.type == "simple_identifier"]
                    names.append(self.t(ids[0]) if ids else None)
        for i, t in enumerate(params):
            if i < len(names) and names[i]:
                sub[names[i]] = t
            sub[f"${i}"] = t
        for c in lam.named_children:
            if c != ftype:
                self.visit(c, sub)

    # -- statements

    def bind(self, pattern, t, env):
        for n in local_names(pattern, self.src):
            env[n] = t

    def visit(self, node, env):
        k = node.type
        if k in ("comment", "multiline_comment"):
            return
        if k == "attribute":
            # `@testable`, `@MainActor`: not types to look up; arguments are expressions.
            for c in node.named_children:
                if c.type != "user_type":
                    self.visit(c, env)
            return
        if k == "user_type" or k == "type_identifier":
            self.type_name(node)
            if k == "user_type":
                for c in node.named_children:
                    if c.type == "type_arguments":
                        self.visit_children(c, env)
            return
        if k == "property_declaration":
            ann = [c for c in node.children if c.type == "type_annotation"]
            value = node.child_by_field_name("value")
            t = None
            if ann:
                self.visit_children(ann[0], env)
                kids = ann[0].named_children
                t = parse_type(kids[-1], self.src) if kids else None
            if value is not None:
                vt = self.expr(value, env)
                t = t or vt
            for c in node.children:
                if c.type == "pattern":
                    self.bind(c, t, env)
            for c in node.named_children:
                if c.type in ("computed_property", "computed_getter", "computed_setter", "willset_didset_block"):
                    self.visit(c, dict(env))
            return
        if k in ("if_statement", "guard_statement", "while_statement"):
            pending = None
            for i, c in enumerate(node.children):
                field = node.field_name_for_child(i)
                if field == "bound_identifier":
                    pending = self.t(c)
                    env.setdefault(pending, None)
                elif field == "condition" and c.type not in ("=", "value_binding_pattern"):
                    t = self.expr(c, env)
                    if pending is not None:
                        env[pending] = unwrap(t)
                        pending = None
                elif c.is_named and field != "condition":
                    self.visit(c, env)
            return
        if k == "for_statement":
            seq = node.child_by_field_name("collection")
            t = self.idx.resolve(unwrap(self.expr(seq, env))) if seq is not None else None
            item = node.child_by_field_name("item")
            sub = dict(env)
            if item is not None and t and t[0] == "array":
                self.bind(item, t[1], sub)
            for c in node.named_children:
                if c not in (seq, item):
                    self.visit(c, sub)
            return
        if k == "switch_statement":
            subject = node.child_by_field_name("expr")
            st = self.expr(subject, env) if subject is not None else None
            info = self.idx.info(st)
            for entry in node.named_children:
                if entry.type != "switch_entry":
                    continue
                sub = dict(env)
                for pat in entry.named_children:
                    if pat.type == "switch_pattern":
                        self.switch_pattern(pat, info, st, sub)
                    else:
                        self.visit(pat, sub)
            return
        if k in ("function_declaration", "init_declaration"):
            sub = dict(env)
            for p in node.children:
                if p.type == "parameter":
                    names = [x for x in p.children if x.type == "simple_identifier"]
                    tnode = [x for x in p.named_children if x.type not in ("simple_identifier", "parameter_modifiers")]
                    if tnode:
                        self.visit(tnode[-1], sub)
                    if names:
                        sub[self.t(names[-1])] = parse_type(tnode[-1], self.src) if tnode else None
                elif p.is_named and p.type not in ("simple_identifier", "modifiers"):
                    self.visit(p, sub)
            return
        if k in ("class_declaration", "protocol_declaration"):
            name_node = node.child_by_field_name("name")
            name = self.t(name_node).split(".")[-1].split("<")[0].strip() if name_node is not None else None
            sub = dict(env)
            info = self.idx.types.get(name) if name else None
            if info is not None:
                sub["self"] = named(name)
                for f, t in info.fields.items():
                    sub[f] = t
            for c in node.named_children:
                if c.type == "inheritance_specifier":
                    self.visit_children(c, sub)
                elif c.type in ("class_body", "enum_class_body", "protocol_body"):
                    for m in c.named_children:
                        self.visit(m, dict(sub))
            return
        if k in ("statements", "function_body", "computed_property", "control_structure_body"):
            for c in node.named_children:
                self.visit(c, env)
            return
        if k == "prefix_expression" and self.t(node).startswith("."):
            return
        self.expr(node, env)

    def switch_pattern(self, pat, info, st, env):
        p = pat.named_children[0] if pat.named_children else None
        if p is None:
            return
        ids = [c for c in p.children if c.type == "simple_identifier"]
        dot = any(c.type == "." for c in p.children)
        if dot and ids:
            case = self.t(ids[0])
            if info is not None and info.kind == "enum":
                self.check_case(named(info.name), case, ids[0])
                assoc = info.cases.get(case, [])
                subs = [c for c in p.children if c.type == "pattern"]
                for i, sp in enumerate(subs):
                    self.bind(sp, assoc[i][1] if i < len(assoc) else None, env)
            return
        self.visit(pat, env)

    def type_name(self, node):
        if node.type == "user_type":
            ids = [c for c in node.children if c.type == "type_identifier"]
            if not ids:
                return
            node = ids[0]
        name = self.t(node)
        self.stats["types"] += 1
        if name in ("async", "throws", "rethrows"):  # effects of a function type, as parsed
            return
        if name in self.idx.types or name in self.idx.aliases or name in self.sdk or name in self.idx.generics:
            return
        self.report(node, f"unknown type `{name}` (not in the generated bindings, the app, or the SDK names)")


_GENERATED = {}


def check(generated, files, sdk):
    """(index, {path: (problems, stats)})."""
    key = (os.path.abspath(generated), os.path.getmtime(generated))
    if key not in _GENERATED:
        base = Index()
        with open(generated, "rb") as f:
            index_file(generated, f.read(), base, closed=True)
        _GENERATED[key] = base
    idx = copy.deepcopy(_GENERATED[key])
    trees = {}
    for path in files:
        with open(path, "rb") as f:
            src = f.read()
        trees[path] = (src, index_file(path, src, idx, closed=False))
    results = {}
    for path, (src, tree) in trees.items():
        c = Checker(idx, sdk, path, src)
        for node in tree.root_node.named_children:
            c.visit(node, {})
        results[path] = (c.problems, c.stats)
    return idx, results


def main(argv):
    ap = argparse.ArgumentParser()
    ap.add_argument("--generated", required=True)
    ap.add_argument("--sdk-names")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args(argv)
    sdk = set()
    if a.sdk_names:
        with open(a.sdk_names, encoding="utf-8") as f:
            sdk = {line.split("#")[0].strip() for line in f} - {""}
    idx, results = check(a.generated, a.files, sdk)
    closed = sum(1 for t in idx.types.values() if t.closed)
    if closed < 20:
        print(f"swift-symbols: only {closed} types indexed in {a.generated}", file=sys.stderr)
        print("swift-symbols: 0 passed, 1 failed")
        return 1
    passed = failed = 0
    totals = {}
    for path, (problems, stats) in results.items():
        for key, n in stats.items():
            totals[key] = totals.get(key, 0) + n
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            failed += 1
        else:
            passed += 1
    print(f"== swift-symbols: {closed} generated types; checked {totals.get('members', 0)} members, "
          f"{totals.get('calls', 0)} call labels, {totals.get('cases', 0)} enum cases, "
          f"{totals.get('types', 0)} type names", file=sys.stderr)
    print(f"swift-symbols: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
