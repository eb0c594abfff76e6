import ImageIO
import Photos
import PhotosUI
import SwiftUI
import TuiluCore
import UIKit
import UniformTypeIdentifiers

/// The evidence of a case or a step: add from Photos (no library permission: the picker
/// runs out of process), the camera or Files; each file is kept as is with its hash.
/// Export the dispute bundle and share it.
@MainActor
struct EvidenceScreen: View {
    let store: AppStore
    let caseId: String
    let stepId: String?
    @State private var picked: [PhotosPickerItem] = []
    @State private var importing = false
    @State private var camera = false
    /// The bundle leaves private facts and notes out unless the user turns this on.
    @State private var includePrivate = false
    @State private var preview: BundlePreviewRecord?

    private var route: Route { .evidence(caseId: caseId, stepId: stepId) }

    var body: some View {
        List {
            if let notice = store.notice {
                Text(notice).font(.footnote).foregroundStyle(.secondary)
            }
            if let list = store.evidence[route] {
                if let empty = list.emptyText {
                    Text(empty).foregroundStyle(.secondary)
                }
                Section {
                    ForEach(list.items, id: \.id) { item in
                        VStack(alignment: .leading) {
                            EvidenceRow(item: item)
                            EvidenceRowActions(store: store, list: list, item: item)
                        }
                    }
                } footer: {
                    Text(list.totalSizeText)
                }
            }
            Section("导出") {
                if let url = store.exported[caseId] {
                    ShareLink(item: url) { Label("分享证据包", systemImage: "square.and.arrow.up") }
                }
                // What the bundle will hold, before it is written (the core's words).
                if let preview {
                    Text(preview.summary).font(.footnote)
                    ForEach(preview.withheldFacts + preview.withheldNotes, id: \.self) {
                        Text($0).font(.caption).foregroundStyle(.secondary)
                    }
                }
                Toggle("包含隐私信息", isOn: $includePrivate)
                if let hint = preview?.privacyHint {
                    Text(hint).font(.caption2).foregroundStyle(.secondary)
                }
                Button { store.exportBundle(caseId, includePrivate: includePrivate) } label: { Label("导出证据包", systemImage: "archivebox") }
                Button { store.verify(caseId, stepId: stepId) } label: { Label("校验证据", systemImage: "checkmark.seal") }
                if let view = store.evidence[.evidence(caseId: caseId, stepId: stepId)],
                   let summary = view.verifySummary {
                    // The core's words: how many were checked and what is wrong.
                    Label {
                        Text(summary)
                    } icon: {
                        Image(systemName: view.verifyIntact == true ? "checkmark.seal.fill" : "xmark.seal")
                    }
                    .foregroundStyle(view.verifyIntact == true ? Color.primary : Color.red)
                }
            }
        }
        .navigationTitle("证据")
        .toolbar {
            ToolbarItemGroup(placement: .topBarTrailing) {
                // `.current`: the files as Photos keeps them (HEIC, HEVC, with their
                // metadata), never transcoded to a "compatible" copy: the bytes hashed and
                // kept are the capture's.
                // `.shared()`: each item carries its asset's identifier, so its creation date
                // can go to the core with the file (read only if library access was
                // already granted; never asked for here).
                PhotosPicker(
                    selection: $picked, matching: .any(of: [.images, .videos, .screenshots]),
                    preferredItemEncoding: .current, photoLibrary: .shared()
                ) {
                    Image(systemName: "photo.on.rectangle").accessibilityLabel(Text("照片与视频"))
                }
                if UIImagePickerController.isSourceTypeAvailable(.camera) {
                    Button { camera = true } label: {
                        Image(systemName: "camera").accessibilityLabel(Text("拍照"))
                    }
                }
                Button { importing = true } label: {
                    Image(systemName: "folder").accessibilityLabel(Text("文件"))
                }
            }
        }
        .onAppear { store.loadEvidence(caseId, stepId: stepId) }
        // Again when the switch or the evidence changes.
        .task(id: "\(includePrivate) \(store.evidence[route]?.items.count ?? -1)") {
            preview = store.bundlePreview(caseId, includePrivate: includePrivate)
        }
        .onChange(of: picked) { _, items in
            guard !items.isEmpty else { return }
            picked = []
            Task { await importPhotos(items) }
        }
        .fileImporter(isPresented: $importing, allowedContentTypes: [.image, .movie, .pdf, .item], allowsMultipleSelection: true) { result in
            if case let .success(urls) = result {
                store.importFiles(urls, caseId: caseId, stepId: stepId, scoped: true)
            }
        }
        .fullScreenCover(isPresented: $camera) {
            CameraView { url in
                store.importFiles([url], caseId: caseId, stepId: stepId)
            }
            .ignoresSafeArea()
        }
    }

    /// Photos hands over the original files (the file representation, at the `.current`
    /// encoding); the core stores them as they are and reads their EXIF capture time. The
    /// asset's `creationDate` goes with each file when the library can be read; the core
    /// decides which date it keeps and says so in the list.
    private func importPhotos(_ items: [PhotosPickerItem]) async {
        var urls: [URL] = []
        var captured: [CaptureTimeRecord?] = []
        for item in items {
            do {
                if let file = try await item.loadTransferable(type: PickedFile.self) {
                    urls.append(file.url)
                    captured.append(Self.creationDate(of: item))
                }
            } catch {
                store.error = message(for: error)
            }
        }
        if !urls.isEmpty { store.importFiles(urls, caseId: caseId, stepId: stepId, captured: captured) }
    }

    /// `PHAsset.creationDate` of a picked item, when the user already let the app read the
    /// library (full or limited); `nil` otherwise: the picker itself needs no permission
    /// and none is asked for.
    static func creationDate(of item: PhotosPickerItem) -> CaptureTimeRecord? {
        let status = PHPhotoLibrary.authorizationStatus(for: .readWrite)
        guard status == .authorized || status == .limited, let id = item.itemIdentifier else { return nil }
        let asset = PHAsset.fetchAssets(withLocalIdentifiers: [id], options: nil).firstObject
        guard let date = asset?.creationDate else { return nil }
        return CaptureTimeRecord(at: date, source: .photoLibrary)
    }
}

struct EvidenceRow: View {
    let item: EvidenceRowRecord

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            HStack {
                Text(item.kindLabel).font(.caption).foregroundStyle(.secondary)
                Text(item.fileName).font(.headline).lineLimit(1)
            }
            Text(item.capturedText).font(.footnote)
            if let check = item.verifyText { Text(check).font(.footnote) }
            if let step = item.stepTitle { Text(step).font(.footnote).foregroundStyle(.secondary) }
            HStack {
                Text(item.sizeText)
                Text(item.shortHash).monospaced()
                    .accessibilityLabel(Text("哈希 \(item.shortHash)"))
            }
            .font(.caption)
            .foregroundStyle(.secondary)
            if !item.note.isEmpty { Text(item.note).font(.footnote) }
        }
        .accessibilityElement(children: .combine)
    }
}

/// A file from Photos, copied to a temporary place the core can read. A file
/// representation, not `Data` or an image: the exact bytes of the asset's file.
struct PickedFile: Transferable {
    let url: URL

    static var transferRepresentation: some TransferRepresentation {
        FileRepresentation(importedContentType: .item) { received in
            let copy = Storage.temporaryFile(named: received.file.lastPathComponent)
            try FileManager.default.copyItem(at: received.file, to: copy)
            return PickedFile(url: copy)
        }
    }
}

/// The camera. The photo is written with the metadata the camera gave (EXIF capture time
/// and offset, orientation, lens), so the core records when it was taken from the file.
struct CameraView: UIViewControllerRepresentable {
    let taken: (URL) -> Void
    @Environment(\.dismiss) private var dismiss

    func makeUIViewController(context: Context) -> UIImagePickerController {
        let picker = UIImagePickerController()
        picker.sourceType = .camera
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ controller: UIImagePickerController, context: Context) {}

    func makeCoordinator() -> Coordinator { Coordinator(self) }

    final class Coordinator: NSObject, UIImagePickerControllerDelegate, UINavigationControllerDelegate {
        let parent: CameraView

        init(_ parent: CameraView) { self.parent = parent }

        func imagePickerController(
            _ picker: UIImagePickerController,
            didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]
        ) {
            if let image = info[.originalImage] as? UIImage,
               let data = Self.photoFile(image, metadata: info[.mediaMetadata] as? [String: Any]) {
                let url = Storage.temporaryFile(named: "camera.jpg")
                if (try? data.write(to: url)) != nil { parent.taken(url) }
            }
            parent.dismiss()
        }

        /// The photo as a JPEG carrying the camera's metadata (`UIImage.jpegData` drops it).
        static func photoFile(_ image: UIImage, metadata: [String: Any]?) -> Data? {
            guard let pixels = image.cgImage else { return nil }
            let data = NSMutableData()
            guard let file = CGImageDestinationCreateWithData(data, UTType.jpeg.identifier as CFString, 1, nil) else {
                return nil
            }
            var properties = metadata ?? [:]
            // The sensor's pixels with the orientation the camera recorded.
            properties[kCGImagePropertyOrientation as String] = metadata?[kCGImagePropertyOrientation as String]
                ?? Self.orientation(image.imageOrientation).rawValue
            properties[kCGImageDestinationLossyCompressionQuality as String] = 0.95
            CGImageDestinationAddImage(file, pixels, properties as CFDictionary)
            return CGImageDestinationFinalize(file) ? data as Data : nil
        }

        static func orientation(_ o: UIImage.Orientation) -> CGImagePropertyOrientation {
            switch o {
            case .up: return .up
            case .down: return .down
            case .left: return .left
            case .right: return .right
            case .upMirrored: return .upMirrored
            case .downMirrored: return .downMirrored
            case .leftMirrored: return .leftMirrored
            case .rightMirrored: return .rightMirrored
            @unknown default: return .up
            }
        }

        func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
            parent.dismiss()
        }
    }
}
