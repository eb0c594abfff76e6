"""Checks the iOS app's text descriptions, the substitute for opening them in Xcode:

- ios/project.yml parses (PyYAML) and names the app, the Share Extension and the test
  targets, links the TuiluCore package (whose Package.swift links TuiluFFI.xcframework),
  gives both app and extension the App Group the Swift code opens and the file protection
  `NSFileProtectionCompleteUntilFirstUserAuthentication`, and accepts images, videos, PDFs;
- the String Catalog parses, is zh-Hans first, and has an English translation for every
  text the shell writes itself (string literals with Chinese in the app and the extension,
  except `Text(verbatim:)`).

Usage: ios_project_check.py [IOS_DIR]   Prints `ios-project: N passed, N failed`.
"""

import json
import os
import re
import sys

import tree_sitter_swift
import yaml
from tree_sitter import Language, Parser

PROTECTION = "NSFileProtectionCompleteUntilFirstUserAuthentication"
CJK = re.compile(r"[\u4e00-\u9fff]")


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
    rule = str(ext.get("NSExtensionAttributes", {}).get("NSExtensionActivationRule", ""))
    for uti in ("public.image", "public.movie", "com.adobe.pdf"):
        c.check(uti in rule, f"the extension accepts {uti}")

    info = app.get("info", {}).get("properties", {})
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
