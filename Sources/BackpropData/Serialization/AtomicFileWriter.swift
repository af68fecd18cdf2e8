import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file atomically: write a temporary file next to it, `fsync` it, `rename` it over
/// the target, `fsync` the folder. Readers see either the old file or the complete new one.
enum AtomicFileWriter {
    /// Calls `produce` with a sink that appends bytes to the new file, then commits it.
    /// `failAfterBytes` (tests only) makes the sink fail once that many bytes are written.
    static func write(to url: URL, failAfterBytes: Int? = nil,
                      _ produce: (_ sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let folder = url.deletingLastPathComponent()
        var random = SystemRandomNumberGenerator()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(random.next() & 0xFFFF_FFFF).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw FileFormatError(url, "cannot create the temporary file \(temporary.path): \(String(cString: strerror(errno)))")
        }
        var written = 0
        do {
            try produce { bytes in
                var done = 0
                while done < bytes.count {
                    var chunk = bytes.count - done
                    if let limit = failAfterBytes {
                        chunk = Swift.min(chunk, Swift.max(limit - written, 0))
                        if chunk == 0 { throw FileFormatError(url, offset: written, "write failed: injected failure after \(limit) bytes") }
                    }
                    let n = Glibc.write(fd, bytes.baseAddress! + done, chunk)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else {
                        throw FileFormatError(url, offset: written, "write failed: \(String(cString: strerror(errno)))")
                    }
                    done += n
                    written += n
                }
            }
            guard fsync(fd) == 0 else { throw FileFormatError(url, "fsync failed: \(String(cString: strerror(errno)))") }
        } catch {
            close(fd)
            unlink(temporary.path)
            throw error
        }
        guard close(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw FileFormatError(url, "close failed: \(reason)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary.path)
            throw FileFormatError(url, "cannot move the temporary file into place: \(reason)")
        }
        let dir = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }
}
