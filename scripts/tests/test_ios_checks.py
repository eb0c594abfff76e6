"""The iOS checks fail when they should: a misspelled or stale name in the Swift, a missing
App Group, an untranslated string. Run by scripts/bindings.sh test after the bindings are
generated (TUILU_SWIFT_GENERATED names the generated Swift, stripped for the parser)."""

import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IOS = os.path.join(ROOT, "ios")
GENERATED = os.environ.get("TUILU_SWIFT_GENERATED", os.path.join(ROOT, "build/swift-parse/TuiluCore.generated.swift"))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import ios_project_check  # noqa: E402
import swift_symbol_check  # noqa: E402


def swift_sources(ios=IOS):
    out = []
    for root, _, files in os.walk(ios):
        if "Generated" in root or ".build" in root:
            continue
        out += [os.path.join(root, f) for f in files if f.endswith(".swift")]
    return sorted(out)


def sdk_names():
    with open(os.path.join(IOS, "sdk-names.txt"), encoding="utf-8") as f:
        return {line.split("#")[0].strip() for line in f} - {""}


def problems(files, generated=GENERATED):
    _, results = swift_symbol_check.check(generated, files, sdk_names())
    return [p for ps, _ in results.values() for p in ps]


@pytest.fixture(scope="module")
def generated():
    if not os.path.exists(GENERATED):
        pytest.fail(f"{GENERATED} missing: run scripts/bindings.sh test")
    return GENERATED


def mutate(tmp_path, rel, old, new):
    """The Swift sources with `old` replaced by `new` (once) in ios/`rel`."""
    files = []
    for path in swift_sources():
        copy = tmp_path / os.path.relpath(path, IOS)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, copy)
        files.append(str(copy))
    target = tmp_path / rel
    text = target.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}: update the test"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return files


def test_the_app_and_the_facade_use_only_names_the_bindings_have(generated):
    assert problems(swift_sources(), generated) == []


@pytest.mark.parametrize("rel, old, new, expected", [
    ("App/Sources/ChecklistScreen.swift", "row.lockedReason", "row.lockedReasn", "StepRowRecord has no member `lockedReasn`"),
    ("App/Sources/HomeScreen.swift", "deadline.headline", "deadline.headlin", "DeadlineViewRecord has no member `headlin`"),
    ("App/Sources/ChecklistScreen.swift", "let row: StepRowRecord", "let row: StepRowRecrod", "unknown type `StepRowRecrod`"),
    ("App/Tests/Fixtures.swift", "action: .submit)", "action: .submitt)", "StepAction has no case `submitt`"),
    ("App/Sources/AppStore.swift", "case .caseCreated,", "case .caseCreatd,", "ChangeKind has no case `caseCreatd`"),
    ("App/Sources/SettingsScreen.swift", "tag(Language.zh)", "tag(Language.chinese)", "Language has no case or static member `chinese`"),
    ("App/Sources/NewCaseScreen.swift", "case .yesNo, .choice:", "case .yesno, .choice:", "QuestionKind has no case `yesno`"),
    ("App/Sources/ReminderSync.swift", "fireAt: n.fireAt, timing: n.timing)", "fireAt: n.fireAt, timing: n.timng)", "NotificationEffectRecord has no member `timng`"),
    ("App/Tests/Fixtures.swift", 'NotificationButtonRecord(id: .submitted, label: "已提交"', 'NotificationButtonRecord(id: .submitted, title: "已提交"', "no NotificationButtonRecord.init takes (id:title:needsUnlock:)"),
    ("Sources/TuiluCore/Tuilu+Screens.swift", "ViewContextRecord(language: settings.language,", "ViewContextRecord(lang: settings.language,", "no ViewContextRecord.init takes (lang:zone:now:)"),
    ("Sources/TuiluCore/Tuilu+Screens.swift", "app.caseScreen(ctx: context(), caseId: caseId)", "app.caseScreen(context: context(), caseId: caseId)", "no TuiluApp.caseScreen takes (context:caseId:)"),
    ("Sources/TuiluCore/Tuilu+Screens.swift", "app.undoLast(", "app.undoLatest(", "TuiluApp has no member `undoLatest`"),
])
def test_a_misspelled_name_fails(tmp_path, generated, rel, old, new, expected):
    found = problems(mutate(tmp_path, rel, old, new), generated)
    assert any(expected in p for p in found), found


def test_a_name_the_bindings_no_longer_have_fails(tmp_path, generated):
    stale = tmp_path / "stale.swift"
    text = open(generated, encoding="utf-8").read()
    assert "    public let lockedReason: String?\n" in text
    stale.write_text(text.replace("    public let lockedReason: String?\n", "", 1), encoding="utf-8")
    found = problems(swift_sources(), str(stale))
    assert any("StepRowRecord has no member `lockedReason`" in p for p in found), found


def test_the_command_prints_a_summary_and_fails(tmp_path, generated):
    files = mutate(tmp_path, "App/Sources/ChecklistScreen.swift", "row.lockedReason", "row.lockedReasn")
    run = subprocess.run(
        [sys.executable, os.path.join(ROOT, "scripts/swift_symbol_check.py"), "--generated", generated,
         "--sdk-names", os.path.join(IOS, "sdk-names.txt"), *files],
        capture_output=True, text=True)
    assert run.returncode == 1
    assert "1 failed" in run.stdout


def copy_ios(tmp_path):
    dest = tmp_path / "ios"
    shutil.copytree(IOS, dest, ignore=shutil.ignore_patterns("Generated", ".build", "*.xcframework", "*.xcodeproj"))
    return dest


def test_the_project_check_passes_and_catches_a_missing_app_group(tmp_path, capsys):
    assert ios_project_check.main(IOS) == 0
    ios = copy_ios(tmp_path)
    yml = ios / "project.yml"
    text = yml.read_text(encoding="utf-8")
    yml.write_text(text.replace("com.apple.security.application-groups: [group.app.tuilu]\n", "", 1), encoding="utf-8")
    assert ios_project_check.main(str(ios)) == 1
    assert "TuiluApp has the App Group" in capsys.readouterr().err


def test_the_project_check_catches_an_untranslated_string(tmp_path, capsys):
    ios = copy_ios(tmp_path)
    home = ios / "App/Sources/HomeScreen.swift"
    home.write_text(home.read_text(encoding="utf-8").replace('.navigationTitle("退路")', '.navigationTitle("新的标题")'), encoding="utf-8")
    assert ios_project_check.main(str(ios)) == 1
    assert "新的标题" in capsys.readouterr().err


def edit(ios, rel, old, new):
    """Replaces `old` (once) in ios/`rel` of a copy; the test fails if `old` is gone."""
    path = ios / rel
    body = path.read_text(encoding="utf-8")
    assert old in body, f"{old!r} not in {rel}: update the test"
    path.write_text(body.replace(old, new, 1), encoding="utf-8")


# A bad project, one defect at a time: the check fails and names it. (The project as it is
# passes: test_the_project_check_passes_and_catches_a_missing_app_group.)
BAD_PROJECTS = [
    pytest.param("project.yml",
                 "      - path: Privacy/App/PrivacyInfo.xcprivacy\n        buildPhase: resources\n", "",
                 "TuiluApp has one privacy manifest", id="app-without-privacy-manifest"),
    pytest.param("project.yml",
                 "      - path: Privacy/ShareExtension/PrivacyInfo.xcprivacy\n        buildPhase: resources", "",
                 "TuiluShare has one privacy manifest", id="extension-without-privacy-manifest"),
    pytest.param("Privacy/App/PrivacyInfo.xcprivacy",
                 "\t<key>NSPrivacyTracking</key>\n\t<false/>", "\t<key>NSPrivacyTracking</key>\n\t<true/>",
                 "NSPrivacyTracking false", id="tracking"),
    pytest.param("Privacy/ShareExtension/PrivacyInfo.xcprivacy", "<string>C617.1</string>", "<string>DDA9.1</string>",
                 "TuiluShare's privacy manifest declares NSPrivacyAccessedAPICategoryFileTimestamp C617.1",
                 id="no-file-timestamp-reason"),
    pytest.param("Privacy/App/PrivacyInfo.xcprivacy", "<string>E174.1</string>", "<string>E174.9</string>",
                 "has reasons Apple lists for it", id="invented-reason"),
    pytest.param("App/Sources/Notifications.swift",
                 "return UNTimeIntervalNotificationTrigger(timeInterval: max(1, fireAt.timeIntervalSince(now)), repeats: false)",
                 "return UNCalendarNotificationTrigger(dateMatching: Calendar.current.dateComponents("
                 "[.year, .month, .day, .hour, .minute, .second], from: fireAt), repeats: false)",
                 "a UNCalendarNotificationTrigger outside the core's wall-clock kind", id="floating-deadline-trigger"),
    pytest.param("project.yml", 'SWIFT_VERSION: "6.0"', 'SWIFT_VERSION: "5.0"',
                 "SWIFT_VERSION is 6", id="swift-5"),
    pytest.param("Package.swift", "// swift-tools-version:6.0", "// swift-tools-version:5.9",
                 "Package.swift is swift-tools-version 6", id="package-swift-5"),
    pytest.param("project.yml", 'IPHONEOS_DEPLOYMENT_TARGET: "17.0"', 'IPHONEOS_DEPLOYMENT_TARGET: "16.0"',
                 "IPHONEOS_DEPLOYMENT_TARGET 16.0", id="two-deployment-targets"),
    pytest.param("project.yml", "BGTaskSchedulerPermittedIdentifiers: [app.tuilu.ios.reminders]",
                 "BGTaskSchedulerPermittedIdentifiers: [app.tuilu.ios.refresh]",
                 "app.tuilu.ios.reminders is in BGTaskSchedulerPermittedIdentifiers", id="undeclared-task-identifier"),
    pytest.param("project.yml", "UIBackgroundModes: [fetch]", "UIBackgroundModes: [audio]",
                 "the `fetch` background mode", id="no-fetch-mode"),
    pytest.param("App/Sources/TuiluIOSApp.swift", "        await core.reminders.registerCategories()\n", "",
                 "the notification categories are registered at launch", id="categories-not-registered-at-launch"),
    pytest.param("App/Sources/TuiluIOSApp.swift", "        UNUserNotificationCenter.current().delegate = notifications\n", "",
                 "the notification delegate is set at launch", id="no-delegate-at-launch"),
    pytest.param("project.yml", "        product: TuiluCore\n        link: false\n", "        product: TuiluCore\n",
                 "TuiluAppTests does not link the TuiluCore package again", id="core-linked-twice"),
    pytest.param("project.yml", '|| ANY $attachment.registeredTypeIdentifiers UTI-CONFORMS-TO "com.adobe.pdf"', "",
                 "the activation rule accepts exactly the Swift's types", id="activation-rule-drops-pdf"),
    pytest.param("project.yml", "ITSAppUsesNonExemptEncryption: true", "ITSAppUsesNonExemptEncryption: false",
                 "ITSAppUsesNonExemptEncryption is YES", id="encryption-denied"),
    pytest.param("App/Sources/AppStore.swift", 'write("undo", { try screens.undo(caseId) })',
                 "attempt({ try screens.undo(caseId) })",
                 "screens.undo writes the vault outside a background task", id="write-without-background-task"),
    pytest.param("App/Sources/AppStore.swift",
                 'let added = try await VaultWrite.run("import evidence") {\n'
                 "                    try await screens.addEvidence(\n"
                 "                        caseId, step: stepId, fileAt: url,\n"
                 "                        captured: index < captured.count ? captured[index] : nil, onProgress: progress)\n"
                 "                }",
                 "let added = try await screens.addEvidence(\n"
                 "                        caseId, step: stepId, fileAt: url,\n"
                 "                        captured: index < captured.count ? captured[index] : nil, onProgress: progress)",
                 "screens.addEvidence writes the vault outside a background task", id="import-without-background-task"),
    pytest.param("App/Sources/Notifications.swift",
                 'let refused = try? await VaultWrite.run("notification action") { await actions.perform(action) }',
                 "let refused: String?? = await actions.perform(action)",
                 "reminders.send writes the vault outside a background task",
                 id="notification-action-without-background-task"),
    pytest.param("ShareExtension/ShareViewController.swift",
                 '        ExpiringActivity.hold(reason: "Tuilu: adding evidence to the vault", until: task)\n', "",
                 "in the extension runs inside performExpiringActivity", id="extension-without-expiring-activity"),
]


@pytest.mark.parametrize("rel, old, new, expected", BAD_PROJECTS)
def test_the_project_check_fails_on_a_bad_project(tmp_path, capsys, rel, old, new, expected):
    ios = copy_ios(tmp_path)
    edit(ios, rel, old, new)
    assert ios_project_check.main(str(ios)) == 1
    err = capsys.readouterr().err
    assert expected in err, err


def test_a_user_defaults_suite_needs_its_reason(tmp_path, capsys):
    ios = copy_ios(tmp_path)
    edit(ios, "App/Shared/Storage.swift", "enum Storage {",
         'enum Storage {\n    static let defaults = UserDefaults(suiteName: "group.app.tuilu")')
    assert ios_project_check.main(str(ios)) == 1
    assert "declares UserDefaults 1C8F.1" in capsys.readouterr().err


def test_a_calendar_trigger_that_carries_its_zone_is_an_instant(tmp_path, capsys):
    """The trigger rule asks for an instant, not for one API: fields with their timeZone pass."""
    ios = copy_ios(tmp_path)
    edit(ios, "App/Sources/Notifications.swift",
         "return UNTimeIntervalNotificationTrigger(timeInterval: max(1, fireAt.timeIntervalSince(now)), repeats: false)",
         "return UNCalendarNotificationTrigger(dateMatching: Calendar.current.dateComponents("
         "in: TimeZone(identifier: \"UTC\")!, from: fireAt), repeats: false)\n"
         "            _ = UNTimeIntervalNotificationTrigger(timeInterval: 1, repeats: false)")
    assert ios_project_check.main(str(ios)) == 0, capsys.readouterr().err
