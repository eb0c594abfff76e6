// Mirrors android/core/src/test/kotlin/app/tuilu/core/TuiluTest.kt. Run with `swift test`
// on a Mac after `scripts/bindings.sh xcframework` (see docs/bindings.md).
import CryptoKit
import Foundation
import XCTest

@testable import TuiluCore

final class TuiluCoreTests: XCTestCase {
    private var tuilu: Tuilu!
    private var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("tuilu-swift-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        tuilu = try Tuilu(vaultPath: vaultPath)
    }

    private var vaultPath: String {
        dir.appendingPathComponent("vault").path
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    // MARK: helpers

    /// The repository root, from this file's path: ios/Tests/TuiluCoreTests/<file>.
    private static let repo = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private func xingtuPack() throws -> String {
        try String(
            contentsOf: Self.repo.appendingPathComponent("tests/golden/packs/douyin.xingtu-task-cancel.json"),
            encoding: .utf8)
    }

    private func write(_ name: String, _ data: Data) throws -> String {
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }

    private func random(_ name: String, size: Int, seed: UInt64) throws -> (String, String) {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        var bytes = [UInt8](repeating: 0, count: size)
        for i in 0..<size {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        let data = Data(bytes)
        return (try write(name, data), Self.sha256(data))
    }

    private static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    private final class Recorder: ProgressListener, @unchecked Sendable {
        private let lock = NSLock()
        private var _calls: [TuiluProgress] = []
        let onCall: (@Sendable () -> Void)?

        init(onCall: (@Sendable () -> Void)? = nil) {
            self.onCall = onCall
        }

        var calls: [TuiluProgress] {
            lock.lock()
            defer { lock.unlock() }
            return _calls
        }

        func onProgress(done: UInt64, total: UInt64) {
            lock.lock()
            _calls.append(TuiluProgress(done: done, total: total))
            lock.unlock()
            onCall?()
        }
    }

    // MARK: version

    func testVersionIsSemverAndTheSameEverywhere() throws {
        XCTAssertNotNil(Tuilu.version.range(of: #"^\d+\.\d+\.\d+"#, options: .regularExpression))
        XCTAssertEqual(try TuiluCore(vaultDir: vaultPath).version(), Tuilu.version)
    }

    // MARK: hashing

    func testHashesKnownContent() async throws {
        let empty = try write("empty", Data())
        let abc = try write("abc", Data("abc".utf8))
        let chinese = try write("证据-截图.txt", Data("退路".utf8))
        let emptyDigest = try await tuilu.hashFile(atPath: empty)
        XCTAssertEqual(emptyDigest, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let abcDigest = try await tuilu.hashFile(atPath: abc)
        XCTAssertEqual(abcDigest, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let chineseDigest = try await tuilu.hashFile(atPath: chinese)
        XCTAssertEqual(chineseDigest, Self.sha256(Data("退路".utf8)))
    }

    func testLargeFileReportsMonotonicProgressEndingAtTotal() async throws {
        let size = 3 * 1024 * 1024 + 17
        let (path, expected) = try random("large.bin", size: size, seed: 1)
        let recorder = Recorder()
        let digest = try await tuilu.hashFile(atPath: path) { recorder.onProgress(done: $0.done, total: $0.total) }
        XCTAssertEqual(digest, expected)
        let calls = recorder.calls
        XCTAssertEqual(calls.first, TuiluProgress(done: 0, total: UInt64(size)))
        XCTAssertEqual(calls.last, TuiluProgress(done: UInt64(size), total: UInt64(size)))
        XCTAssertTrue((3...102).contains(calls.count), "\(calls.count) progress calls")
        XCTAssertTrue(zip(calls, calls.dropFirst()).allSatisfy { $0.done < $1.done })
        XCTAssertEqual(calls.last?.fraction, 1)
    }

    func testEventsStreamProgressThenFinished() async throws {
        let (path, expected) = try random("events.bin", size: 1024 * 1024, seed: 2)
        var events: [HashEvent] = []
        for try await event in tuilu.hashFileEvents(atPath: path) {
            events.append(event)
        }
        XCTAssertEqual(events.last, .finished(sha256: expected))
        guard case let .running(progress)? = events.dropLast().last else {
            return XCTFail("no progress before the end: \(events)")
        }
        XCTAssertEqual(progress.done, 1024 * 1024)
    }

    func testEventsStreamEndsWithTheError() async throws {
        do {
            for try await _ in tuilu.hashFileEvents(atPath: dir.appendingPathComponent("missing").path) {}
            XCTFail("expected NotFound")
        } catch let error as ApiError {
            guard case .NotFound = error else { return XCTFail("\(error)") }
        }
    }

    // MARK: cancel

    func testCancelTokenStopsHashing() async throws {
        let (path, _) = try random("cancel.bin", size: 4 * 1024 * 1024, seed: 3)
        let token = CancelToken()
        let recorder = Recorder(onCall: { token.cancel() })
        do {
            _ = try await TuiluCore(vaultDir: vaultPath).hashFile(path: path, listener: recorder, cancel: token)
            XCTFail("expected Cancelled")
        } catch ApiError.Cancelled {}
        XCTAssertTrue(token.isCancelled())
        XCTAssertLessThanOrEqual(recorder.calls.count, 2)
    }

    func testAlreadyCancelledTokenFailsAtOnce() async throws {
        let path = try write("pre", Data("x".utf8))
        let token = CancelToken()
        token.cancel()
        do {
            _ = try await TuiluCore(vaultDir: vaultPath).hashFile(path: path, listener: nil, cancel: token)
            XCTFail("expected Cancelled")
        } catch ApiError.Cancelled {}
    }

    func testCancellingTheTaskStopsTheNativeWork() async throws {
        let (path, _) = try random("slow.bin", size: 8 * 1024 * 1024, seed: 4)
        let recorder = Recorder(onCall: { Thread.sleep(forTimeInterval: 0.02) })
        let tuilu = self.tuilu!
        let task = Task {
            try await tuilu.hashFile(atPath: path) { recorder.onProgress(done: $0.done, total: $0.total) }
        }
        while recorder.calls.isEmpty {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected Cancelled")
        } catch ApiError.Cancelled {}
        let atCancel = recorder.calls.count
        try await Task.sleep(nanoseconds: 300_000_000)
        XCTAssertLessThanOrEqual(recorder.calls.count - atCancel, 1)
        XCTAssertLessThan(recorder.calls.count, 30)
    }

    func testEndingTheEventsIterationEarlyReturnsPromptly() async throws {
        let (path, _) = try random("events-cancel.bin", size: 8 * 1024 * 1024, seed: 5)
        var first: HashEvent?
        for try await event in tuilu.hashFileEvents(atPath: path) {
            first = event
            break
        }
        XCTAssertEqual(first, .running(TuiluProgress(done: 0, total: 8 * 1024 * 1024)))
    }

    // MARK: errors

    func testMissingFileIsNotFoundWithoutThePath() async throws {
        let path = dir.appendingPathComponent("张三-私人/合同.pdf").path
        do {
            _ = try await tuilu.hashFile(atPath: path)
            XCTFail("expected NotFound")
        } catch let error as ApiError {
            guard case .NotFound = error else { return XCTFail("\(error)") }
            XCTAssertFalse(error.detail.contains("张三"))
            XCTAssertEqual(error.userMessage(locale: Locale(identifier: "zh-Hans")), "找不到该文件。")
            XCTAssertEqual(error.userMessage(locale: Locale(identifier: "en")), "The file was not found.")
        }
    }

    func testDirectoryAndEmptyPathAreInvalidInput() async throws {
        for path in [dir.path, ""] {
            do {
                _ = try await tuilu.hashFile(atPath: path)
                XCTFail("expected InvalidInput for \(path)")
            } catch let error as ApiError {
                guard case .InvalidInput = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testEveryErrorHasBothLanguages() {
        let errors: [ApiError] = [
            .InvalidInput(detail: "d"), .NotFound(detail: "d"), .Conflict(detail: "d"),
            .Storage(detail: "d"), .Io(detail: "d"), .Cancelled, .Internal(detail: "d"),
        ]
        let zh = errors.map { $0.userMessage(locale: Locale(identifier: "zh-Hans")) }
        let en = errors.map { $0.userMessage(locale: Locale(identifier: "en")) }
        XCTAssertEqual(Set(zh).count, errors.count)
        XCTAssertEqual(Set(en).count, errors.count)
        XCTAssertTrue(zh.allSatisfy { $0.unicodeScalars.contains { $0.value > 0x2E80 } })
        XCTAssertTrue(en.allSatisfy { $0.unicodeScalars.allSatisfy { $0.isASCII } })
    }

    // MARK: concurrency

    func testEightConcurrentCallers() async throws {
        let files = try (0..<8).map { try random("concurrent-\($0).bin", size: 512 * 1024 + $0, seed: UInt64(10 + $0)) }
        let pack = try xingtuPack()
        let tuilu = self.tuilu!
        let results = try await withThrowingTaskGroup(of: (Int, String, Int, String).self) { group in
            for (i, (path, _)) in files.enumerated() {
                group.addTask {
                    let recorder = Recorder()
                    let digest = try await tuilu.hashFile(atPath: path) {
                        recorder.onProgress(done: $0.done, total: $0.total)
                    }
                    let check = try await tuilu.checkPack(pack)
                    return (i, digest, recorder.calls.count, check.pack)
                }
            }
            var all: [(Int, String, Int, String)] = []
            for try await r in group { all.append(r) }
            return all
        }
        XCTAssertEqual(results.count, 8)
        for (i, digest, calls, id) in results {
            XCTAssertEqual(digest, files[i].1)
            XCTAssertGreaterThanOrEqual(calls, 2)
            XCTAssertEqual(id, "douyin.xingtu-task-cancel")
        }
    }
}
