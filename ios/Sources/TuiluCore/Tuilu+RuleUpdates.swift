import Foundation

/// Rule-pack updates (docs/rule-updates.md): the app fetches a release with URLSession and
/// hands the bytes to the core, which checks the signature, the hashes and the packs,
/// installs them all at once or refuses, and words the outcome. The core does no
/// networking; the signature, not the transport, makes a release trusted.
extension TuiluScreens {
    /// The rule-update section of Settings: installed packs, the last check, the notes.
    public func ruleUpdates() throws -> RuleUpdatesViewRecord {
        try app.ruleUpdatesView(ctx: context())
    }

    /// Sets the base URL of releases (nil: the default) and whether the daily check may use
    /// mobile data.
    public func setRuleUpdateSource(baseUrl: String?, allowMobileData: Bool) throws -> RuleUpdatesViewRecord {
        try app.setRuleUpdateSource(ctx: context(), baseUrl: baseUrl, allowMobileData: allowMobileData)
    }

    /// "检查规则更新": fetches the signed index and the packs the core asks for, then lets
    /// the core install them. A failed fetch is recorded as the last check, in words.
    public func checkRuleUpdates(fetch: ReleaseFetching = ReleaseFetcher()) async throws -> RuleUpdateResultRecord {
        var base = try app.ruleUpdatesView(ctx: context()).baseUrl
        if !base.hasSuffix("/") { base += "/" }
        do {
            func need(_ name: String) async throws -> Data {
                guard let data = try await fetch.get(base + name) else { throw ReleaseFetchError(detail: name + ": 404") }
                return data
            }
            let keys = try await fetch.get(base + "keys.json")
            var keysSig: Data?
            if keys != nil { keysSig = try await need("keys.json.minisig") }
            let signed = SignedIndexRecord(
                index: try await need("index.json"),
                indexSig: try await need("index.json.minisig"),
                keyList: keys,
                keyListSig: keysSig
            )
            var packs: [ReleaseFileRecord] = []
            for name in try app.ruleUpdateFilesNeeded(ctx: context(), releaseIndex: signed) {
                packs.append(ReleaseFileRecord(name: name, bytes: try await need(name)))
            }
            return try app.installRuleUpdate(ctx: context(), releaseIndex: signed, packs: packs)
        } catch let e as ReleaseFetchError {
            return try app.recordRuleUpdateFailure(ctx: context(), detail: e.detail)
        }
    }
}

/// A fetch that failed, in the HTTP client's words (the core adds its own).
public struct ReleaseFetchError: Error {
    public let detail: String
}

/// Fetches one file of a release: its bytes, or nil for a 404.
public protocol ReleaseFetching: Sendable {
    func get(_ url: String) async throws -> Data?
}

/// `ReleaseFetching` with URLSession: no redirect is followed, each request has a timeout.
public final class ReleaseFetcher: NSObject, ReleaseFetching, URLSessionTaskDelegate, @unchecked Sendable {
    private let timeout: TimeInterval

    public init(timeout: TimeInterval = 30) {
        self.timeout = timeout
    }

    public func get(_ url: String) async throws -> Data? {
        guard let u = URL(string: url) else { throw ReleaseFetchError(detail: url) }
        var request = URLRequest(url: u)
        request.timeoutInterval = timeout
        request.cachePolicy = .reloadIgnoringLocalCacheData
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request, delegate: self)
        } catch {
            throw ReleaseFetchError(detail: error.localizedDescription)
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status == 404 { return nil }
        if (300..<400).contains(status) { throw ReleaseFetchError(detail: "HTTP \(status): redirect refused (\(url))") }
        if status != 200 { throw ReleaseFetchError(detail: "HTTP \(status) (\(url))") }
        return data
    }

    /// Refuses every redirect: the 3xx response itself comes back.
    public func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest
    ) async -> URLRequest? {
        nil
    }
}
