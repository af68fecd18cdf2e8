/// The records of an RFC 4180 CSV text, read byte by byte.
///
/// - Records end at `\n`, `\r\n` or a lone `\r` (old Mac files); a UTF-8 byte order mark at
///   the start is skipped.
/// - A field that starts with `"` (after optional spaces) is quoted: it runs to the next `"`
///   not doubled, and may hold the delimiter, line breaks and `""` (one quote). Only spaces may
///   follow its closing quote.
/// - Spaces and tabs around unquoted fields are trimmed.
///
/// Errors are thrown as ``FileFormatError`` with the line and column where the problem is.
struct CSVRecords {
    /// One record: its fields and the 1-based line it starts on.
    struct Record {
        var fields: [String]
        var line: Int
    }

    let path: String
    let delimiter: UInt8
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1

    init(bytes: [UInt8], delimiter: Character, path: String) throws {
        guard let d = delimiter.asciiValue, d != UInt8(ascii: "\""), d != UInt8(ascii: "\n"), d != UInt8(ascii: "\r") else {
            throw FileFormatError(path: path, message: "the delimiter \(delimiter.debugDescription) must be one ASCII character other than a quote or a line break")
        }
        self.path = path
        self.delimiter = d
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    private static let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    /// A space or tab that is not the delimiter (trimmed around fields).
    private func isBlank(_ b: UInt8) -> Bool { b != delimiter && (b == UInt8(ascii: " ") || b == UInt8(ascii: "\t")) }

    /// The next record that is not a blank line, or `nil` at the end of the text.
    mutating func next() throws -> Record? {
        while position < bytes.count {
            let start = line
            var fields: [String] = []
            var quotedAny = false
            while true {
                let (field, quoted, endOfRecord) = try readField(column: fields.count + 1)
                fields.append(field)
                quotedAny = quotedAny || quoted
                if endOfRecord { break }
            }
            if fields.count == 1, fields[0].isEmpty, !quotedAny { continue }   // a blank line
            return Record(fields: fields, line: start)
        }
        return nil
    }

    /// Consumes the line break at `position` (one of `\n`, `\r\n`, `\r`), if any.
    private mutating func skipLineBreak() {
        if bytes[position] == Self.carriageReturn, position + 1 < bytes.count, bytes[position + 1] == Self.newline { position += 1 }
        position += 1
        line += 1
    }

    private mutating func readField(column: Int) throws -> (String, quoted: Bool, endOfRecord: Bool) {
        while position < bytes.count, isBlank(bytes[position]) { position += 1 }
        if position < bytes.count, bytes[position] == Self.quote { return try readQuoted(column: column) }
        let start = position
        while position < bytes.count {
            let b = bytes[position]
            if b == delimiter || b == Self.newline || b == Self.carriageReturn { break }
            if b == Self.quote {
                throw FileFormatError(path: path, line: line, column: column,
                                      message: "a quote inside an unquoted field; quote the whole field (\"...\") and double the quotes inside it")
            }
            position += 1
        }
        var end = position
        while end > start, isBlank(bytes[end - 1]) { end -= 1 }
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        return (text, false, try endField())
    }

    private mutating func readQuoted(column: Int) throws -> (String, quoted: Bool, endOfRecord: Bool) {
        let opened = line
        position += 1
        var content: [UInt8] = []
        while true {
            guard position < bytes.count else {
                throw FileFormatError(path: path, line: opened, column: column,
                                      message: "a quoted field is never closed (no matching \" before the end of the file)")
            }
            let b = bytes[position]
            if b == Self.quote {
                if position + 1 < bytes.count, bytes[position + 1] == Self.quote { content.append(b); position += 2; continue }
                position += 1
                break
            }
            if b == Self.newline || b == Self.carriageReturn {
                let wasCRLF = b == Self.carriageReturn && position + 1 < bytes.count && bytes[position + 1] == Self.newline
                content.append(contentsOf: wasCRLF ? [Self.carriageReturn, Self.newline] : [b])
                skipLineBreak()
                continue
            }
            content.append(b)
            position += 1
        }
        while position < bytes.count, isBlank(bytes[position]) { position += 1 }
        if position < bytes.count, bytes[position] != delimiter, bytes[position] != Self.newline, bytes[position] != Self.carriageReturn {
            throw FileFormatError(path: path, line: line, column: column,
                                  message: "text after the closing quote of a quoted field (a quote inside a quoted field is written \"\")")
        }
        return (String(decoding: content, as: UTF8.self), true, try endField())
    }

    /// After a field: consumes its delimiter (more fields follow) or line break (record ends).
    private mutating func endField() throws -> Bool {
        guard position < bytes.count else { return true }
        if bytes[position] == delimiter { position += 1; return false }
        skipLineBreak()
        return true
    }
}
