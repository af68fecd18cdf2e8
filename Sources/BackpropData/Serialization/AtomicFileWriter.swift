import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces a file atomically: write a temporary file next to it, `fsync` it, `rename` it over
/// the target, `fsync` the folder. Readers see either the old file or the complete new one.
///
/// - A symbolic link is followed: the file it points to is replaced and the link stays.
/// - An existing file keeps its permission bits; a new one gets `0666` minus the umask, like
///   any file a program creates.
/// - The temporary file is named `.<name>.<pid>.<random>.tmp` and held under an exclusive
///   `flock` until it is renamed. A process killed mid-save (kill -9) leaves its temporary file
///   behind; the next save to the same target deletes such files when their lock is free *and*
///   their process no longer exists, so it never touches another live writer's file.
enum AtomicFileWriter {
    /// Calls `produce` with a sink that appends bytes to the new file, then commits it.
    /// `failAfterBytes` (tests only) makes the sink fail once that many bytes are written.
    static func write(to url: URL, failAfterBytes: Int? = nil,
                      _ produce: (_ sink: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let target = try resolveLinks(url)
        let folder = target.deletingLastPathComponent()
        removeStaleTemporaries(of: target)
        var random = SystemRandomNumberGenerator()
        let temporary = folder.appendingPathComponent(
            ".\(target.lastPathComponent).\(getpid()).\(random.next() & 0xFFFF_FFFF).tmp")
        let fd = open(temporary.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else {
            throw FileFormatError(url, "cannot create the temporary file \(temporary.path): \(String(cString: strerror(errno)))")
        }
        var written = 0
        do {
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { throw FileFormatError(url, "cannot lock \(temporary.path): \(String(cString: strerror(errno)))") }
            var existing = stat()
            if stat(target.path, &existing) == 0, fchmod(fd, existing.st_mode & 0o7777) != 0 {
                throw FileFormatError(url, "cannot give the new file the old one's permissions: \(String(cString: strerror(errno)))")
            }
            try produce { bytes in
                var done = 0
                while done < bytes.count {
                    var chunk = bytes.count - done
                    if let limit = failAfterBytes {
                        chunk = Swift.min(chunk, Swift.max(limit - written, 0))
                        if chunk == 0 { throw FileFormatError(url, offset: written, "write failed: injected failure after \(limit) bytes") }
                    }
                    let n = systemWrite(fd, bytes.baseAddress! + done, chunk)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else {
                        throw FileFormatError(url, offset: written, "write failed: \(String(cString: strerror(errno)))")
                    }
                    done += n
                    written += n
                }
            }
            guard fsync(fd) == 0 else { throw FileFormatError(url, "fsync failed: \(String(cString: strerror(errno)))") }
            // Renamed while still open (and locked), so no cleaner can take it for stale.
            guard rename(temporary.path, target.path) == 0 else {
                throw FileFormatError(url, "cannot move the temporary file into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            unlink(temporary.path)
            close(fd)
            throw error
        }
        close(fd)
        let dir = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 { _ = fsync(dir); close(dir) }
    }

    /// The file `url` names after following symbolic links (up to 40, like the kernel), even
    /// when the last one points to a file that does not exist yet.
    static func resolveLinks(_ url: URL) throws -> URL {
        var path = url.path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return URL(fileURLWithPath: path) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(path, &buffer, buffer.count - 1)
            guard n > 0 else { throw FileFormatError(url, "cannot read the symbolic link \(path): \(String(cString: strerror(errno)))") }
            let destination = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            path = destination.hasPrefix("/") ? destination
                : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(destination).path
        }
        throw FileFormatError(url, "too many levels of symbolic links")
    }

    /// Deletes `.<name>.<pid>.<random>.tmp` files next to `target` left by saves that were
    /// killed: only when no one holds their lock and process `pid` no longer exists.
    static func removeStaleTemporaries(of target: URL) {
        let folder = target.deletingLastPathComponent()
        let prefix = ".\(target.lastPathComponent)."
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(prefix) && name.hasSuffix(".tmp") {
            let parts = name.dropFirst(prefix.count).dropLast(4).split(separator: ".")
            guard parts.count == 2, let pid = Int32(parts[0]), UInt32(parts[1]) != nil,
                  pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = folder.appendingPathComponent(name).path
            let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { unlink(path) }
            close(fd)
        }
    }
}

/// `write(2)`, named apart from ``AtomicFileWriter/write(to:failAfterBytes:_:)``.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(fd, bytes, count)
    #elseif canImport(Musl)
    Musl.write(fd, bytes, count)
    #else
    Darwin.write(fd, bytes, count)
    #endif
}
