import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN

/// Reader for numeric CSV files: feature columns of numbers and one column of integer class labels.
///
/// Fields are separated by `delimiter` (default `,`), surrounding spaces and double quotes are
/// ignored, blank lines are skipped. A header line is detected when none of its fields is a
/// number (or forced with `hasHeader`). Every field must be a finite number; the label column an
/// integer. A bad field throws a ``FileFormatError`` naming the line, column and text:
///
/// ```
/// iris.csv: line 7, column 3 ("abc"): not a number
/// ```
///
/// ```swift
/// let data = try CSV.load(URL(fileURLWithPath: "iris.csv"), labelColumn: -1)  // last column holds labels
/// ```
public enum CSV {
    /// A parsed numeric table.
    struct Table {
        var header: [String]?
        var columnCount: Int
        var rows: Int
        /// Row-major values.
        var values: [Double]
        /// The 1-based file line of each row (for error messages).
        var lines: [Int]
    }

    /// Loads a classification set: every column except `labelColumn` becomes a feature.
    /// - Parameters:
    ///   - labelColumn: 0-based column of the integer labels; negative counts from the end (`-1` is the last).
    ///   - hasHeader: `nil` detects a header line (a first line without any number).
    ///   - dtype: element type of the inputs.
    public static func load(_ url: URL, labelColumn: Int, hasHeader: Bool? = nil, delimiter: Character = ",",
                            dtype: DType = .float32) throws -> TensorDataset {
        let table = try parse(url, hasHeader: hasHeader, delimiter: delimiter)
        let label = try resolve(column: labelColumn, in: table, url)
        var labels: [Int] = []
        labels.reserveCapacity(table.rows)
        for r in 0..<table.rows {
            let v = table.values[r * table.columnCount + label]
            guard v == v.rounded(), Swift.abs(v) < 1e15 else {
                throw FileFormatError(path: url.path, line: table.lines[r], column: label + 1,
                                      message: "label \(v) is not an integer")
            }
            labels.append(Int(v))
        }
        return TensorDataset(inputs: features(of: table, excluding: [label], dtype: dtype), labels: labels)
    }

    /// Loads a regression set: the columns `targetColumns` become targets `[rows, targetColumns.count]`,
    /// the others features.
    public static func load(_ url: URL, targetColumns: [Int], hasHeader: Bool? = nil, delimiter: Character = ",",
                            dtype: DType = .float32) throws -> TensorDataset {
        let table = try parse(url, hasHeader: hasHeader, delimiter: delimiter)
        let targets = try targetColumns.map { try resolve(column: $0, in: table, url) }
        var values: [Double] = []
        values.reserveCapacity(table.rows * targets.count)
        for r in 0..<table.rows { for c in targets { values.append(table.values[r * table.columnCount + c]) } }
        return TensorDataset(inputs: features(of: table, excluding: targets, dtype: dtype),
                             targets: Tensor.fromDoubles(values, shape: [table.rows, targets.count], dtype: dtype))
    }

    private static func resolve(column: Int, in table: Table, _ url: URL) throws -> Int {
        let c = column < 0 ? column + table.columnCount : column
        guard c >= 0, c < table.columnCount else {
            throw FileFormatError(url, "column \(column) does not exist: the file has \(table.columnCount) columns")
        }
        return c
    }

    private static func features(of table: Table, excluding: [Int], dtype: DType) -> Tensor {
        let keep = (0..<table.columnCount).filter { !excluding.contains($0) }
        var values: [Double] = []
        values.reserveCapacity(table.rows * keep.count)
        for r in 0..<table.rows { for c in keep { values.append(table.values[r * table.columnCount + c]) } }
        return Tensor.fromDoubles(values, shape: [table.rows, keep.count], dtype: dtype)
    }

    /// Reads and checks the whole table: same field count on every line, every field a finite number.
    static func parse(_ url: URL, hasHeader: Bool?, delimiter: Character) throws -> Table {
        let file = try ReadableFile(url)
        let bytes = try file.bytes(at: 0, count: file.size)
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw FileFormatError(url, "the file is not valid UTF-8 text")
        }
        var header: [String]?
        var columnCount = 0
        var values: [Double] = []
        var lines: [Int] = []
        var lineNumber = 0
        var isFirst = true
        // "\r\n" is one Character in Swift, so both line ends are matched explicitly.
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            let fields = line.split(separator: delimiter, omittingEmptySubsequences: false).map(clean)
            if isFirst {
                isFirst = false
                columnCount = fields.count
                let isHeader = hasHeader ?? fields.allSatisfy { Double($0) == nil }
                if isHeader { header = fields; continue }
            }
            guard fields.count == columnCount else {
                throw FileFormatError(path: url.path, line: lineNumber,
                                      message: "\(fields.count) fields, but the first line has \(columnCount)")
            }
            for (c, field) in fields.enumerated() {
                guard let v = Double(field) else {
                    throw FileFormatError(path: url.path, line: lineNumber, column: c + 1,
                                          message: "\(quoted(field)) is not a number")
                }
                guard v.isFinite else {
                    throw FileFormatError(path: url.path, line: lineNumber, column: c + 1,
                                          message: "\(quoted(field)) is not a finite number")
                }
                values.append(v)
            }
            lines.append(lineNumber)
        }
        guard !lines.isEmpty else {
            throw FileFormatError(url, header == nil ? "the file has no data lines (it is empty)" : "the file has a header but no data lines")
        }
        return Table(header: header, columnCount: columnCount, rows: lines.count, values: values, lines: lines)
    }

    private static func clean(_ field: Substring) -> String {
        var s = field.drop { $0 == " " || $0 == "\t" }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        if s.count >= 2, s.first == "\"", s.last == "\"" { s = s.dropFirst().dropLast() }
        return String(s)
    }

    private static func quoted(_ text: String) -> String {
        let shown = text.count > 40 ? String(text.prefix(40)) + "..." : text
        return "\"" + shown + "\""
    }
}
