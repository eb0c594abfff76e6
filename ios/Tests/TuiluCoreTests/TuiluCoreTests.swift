// Mirrors android/core/src/test/kotlin/app/tuilu/core/{ScreensTest,OpsTest}.kt. Run with
// `swift test` on a Mac after `scripts/bindings.sh xcframework` (see docs/bindings.md).
import Foundation
import XCTest

@testable import TuiluCore

final class TuiluCoreTests: XCTestCase {
    private var dir: URL!
    private let answers = ["has_unsettled_earnings": "否", "has_violation_record": "否", "contract_ended": "是"]
    private let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + Data("not really".utf8)

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("tuilu-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    private func screens(_ name: String = "vault", language: Language = .zh) throws -> TuiluScreens {
        let now = ISO8601DateFormatter().date(from: "2026-09-30T09:00:00Z")!
        return try TuiluScreens(
            vaultDirectory: dir.appendingPathComponent(name), language: language,
            zone: TimeZone(identifier: "Asia/Shanghai")!, now: { now })
    }

    func testACaseWithUndoAndTypedErrors() throws {
        let s = try screens()
        var c = try s.createCase("douyin.guild-exit", answers: answers)
        XCTAssertThrowsError(try s.act(c.id, step: "submit_exit", action: .submit)) { error in
            guard case let AppError.DependencyNotDone(_, dependency, message) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(dependency, "check_account_status")
            XCTAssertTrue(message.hasPrefix("请先完成第 1 步「"))
        }
        for step in ["check_account_status", "backup_data", "read_contract_and_negotiate"] {
            c = try s.act(c.id, step: step, action: .done)
        }
        c = try s.act(c.id, step: "submit_exit", action: .submit)
        XCTAssertEqual(c.steps.first { $0.id == "submit_exit" }?.deadline?.sense, .deadline)
        c = try s.undo(c.id)
        XCTAssertEqual(c.steps.first { $0.id == "submit_exit" }?.status, .todo)
    }

    func testEvidenceBundleAndBackup() async throws {
        let s = try screens()
        let c = try s.createCase("douyin.guild-exit", answers: answers)
        let added = try await s.addEvidence(c.id, step: "backup_data", name: "a.png", data: png)
        XCTAssertTrue(added.notice.hasPrefix("已添加「a.png」"))
        let checked = try await s.verifyEvidence(c.id)
        XCTAssertEqual(checked.verifyIntact, true)
        let preview = try s.bundlePreview(c.id)
        XCTAssertEqual(preview.files, 1)
        XCTAssertTrue(preview.facts.isEmpty, "the guild answers are private")
        XCTAssertFalse(try s.bundlePreview(c.id, includePrivate: true).facts.isEmpty)
        let zip = dir.appendingPathComponent("dispute.zip")
        let done = try await s.exportBundle(c.id, to: zip)
        XCTAssertEqual(done.count, 1)
        XCTAssertTrue(done.notice.contains("未包含隐私事实和备注"))
        let bundle = try await s.verifyBundle(at: zip)
        XCTAssertTrue(bundle.intact)

        let file = dir.appendingPathComponent("tuilu.backup")
        XCTAssertEqual(try s.newRecoveryCode().code.count, 35)
        _ = try await s.createBackup(to: file, passphrase: "correct horse battery staple", workFactor: 10)
        do {
            _ = try await s.inspectBackup(at: file, passphrase: "wrong")
            XCTFail("a wrong passphrase opens nothing")
        } catch let AppError.Backup(kind, message) {
            XCTAssertEqual(kind, "wrong_passphrase")
            XCTAssertTrue(message.hasPrefix("口令不对"))
        }
        let other = try screens("phone2")
        let restored = try await other.restoreBackup(from: file, passphrase: "correct horse battery staple")
        XCTAssertFalse(restored.replaced)
        XCTAssertEqual(try other.home().cases.map(\.id), [c.id])
    }
}
