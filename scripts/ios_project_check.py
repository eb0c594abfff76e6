"""Checks the iOS app's text descriptions, the substitute for opening them in Xcode:

- ios/project.yml parses (PyYAML) and names the app, the Share Extension and the test
  targets, links the TuiluCore package (whose Package.swift links TuiluFFI.xcframework),
  gives both app and extension the App Group the Swift code opens and the file protection
  `NSFileProtectionCompleteUntilFirstUserAuthentication`; the test bundle does not link the
  core a second time;
- the Share Extension's NSExtensionActivationRule is a predicate on exactly the types its
  Swift accepts (images, videos, PDFs), not any file;
- both targets carry a privacy manifest (PrivacyInfo.xcprivacy, in their resources) with
  no tracking, no collected data, and the required-reason APIs the linked core calls (file
  timestamps C617.1, disk space E174.1; 3B52.1 where the app opens files the user picks;
  UserDefaults where the Swift uses it);
- Swift 6 language mode everywhere (SWIFT_VERSION 6, Package.swift tools 6.0) and one
  deployment target (iOS 17) in project.yml and Package.swift;
- the background refresh: the `fetch` background mode, the identifiers permitted in
  BGTaskSchedulerPermittedIdentifiers are the ones the Swift registers and schedules;
- at launch (`didFinishLaunchingWithOptions`) the app sets the notification delegate and
  registers the notification categories;
- every vault write (the facade's writing calls, and the reminder synchronizer's
  `reminders.send`/`sync`) runs, in the app, inside a background task
  (`write`, `VaultWrite.sync`, `VaultWrite.run`, at the call or at every call of the
  function making it) and, in the extension, in a function that holds
  `performExpiringActivity`;
- no floating deadline trigger: a `UNCalendarNotificationTrigger` is built only in the
  branch of the core's wall-clock kind (`.wallClock`); an instant is a time-interval
  trigger;
- the String Catalog parses, is zh-Hans first, and has an English translation for every
  text the shell writes itself (string literals with Chinese in the app and the extension,
  except `Text(verbatim:)`).

Usage: ios_project_check.py [IOS_DIR]   Prints `ios-project: N passed, N failed`.
"""

import json
import os
import plistlib
import re
import sys

import tree_sitter_swift
import yaml
from tree_sitter import Language, Parser

PROTECTION = "NSFileProtectionCompleteUntilFirstUserAuthentication"
CJK = re.compile(r"[\u4e00-\u9fff]")
DEPLOYMENT_TARGET = "17.0"
# The kinds of timing whose reminders may follow the local wall clock. Only the core says
# a reminder is of such a kind (docs/reminders.md); every other reminder is an instant.
FLOATING_KINDS = ("wallClock",)
# Required-reason API categories and the reasons Apple lists for them
# (https://developer.apple.com/documentation/bundleresources/describing-use-of-required-reason-api).
REASONS = {
    "NSPrivacyAccessedAPICategoryFileTimestamp": {"DDA9.1", "C617.1", "3B52.1", "0A2A.1"},
    "NSPrivacyAccessedAPICategorySystemBootTime": {"35F9.1", "8FFB.1", "3D61.1"},
    "NSPrivacyAccessedAPICategoryDiskSpace": {"85F4.1", "E174.1", "7D9E.1", "B728.1"},
    "NSPrivacyAccessedAPICategoryActiveKeyboards": {"3EC4.1", "54BD.1"},
    "NSPrivacyAccessedAPICategoryUserDefaults": {"CA92.1", "1C8F.1", "C56D.1", "AC6B.1"},
}
# The facade's calls that write the vault (TuiluScreens): in the app each runs inside a
# background task (VaultWrite), in the extension inside performExpiringActivity.
VAULT_WRITES = {
    "setRuleUpdateSource", "checkRuleUpdates", "createCase", "act", "undo", "deleteEvidence",
    "deleteCase", "setFacts", "markLetterSent", "flagRule", "snooze", "dismiss", "notificationAction",
    "delivered", "importHolidayYear", "backupNotKept", "addPack", "addEvidence", "verifyEvidence",
    "exportBundle", "createBackup", "restoreBackup", "saveSettings", "handle",
}
APP_WRAPPERS = ("write", "VaultWrite.sync", "VaultWrite.run")
EXTENSION_WRAPPERS = ("ExpiringActivity.hold", "ProcessInfo.processInfo.performExpiringActivity")
# What the linked Rust core calls (SQLite's Unix VFS and std::fs: stat, fstat, fstatfs).
CORE_REASONS = {
    "NSPrivacyAccessedAPICategoryFileTimestamp": "C617.1",
    "NSPrivacyAccessedAPICategoryDiskSpace": "E174.1",
}


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"ios-project: FAILED {what}", file=sys.stderr)
        return ok


def swift_files(*dirs):
    for d in dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(".swift"):
                    yield os.path.join(root, f)


def app_group_in_swift(ios):
    with open(os.path.join(ios, "App/Shared/Storage.swift"), encoding="utf-8") as f:
        m = re.search(r'static let appGroup = "([^"]+)"', f.read())
    return m.group(1) if m else None


def normalize(key):
    """A catalog key or a Swift literal with its interpolations as `%`."""
    key = re.sub(r"%(lld|llu|ld|lu|d|u|@|f|lf|\.\d+f)", "%", key)
    return key


def shell_strings(paths):
    """(path, line, text) of every string literal with Chinese outside `verbatim:`."""
    parser = Parser(Language(tree_sitter_swift.language()))
    out = []
    for path in paths:
        with open(path, "rb") as f:
            src = f.read()
        tree = parser.parse(src)
        stack = [tree.root_node]
        while stack:
            n = stack.pop()
            if n.type == "line_string_literal":
                parent = n.parent
                label = parent.child_by_field_name("name") if parent is not None and parent.type == "value_argument" else None
                if label is not None and src[label.start_byte:label.end_byte].decode().strip() == "verbatim":
                    continue
                raw = src[n.start_byte + 1:n.end_byte - 1].decode()
                if CJK.search(raw):
                    literal = re.sub(r"\\\((?:[^()]|\([^()]*\))*\)", "%", raw)
                    out.append((path, n.start_point[0] + 1, literal))
                continue
            stack.extend(n.children)
    return out


def parse_swift(path):
    parser = Parser(Language(tree_sitter_swift.language()))
    with open(path, "rb") as f:
        src = f.read()
    return src, parser.parse(src)


def nodes(tree, *types):
    stack = [tree.root_node]
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        stack.extend(reversed(n.children))


def text(src, n):
    return src[n.start_byte:n.end_byte].decode()


def callee(src, call):
    """The called name of a call_expression (`a.b.c(` gives `a.b.c`; with a trailing
    closure, `f(x) { }` gives `f`)."""
    head = call.children[0] if call.children else None
    # tree-sitter-swift reads `try await f(x) { }` as a call whose head is `try await f(x)`.
    while head is not None and head.type in ("call_expression", "try_expression", "await_expression"):
        if head.type == "call_expression":
            head = head.children[0] if head.children else None
        else:
            head = head.children[-1] if head.children else None
    return text(src, head) if head is not None else ""


def swift_text(paths):
    out = {}
    for path in paths:
        with open(path, encoding="utf-8") as f:
            out[path] = f.read()
    return out


def check_privacy(c, ios, name, target, swift):
    """The target's privacy manifest: present in its resources, no tracking, nothing
    collected, and a declared reason for each required-reason API it calls."""
    entries = [src if isinstance(src, str) else src.get("path", "") for src in target.get("sources", [])]
    manifests = [e for e in entries if os.path.basename(e) == "PrivacyInfo.xcprivacy"]
    if not c.check(len(manifests) == 1, f"{name} has one privacy manifest PrivacyInfo.xcprivacy among its sources"):
        return
    path = os.path.join(ios, manifests[0])
    if not c.check(os.path.isfile(path), f"{name}'s privacy manifest {manifests[0]} exists"):
        return
    entry = next((src for src in target["sources"] if isinstance(src, dict) and src.get("path") == manifests[0]), {})
    c.check(entry.get("buildPhase") == "resources", f"{name}'s privacy manifest is in the resources build phase")
    try:
        with open(path, "rb") as f:
            manifest = plistlib.load(f)
    except Exception as e:  # noqa: BLE001 - any parse failure is the finding
        c.check(False, f"{name}'s privacy manifest is a property list ({e})")
        return
    c.check(manifest.get("NSPrivacyTracking") is False, f"{name}'s privacy manifest says NSPrivacyTracking false")
    c.check(manifest.get("NSPrivacyTrackingDomains", []) == [], f"{name}'s privacy manifest lists no tracking domains")
    c.check(manifest.get("NSPrivacyCollectedDataTypes") == [], f"{name}'s privacy manifest collects no data (an empty NSPrivacyCollectedDataTypes)")
    declared = {}
    for api in manifest.get("NSPrivacyAccessedAPITypes", []):
        category = api.get("NSPrivacyAccessedAPIType")
        reasons = api.get("NSPrivacyAccessedAPITypeReasons", [])
        c.check(category in REASONS, f"{name}'s privacy manifest: {category} is a required-reason category")
        c.check(bool(reasons) and set(reasons) <= REASONS.get(category, set()),
                f"{name}'s privacy manifest: {category} has reasons Apple lists for it ({reasons})")
        declared[category] = set(reasons)
    for category, reason in CORE_REASONS.items():
        c.check(reason in declared.get(category, set()),
                f"{name}'s privacy manifest declares {category} {reason} (the linked core calls it)")
    code = "\n".join(swift.values())
    if ".fileImporter(" in code:
        c.check("3B52.1" in declared.get("NSPrivacyAccessedAPICategoryFileTimestamp", set()),
                f"{name}'s privacy manifest declares file timestamps 3B52.1 (the core reads files the user picks)")
    if re.search(r"\bUserDefaults\b|@AppStorage", code):
        want = "1C8F.1" if "suiteName:" in code else "CA92.1"
        c.check(want in declared.get("NSPrivacyAccessedAPICategoryUserDefaults", set()),
                f"{name}'s privacy manifest declares UserDefaults {want} (its Swift uses UserDefaults)")


def check_language_and_target(c, project, package):
    base = project.get("settings", {}).get("base", {})
    c.check(str(base.get("SWIFT_VERSION", "")).split(".")[0] == "6", "SWIFT_VERSION is 6 (Swift 6 language mode)")
    for name, target in project.get("targets", {}).items():
        version = target.get("settings", {}).get("base", {}).get("SWIFT_VERSION")
        c.check(version is None or str(version).split(".")[0] == "6", f"{name} does not go back to Swift {version}")
    tools = re.match(r"// swift-tools-version:\s*(\d+)\.(\d+)", package)
    c.check(tools is not None and int(tools.group(1)) >= 6, "Package.swift is swift-tools-version 6 (Swift 6 language mode)")
    c.check(not re.search(r"swiftLanguage(Modes|Versions)\s*:\s*\[[^]]*\.v[45]", package),
            "Package.swift does not go back to Swift 5 mode")
    yml_target = str(project.get("options", {}).get("deploymentTarget", {}).get("iOS", ""))
    c.check(yml_target == DEPLOYMENT_TARGET, f"project.yml deploys to iOS {DEPLOYMENT_TARGET} (is {yml_target})")
    setting = str(base.get("IPHONEOS_DEPLOYMENT_TARGET", yml_target))
    c.check(setting == yml_target, f"IPHONEOS_DEPLOYMENT_TARGET {setting} is the project's {yml_target}")
    ios_platform = re.search(r"\.iOS\(\.v(\d+)\)", package)
    c.check(ios_platform is not None and ios_platform.group(1) == DEPLOYMENT_TARGET.split(".")[0],
            f"Package.swift's iOS platform is iOS {DEPLOYMENT_TARGET.split('.')[0]}, as the app")


def check_test_bundle(c, tests):
    for d in tests.get("dependencies", []):
        if d.get("package") == "TuiluCore":
            c.check(d.get("link") is False,
                    "TuiluAppTests does not link the TuiluCore package again (the host app links the static core)")
    c.check(bool(tests.get("settings", {}).get("base", {}).get("TEST_HOST")), "TuiluAppTests runs hosted in the app")


def check_activation_rule(c, share, swift):
    ext = share.get("info", {}).get("properties", {}).get("NSExtension", {})
    rule = ext.get("NSExtensionAttributes", {}).get("NSExtensionActivationRule")
    c.check(isinstance(rule, str) and "SUBQUERY" in rule and "TRUEPREDICATE" not in rule,
            "the extension's NSExtensionActivationRule is a predicate on the attachments' types (not TRUEPREDICATE or a file count)")
    rule = str(rule)
    utis = set(re.findall(r'UTI-CONFORMS-TO\s+"([^"]+)"', rule))
    code = "\n".join(swift.values())
    m = re.search(r"static let accepted: \[UTType\] = \[([^]]*)\]", code)
    accepted = {t.strip().lstrip(".") for t in m.group(1).split(",")} if m else set()
    uti_of = {"image": "public.image", "movie": "public.movie", "pdf": "com.adobe.pdf", "item": "public.item",
              "data": "public.data", "content": "public.content"}
    c.check(m is not None, "ShareModel.accepted lists the types the extension takes")
    c.check(utis == {uti_of.get(t, t) for t in accepted} and "public.item" not in utis and "public.data" not in utis,
            f"the activation rule accepts exactly the Swift's types {sorted(accepted)} (rule: {sorted(utis)})")
    for uti in ("public.image", "public.movie", "com.adobe.pdf"):
        c.check(uti in utis, f"the extension accepts {uti}")


def check_background_refresh(c, info, swift):
    modes = info.get("UIBackgroundModes", [])
    ids = info.get("BGTaskSchedulerPermittedIdentifiers", [])
    c.check("fetch" in modes, "the app declares the `fetch` background mode (BGAppRefreshTask)")
    c.check(bool(ids), "the app lists its BGTaskSchedulerPermittedIdentifiers")
    code = "\n".join(swift.values())
    c.check(".backgroundTask(.appRefresh(" in code or "BGTaskScheduler.shared.register(" in code,
            "the Swift registers a handler for the app-refresh task")
    c.check("BGAppRefreshTaskRequest(identifier:" in code, "the Swift schedules the app-refresh task")
    in_swift = set()
    for path, body in swift.items():
        if "import BackgroundTasks" in body:
            in_swift |= set(re.findall(r'static let identifier = "([^"]+)"', body))
    for identifier in ids:
        c.check(f'"{identifier}"' in code, f"the permitted task identifier {identifier} is the one the Swift uses")
    for identifier in in_swift:
        c.check(identifier in ids, f"the Swift's task identifier {identifier} is in BGTaskSchedulerPermittedIdentifiers")


def check_launch(c, paths):
    """`application(_:didFinishLaunchingWithOptions:)` sets the notification delegate and
    registers the categories, itself or through static functions of its file it calls."""
    found = False
    for path in paths:
        src, tree = parse_swift(path)
        funcs = {}
        launch = None
        for f in nodes(tree, "function_declaration"):
            name = f.child_by_field_name("name")
            fname = text(src, name) if name is not None else ""
            funcs.setdefault(fname, []).append(f)
            if fname == "application" and "didFinishLaunchingWithOptions" in text(src, f).split("{")[0]:
                launch = f
        if launch is None:
            continue
        found = True
        body = text(src, launch)
        c.check(re.search(r"UNUserNotificationCenter\.current\(\)\.delegate\s*=", body) is not None,
                f"{path}: the notification delegate is set at launch")
        seen, todo, calls = set(), [launch], set()
        while todo:
            f = todo.pop()
            for call in nodes_of(f, "call_expression"):
                last = callee(src, call).split(".")[-1]
                calls.add(last)
                if last in funcs and last not in seen and last != "application":
                    seen.add(last)
                    todo.extend(funcs[last])
        c.check("registerCategories" in calls,
                f"{path}: the notification categories are registered at launch (registerCategories reached from didFinishLaunchingWithOptions)")
    c.check(found, "the app delegate has application(_:didFinishLaunchingWithOptions:)")


def nodes_of(node, *types):
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in types:
            yield n
        stack.extend(reversed(n.children))


def check_triggers(c, paths):
    """Deadlines are instants: a floating calendar trigger only in a wall-clock branch."""
    calendar_calls = interval_calls = 0
    for path in paths:
        src, tree = parse_swift(path)
        for call in nodes(tree, "call_expression"):
            name = callee(src, call)
            if name == "UNTimeIntervalNotificationTrigger":
                interval_calls += 1
            if name != "UNCalendarNotificationTrigger":
                continue
            calendar_calls += 1
            line = call.start_point[0] + 1
            entry = call.parent
            while entry is not None and entry.type != "switch_entry":
                entry = entry.parent
            patterns = [text(src, p) for p in (entry.children if entry is not None else []) if p.type == "switch_pattern"]
            floating_branch = any(re.search(r"\.(%s)\b" % "|".join(FLOATING_KINDS), p) for p in patterns)
            # Fields built with their zone (`timeZone:`, `dateComponents(in: TimeZone…)`).
            zoned = "timezone" in text(src, call).lower()
            c.check(floating_branch or zoned,
                    f"{path}:{line}: a UNCalendarNotificationTrigger outside the core's wall-clock kind "
                    f"({', '.join('.' + k for k in FLOATING_KINDS)}) must carry its timeZone: "
                    "deadline reminders are instants (use UNTimeIntervalNotificationTrigger)")
    c.check(interval_calls > 0, "instants are scheduled with UNTimeIntervalNotificationTrigger")


def enclosing(node, *types):
    n = node.parent
    while n is not None and n.type not in types:
        n = n.parent
    return n


def wrapped(src, node, wrappers):
    """`node` is inside a call of one of `wrappers` (or is one)."""
    n = node
    while n is not None:
        if n.type == "call_expression" and callee(src, n) in wrappers:
            return True
        n = n.parent
    return False


def function_name(src, f):
    name = f.child_by_field_name("name") if f is not None else None
    return text(src, name) if name is not None else None


def check_vault_writes(c, app_paths, share_paths):
    """Every vault write of the app runs inside a background task; of the extension, inside
    performExpiringActivity (0xdead10cc: see docs/ios.md, "Background execution")."""
    parsed = {path: parse_swift(path) for path in set(app_paths) | set(share_paths)}

    def writes(path):
        """Calls of the facade's writes and of the reminder synchronizer (whose every event
        may write), outside the synchronizer itself (its callers are checked)."""
        if os.path.basename(path) == "ReminderSync.swift":
            return
        src, tree = parsed[path]
        for call in nodes(tree, "call_expression"):
            parts = callee(src, call).split(".")
            if len(parts) >= 2 and ((parts[-2] == "screens" and parts[-1] in VAULT_WRITES)
                                    or (parts[-2] == "reminders" and parts[-1] in ("send", "sync"))):
                yield src, call, ".".join(parts[-2:])

    # The app: wrapped where it is called, or in a function whose every call is wrapped.
    deferred = {}
    count = 0
    for path in app_paths:
        for src, call, name in writes(path):
            count += 1
            if wrapped(src, call, APP_WRAPPERS):
                continue
            f = function_name(src, enclosing(call, "function_declaration"))
            deferred.setdefault((path, f), []).append(f"{path}:{call.start_point[0] + 1}: {name}")

    def calls_of(f, paths):
        """Calls of a function named `f`, except from inside a function of that name (the
        facade's call the function is named after, or a recursion)."""
        return [(src, call) for p in paths for src, call in
                ((parsed[p][0], n) for n in nodes(parsed[p][1], "call_expression"))
                if f and callee(src, call).split(".")[-1] == f
                and function_name(src, enclosing(call, "function_declaration")) != f]

    # A function making an unwrapped write is fine when every call of it is wrapped, or is
    # in a function of which the same holds (followed a few levels).
    for (path, f), where in deferred.items():
        todo, seen, ok = [(path, f, 0)], set(), True
        while todo and ok:
            p, name, depth = todo.pop()
            if (p, name) in seen:
                continue
            seen.add((p, name))
            # Callers in the function's own file first (a name like `perform` recurs elsewhere).
            callers = calls_of(name, [p]) or calls_of(name, app_paths)
            if not callers or depth > 4:
                ok = False
                break
            for src, call in callers:
                if wrapped(src, call, APP_WRAPPERS):
                    continue
                outer = function_name(src, enclosing(call, "function_declaration"))
                caller_path = next(q for q in app_paths if parsed[q][0] is src)
                todo.append((caller_path, outer, depth + 1))
        c.check(ok, f"{', '.join(where)} writes the vault outside a background task "
                    f"(wrap it in write/VaultWrite.sync/VaultWrite.run, or every call of {f})")
    c.check(count > 0, "the app's vault writes were found")
    for path in share_paths:
        if "/App/Shared/" in path:
            continue
        for src, call, name in writes(path):
            f = enclosing(call, "function_declaration")
            body = text(src, f) if f is not None else ""
            c.check(any(w + "(" in body for w in EXTENSION_WRAPPERS),
                    f"{path}:{call.start_point[0] + 1}: {name} in the extension runs inside performExpiringActivity")


def main(ios):
    c = Checks()
    with open(os.path.join(ios, "project.yml"), encoding="utf-8") as f:
        project = yaml.safe_load(f)
    c.check(isinstance(project, dict), "project.yml is a mapping")
    targets = project.get("targets", {})
    app = targets.get("TuiluApp", {})
    share = targets.get("TuiluShare", {})
    tests = targets.get("TuiluAppTests", {})
    c.check(app.get("type") == "application" and app.get("platform") == "iOS", "TuiluApp is an iOS application")
    c.check(share.get("type") == "app-extension", "TuiluShare is an app extension")
    c.check(tests.get("type") == "bundle.unit-test", "TuiluAppTests is a unit-test bundle")
    c.check(project.get("packages", {}).get("TuiluCore", {}).get("path") == ".", "the TuiluCore package is ios/")
    with open(os.path.join(ios, "Package.swift"), encoding="utf-8") as f:
        package = f.read()
    c.check('binaryTarget(name: "tuiluFFI", path: "TuiluFFI.xcframework")' in package,
            "Package.swift links TuiluFFI.xcframework (scripts/bindings.sh xcframework)")
    for name, target in (("TuiluApp", app), ("TuiluShare", share)):
        deps = target.get("dependencies", [])
        c.check(any(d.get("package") == "TuiluCore" for d in deps), f"{name} links the TuiluCore package")
        for src in target.get("sources", []):
            path = src if isinstance(src, str) else src.get("path")
            c.check(os.path.exists(os.path.join(ios, path)), f"{name} source {path} exists")
    c.check(any(d.get("target") == "TuiluShare" and d.get("embed") for d in app.get("dependencies", [])),
            "TuiluApp embeds the Share Extension")

    group = app_group_in_swift(ios)
    c.check(group is not None, "Storage.swift names the App Group")
    for name, target in (("TuiluApp", app), ("TuiluShare", share)):
        ent = target.get("entitlements", {}).get("properties", {})
        c.check(group in ent.get("com.apple.security.application-groups", []),
                f"{name} has the App Group {group} the Swift code opens")
        c.check(ent.get("com.apple.developer.default-data-protection") == PROTECTION,
                f"{name} files are {PROTECTION}")
    with open(os.path.join(ios, "App/Shared/Storage.swift"), encoding="utf-8") as f:
        c.check("completeUntilFirstUserAuthentication" in f.read(), "the vault directory is created with that class")

    ext = share.get("info", {}).get("properties", {}).get("NSExtension", {})
    c.check(ext.get("NSExtensionPointIdentifier") == "com.apple.share-services", "the extension is a share extension")
    c.check(ext.get("NSExtensionPrincipalClass", "").endswith(".ShareViewController"), "its principal class is ShareViewController")
    app_paths = list(swift_files(os.path.join(ios, "App/Sources"), os.path.join(ios, "App/Shared")))
    share_paths = list(swift_files(os.path.join(ios, "ShareExtension"), os.path.join(ios, "App/Shared")))
    app_swift, share_swift = swift_text(app_paths), swift_text(share_paths)
    check_activation_rule(c, share, share_swift)
    check_privacy(c, ios, "TuiluApp", app, app_swift)
    check_privacy(c, ios, "TuiluShare", share, share_swift)
    check_language_and_target(c, project, package)
    check_test_bundle(c, tests)

    info = app.get("info", {}).get("properties", {})
    check_background_refresh(c, info, app_swift)
    check_launch(c, app_paths)
    check_triggers(c, app_paths)
    check_vault_writes(c, app_paths, share_paths)
    c.check(info.get("ITSAppUsesNonExemptEncryption") is True,
            "ITSAppUsesNonExemptEncryption is YES: the core implements age encryption itself (docs/ios.md)")
    c.check(bool(info.get("NSCameraUsageDescription")), "the app says why it uses the camera")
    c.check(info.get("CFBundleDevelopmentRegion") == "zh-Hans", "the app's development region is zh-Hans")
    module = app.get("settings", {}).get("base", {}).get("PRODUCT_MODULE_NAME")
    c.check(module not in (None, "TuiluApp", "Tuilu", "TuiluCore"),
            "the app module is not named like a type of the core (TuiluApp, Tuilu)")
    for path in swift_files(os.path.join(ios, "App/Tests")):
        with open(path, encoding="utf-8") as f:
            imports = re.findall(r"@testable import (\w+)", f.read())
        c.check(all(m == module for m in imports), f"{path} imports the app module {module}")

    with open(os.path.join(ios, "App/Resources/Localizable.xcstrings"), encoding="utf-8") as f:
        catalog = json.load(f)
    c.check(catalog.get("sourceLanguage") == "zh-Hans", "the String Catalog's source language is zh-Hans")
    keys = {normalize(k): v for k, v in catalog.get("strings", {}).items()}
    for path, line, literal in shell_strings(swift_files(os.path.join(ios, "App/Sources"), os.path.join(ios, "App/Shared"),
                                                         os.path.join(ios, "ShareExtension"))):
        entry = keys.get(normalize(literal))
        en = (entry or {}).get("localizations", {}).get("en", {}).get("stringUnit", {}).get("value")
        c.check(bool(en), f"{path}:{line}: “{literal}” has an English translation in Localizable.xcstrings")
    print(f"ios-project: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "ios"))
