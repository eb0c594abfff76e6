import SwiftUI
import TuiluCore
import UIKit
import UniformTypeIdentifiers

/// The Share Extension: images, videos and PDFs from other apps (a WeChat screenshot) go
/// into a case and step, through the core, into the vault in the App Group container.
final class ShareViewController: UIViewController {
    override func viewDidLoad() {
        super.viewDidLoad()
        let items = (extensionContext?.inputItems as? [NSExtensionItem]) ?? []
        let providers = items.flatMap { $0.attachments ?? [] }
        let model = ShareModel(providers: providers) { [weak self] cancelled in
            if cancelled {
                self?.extensionContext?.cancelRequest(withError: CocoaError(.userCancelled))
            } else {
                self?.extensionContext?.completeRequest(returningItems: nil)
            }
        }
        let host = UIHostingController(rootView: ShareForm(model: model))
        addChild(host)
        host.view.frame = view.bounds
        host.view.autoresizingMask = [.flexibleWidth, .flexibleHeight]
        view.addSubview(host.view)
        host.didMove(toParent: self)
    }
}

@MainActor
@Observable
final class ShareModel {
    /// What the extension accepts (see NSExtensionActivationRule in project.yml).
    static let accepted: [UTType] = [.image, .movie, .pdf]

    var cases: [CaseCardRecord] = []
    var steps: [StepRowRecord] = []
    var caseId: String? { didSet { loadSteps() } }
    var stepId: String?
    var files: [URL] = []
    var progress: Double?
    var error: String?
    /// Cancel was pressed: the core is rolling back; the sheet closes when it has.
    var cancelling = false

    private let providers: [NSItemProvider]
    private let finish: (_ cancelled: Bool) -> Void
    @ObservationIgnored private var screens: TuiluScreens?
    @ObservationIgnored private var task: Task<Void, Never>?

    init(providers: [NSItemProvider], finish: @escaping (_ cancelled: Bool) -> Void) {
        self.providers = providers
        self.finish = finish
    }

    func load() async {
        do {
            let dir = try Storage.vaultDirectory()
            let screens = try TuiluScreens(vaultDirectory: dir)
            screens.language = screens.settings().language
            self.screens = screens
            cases = try screens.home().cases
            caseId = cases.first?.id
        } catch {
            self.error = message(for: error)
        }
        for provider in providers {
            if let url = await Self.copy(provider) { files.append(url) }
        }
    }

    private func loadSteps() {
        stepId = nil
        guard let caseId, let screens else { steps = []; return }
        steps = (try? screens.caseScreen(caseId).steps) ?? []
    }

    /// A copy of the shared file: the system deletes its own when the handler returns.
    static func copy(_ provider: NSItemProvider) async -> URL? {
        guard let type = accepted.first(where: { provider.hasItemConformingToTypeIdentifier($0.identifier) }) else {
            return nil
        }
        return await withCheckedContinuation { continuation in
            _ = provider.loadFileRepresentation(forTypeIdentifier: type.identifier) { url, _ in
                guard let url else { return continuation.resume(returning: nil) }
                let copy = Storage.temporaryFile(named: url.lastPathComponent)
                do {
                    try FileManager.default.copyItem(at: url, to: copy)
                    continuation.resume(returning: copy)
                } catch {
                    continuation.resume(returning: nil)
                }
            }
        }
    }

    /// Adds the files through the core. An extension has no `beginBackgroundTask`: the work
    /// runs inside `ProcessInfo.performExpiringActivity`, so iOS does not suspend the
    /// extension while the core holds the vault's SQLite lock in the shared container
    /// (0xdead10cc). If iOS must suspend it anyway, the work is cancelled through the core's
    /// `CancelToken` (cancelling the task cancels it) and the activity lasts until the core
    /// has rolled back and released the database.
    func add() {
        guard let caseId, let screens else { return }
        let files = self.files
        let stepId = self.stepId
        progress = 0
        let count = Double(files.count)
        let task = Task { [weak self] in
            do {
                for (index, url) in files.enumerated() {
                    let progress: @Sendable (TuiluProgress) -> Void = { [weak self] p in
                        let fraction = (Double(index) + p.fraction) / count
                        Task { @MainActor in self?.progress = fraction }
                    }
                    // A share hands over files, not Photos assets: there is no
                    // `PHAsset.creationDate` to pass, so `captured` is nil and the core
                    // reads the EXIF date or a screenshot's file name itself.
                    _ = try await screens.addEvidence(
                        caseId, step: stepId, fileAt: url, captured: nil, onProgress: progress)
                }
                self?.finish(false)
            } catch is CancellationError {
            } catch AppError.Cancelled {
            } catch {
                self?.progress = nil
                self?.error = message(for: error)
            }
        }
        self.task = task
        ExpiringActivity.hold(reason: "Tuilu: adding evidence to the vault", until: task)
    }

    /// Cancel waits for the core: the request completes only once the core has stopped,
    /// removed its temporary file and released the vault (the facade joins the token).
    func cancel() {
        guard let task, !cancelling else {
            if self.task == nil { finish(true) }
            return
        }
        cancelling = true
        task.cancel()
        Task { [weak self] in
            await task.value
            self?.finish(true)
        }
    }
}

/// `ProcessInfo.performExpiringActivity` around a task of the extension.
enum ExpiringActivity {
    /// Keeps the extension from being suspended until `task` has ended. iOS calls the block
    /// on a thread of its own with `expired == false` (it waits there), and again with
    /// `expired == true` when it must suspend the process: then the task is cancelled, and
    /// the first call returns once the cancelled work has ended.
    static func hold(reason: String, until task: Task<Void, Never>) {
        ProcessInfo.processInfo.performExpiringActivity(withReason: reason) { expired in
            if expired {
                task.cancel()
                return
            }
            let ended = DispatchSemaphore(value: 0)
            Task.detached {
                await task.value
                ended.signal()
            }
            ended.wait()
        }
    }
}

@MainActor
struct ShareForm: View {
    @Bindable var model: ShareModel

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Text("\(model.files.count) 个文件")
                }
                if model.cases.isEmpty {
                    Text("还没有案件。请先在退路中开始一个退出流程。").foregroundStyle(.secondary)
                } else {
                    Picker("案件", selection: $model.caseId) {
                        ForEach(model.cases, id: \.id) { Text($0.title).tag(Optional($0.id)) }
                    }
                    Picker("步骤", selection: $model.stepId) {
                        Text("不指定步骤").tag(String?.none)
                        ForEach(model.steps, id: \.id) { step in
                            Text(verbatim: "\(step.number). \(step.title)").tag(Optional(step.id))
                        }
                    }
                }
                if let progress = model.progress {
                    ProgressView(value: progress)
                }
                if model.cancelling {
                    Text("正在取消…").foregroundStyle(.secondary)
                }
                if let error = model.error {
                    Text(error).foregroundStyle(.red)
                }
            }
            .navigationTitle("添加到退路")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) { Button("取消") { model.cancel() } }
                ToolbarItem(placement: .confirmationAction) {
                    Button("添加") { model.add() }
                        .disabled(model.caseId == nil || model.files.isEmpty || model.progress != nil)
                }
            }
        }
        .task { await model.load() }
    }
}
