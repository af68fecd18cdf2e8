import Foundation

/// Finds the 8x8 digits that ship with the example.
public enum BundledData {
    /// The folder holding the digits' four IDX files, or `nil` if none of the places it can be
    /// is there: `$BACKPROP_DIGITS_DIR`; the SwiftPM resource bundle next to the executable
    /// (`swift build`/`swift run`/`swift test`); the source tree this file was compiled from.
    public static func digitsDirectory() -> URL? {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["BACKPROP_DIGITS_DIR"] {
            candidates.append(URL(fileURLWithPath: path))
        }
        let bundleName = "Backprop_MLPClassifierCore.resources"
        var folders = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { folders.append(executable.resolvingSymlinksInPath().deletingLastPathComponent()) }
        for folder in folders {
            candidates.append(folder.appendingPathComponent(bundleName).appendingPathComponent("digits"))
            candidates.append(folder.appendingPathComponent(bundleName).appendingPathComponent("Resources/digits"))
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/digits"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("train-images-idx3-ubyte").path) }
    }
}
