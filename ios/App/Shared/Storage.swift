import Foundation

/// Where the vault lives: in the App Group container shared by the app and the Share
/// Extension, protected with `completeUntilFirstUserAuthentication`. That class keeps the
/// files readable while the phone is locked after its first unlock, so a notification
/// action ("已提交", "稍后提醒") handled in the background can open the vault. `complete`
/// would make every action fail on a locked phone. See docs/ios.md.
enum Storage {
    static let appGroup = "group.app.tuilu"

    static func vaultDirectory(fileManager: FileManager = .default) throws -> URL {
        guard let container = fileManager.containerURL(forSecurityApplicationGroupIdentifier: appGroup) else {
            throw StorageError.noAppGroup(appGroup)
        }
        let dir = container.appendingPathComponent("Vault", isDirectory: true)
        try fileManager.createDirectory(
            at: dir, withIntermediateDirectories: true,
            attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication])
        try protectOnce(dir, marker: container.appendingPathComponent(protectedMarker), fileManager: fileManager)
        return dir
    }

    /// Beside the vault, not in it (the core owns what is in the vault folder): present once
    /// the vault's files have been given the protection class.
    static let protectedMarker = "Vault.protected-v1"

    /// Walks the vault once, not at every launch and every share: files the core creates
    /// later get the class from the entitlement (the default class of both targets), so
    /// only files from before it was set need repairing. A new marker name walks again.
    static func protectOnce(_ dir: URL, marker: URL, fileManager: FileManager = .default) throws {
        guard !fileManager.fileExists(atPath: marker.path) else { return }
        try protect(dir, fileManager: fileManager)
        _ = fileManager.createFile(
            atPath: marker.path, contents: Data(),
            attributes: [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication])
    }

    /// Sets the protection class on the directory and everything in it (files the core
    /// created get the entitlement's default class; this repairs older ones).
    static func protect(_ dir: URL, fileManager: FileManager = .default) throws {
        let attributes: [FileAttributeKey: Any] = [.protectionKey: FileProtectionType.completeUntilFirstUserAuthentication]
        try fileManager.setAttributes(attributes, ofItemAtPath: dir.path)
        let items = fileManager.enumerator(at: dir, includingPropertiesForKeys: nil)
        while let url = items?.nextObject() as? URL {
            try? fileManager.setAttributes(attributes, ofItemAtPath: url.path)
        }
    }

    /// A fresh file name in the temporary directory (exports, camera shots).
    static func temporaryFile(named name: String) -> URL {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent(UUID().uuidString, isDirectory: true)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name)
    }
}

enum StorageError: LocalizedError {
    case noAppGroup(String)

    var errorDescription: String? {
        switch self {
        case let .noAppGroup(group):
            return String(localized: "无法打开共享存储（App Group \(group)）")
        }
    }
}
