import Foundation
import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropData

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Saves replace files atomically and leave nothing behind: a symbolic link keeps pointing at
/// the (replaced) file, the file keeps its permissions, and the temporary file of a save that
/// was killed is removed by the next save, never a live writer's.
@Suite struct AtomicSaveTests {
    static let tensors = ["w": Tensor([1, 2, 3] as [Float])]

    /// Before: the link was replaced by a regular file and 0600 became 0644.
    @Test func saveThroughASymlinkKeepsTheLinkAndTheMode() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("real.safetensors")
        try SafeTensors.write(Self.tensors, to: target)
        #expect(chmod(target.path, 0o600) == 0)
        let link = folder.appendingPathComponent("link.safetensors")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "real.safetensors")
        try SafeTensors.write(["w": Tensor([4, 5] as [Float])], to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == "real.safetensors")
        #expect(try SafeTensors.read(from: target).tensors["w"]?.scalars(as: Float.self) == [4, 5])
        var info = stat()
        #expect(stat(target.path, &info) == 0 && info.st_mode & 0o7777 == 0o600)
        // A dangling link gets its target created.
        let dangling = folder.appendingPathComponent("dangling.safetensors")
        try FileManager.default.createSymbolicLink(atPath: dangling.path, withDestinationPath: "new.safetensors")
        try SafeTensors.write(Self.tensors, to: dangling)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("new.safetensors").path))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dangling.path) == "new.safetensors")
    }

    /// The folder this test's exit-test child writes into, found by both from the parent's pid.
    static func killFolder(parent: Int32) -> URL {
        testFileRoot.appendingPathComponent("backprop-killed-save-\(parent)")
    }

    /// A child process starts a save and is killed (SIGKILL) halfway; its temporary file stays.
    /// The next save removes it; a temporary file whose writer is alive (this process, mid-save)
    /// is left alone.
    @Test func aSaveKilledMidWriteIsCleanedUpByTheNextSave() async throws {
        let folder = Self.killFolder(parent: getpid())
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("model.safetensors")
        try SafeTensors.write(Self.tensors, to: url)
        await #expect(processExitsWith: .signal(SIGKILL)) {
            let url = AtomicSaveTests.killFolder(parent: getppid()).appendingPathComponent("model.safetensors")
            try AtomicFileWriter.write(to: url) { sink in
                try [UInt8](repeating: 7, count: 1000).withUnsafeBytes { try sink($0) }
                kill(getpid(), SIGKILL)
            }
        }
        func temporaries() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        }
        let left = try temporaries()
        #expect(left.count == 1 && left[0].hasPrefix(".model.safetensors."), "the killed child's temporary file: \(left)")
        #expect(try SafeTensors.read(from: url).tensors["w"]?.scalars(as: Float.self) == [1, 2, 3])
        try AtomicFileWriter.write(to: url) { sink in
            // This save removed the dead child's file; only its own is here now.
            let own = try temporaries()
            #expect(own.count == 1 && own != left)
            try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try sink($0) }
            // A second save while this one is live must leave this one's file alone.
            try SafeTensors.write(Self.tensors, to: url)
            #expect(try temporaries() == own)
        }
        #expect(try temporaries().isEmpty)
    }

    /// A temporary file named for a process that is alive (pid 1) is never deleted, even unlocked.
    @Test func aTemporaryFileOfALiveProcessIsKept() throws {
        let folder = makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.safetensors")
        let foreign = folder.appendingPathComponent(".m.safetensors.1.12345.tmp")
        try Data([1]).write(to: foreign)
        try SafeTensors.write(Self.tensors, to: url)
        #expect(FileManager.default.fileExists(atPath: foreign.path))
    }
}
