import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that cannot be read: missing, truncated, corrupt, or in a form Backprop does not support.
///
/// Every reader in Backprop (``IDX``, ``CSV``, ``MNIST``, ``SafeTensors``) throws this instead of
/// crashing, and checks what a header claims against the real file size before allocating
/// anything. The description names the file, where the problem is, and what it is:
///
/// ```
/// /data/train-images-idx3-ubyte: byte 16: the header claims 47040000 bytes of pixel data but only 1000 bytes follow
/// /data/iris.csv: line 7, column 3 ("abc"): not a number
/// ```
public struct FileFormatError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// The path of the file.
    public var path: String
    /// The byte offset of the problem, when it has one.
    public var offset: Int?
    /// The 1-based line of the problem (text files).
    public var line: Int?
    /// The 1-based column (field) of the problem (text files).
    public var column: Int?
    /// What is wrong, in words.
    public var message: String

    /// An error about the file at `path`.
    public init(path: String, offset: Int? = nil, line: Int? = nil, column: Int? = nil, message: String) {
        self.path = path
        self.offset = offset
        self.line = line
        self.column = column
        self.message = message
    }

    init(_ url: URL, offset: Int? = nil, _ message: String) {
        self.init(path: url.path, offset: offset, message: message)
    }

    /// `path: line L, column C: byte B: message`, with the parts that apply.
    public var description: String {
        var place = path
        if let line {
            place += ": line \(line)"
            if let column { place += ", column \(column)" }
        }
        if let offset { place += ": byte \(offset)" }
        return "\(place): \(message)"
    }

    /// The same text as ``description``, for `localizedDescription`.
    public var errorDescription: String? { description }
}

/// A file opened for reading at explicit offsets, whose size is known before anything is read.
///
/// Readers use `size` to check every length a header claims before they allocate or read it.
struct ReadableFile: ~Copyable {
    let url: URL
    let size: Int
    private let descriptor: Int32

    init(_ url: URL) throws {
        self.url = url
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileFormatError(url, "cannot open the file: \(String(cString: strerror(errno)))") }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw FileFormatError(url, "cannot read the file's size: \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw FileFormatError(url, "not a regular file")
        }
        descriptor = fd
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Reads exactly `count` bytes at `offset` into `destination`.
    func read(into destination: UnsafeMutableRawPointer, at offset: Int, count: Int) throws {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw FileFormatError(url, offset: offset, "needs \(count) bytes here but the file is \(size) bytes long")
        }
        var done = 0
        while done < count {
            let n = pread(descriptor, destination + done, count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? String(cString: strerror(errno)) : "the file ended early (was it changed while being read?)"
                throw FileFormatError(url, offset: offset + done, "read failed: \(reason)")
            }
            done += n
        }
    }

    /// Reads exactly `count` bytes at `offset`.
    func bytes(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw FileFormatError(url, offset: offset, "needs \(count) bytes here but the file is \(size) bytes long")
        }
        var out = [UInt8](repeating: 0, count: count)
        if count > 0 {
            try out.withUnsafeMutableBytes { try read(into: $0.baseAddress!, at: offset, count: count) }
        }
        return out
    }
}
