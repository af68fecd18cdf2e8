import Foundation
import BackpropTensor
import BackpropAutograd
import BackpropNN

/// Reader for CSV files (RFC 4180): numeric feature columns and one label or target column.
///
/// Fields are separated by `delimiter` (default `,`); a field in double quotes may hold the
/// delimiter, line breaks and doubled quotes (`"say ""hi"""`). Lines may end in `\n`, `\r\n` or
/// `\r`; a UTF-8 byte order mark is skipped, blank lines too, and spaces around fields trimmed.
/// A header line is detected when none of its fields is a number (or forced with `hasHeader`).
/// Every feature must be a finite decimal number. Class labels are either all non-negative
/// integers, or text (`setosa`): text labels are numbered in sorted order and the names kept in
/// ``TensorDataset/classNames``. A bad file throws a ``FileFormatError`` naming the file, line,
/// column and text:
///
/// ```
/// iris.csv: line 7, column 3: "abc" is not a number
/// ```
///
/// ```swift
/// let data = try CSV.load(URL(fileURLWithPath: "iris.csv"), labelColumn: -1)  // last column holds labels
/// let same = try CSV.load(URL(fileURLWithPath: "iris.csv"), labelColumn: "species")  // by header name
/// ```
public enum CSV {
    /// A parsed table: numbers for every column but the label column, whose fields stay text.
    struct Table {
        var header: [String]?
        var columnCount: Int
        var rows: Int
        /// Row-major values (NaN in the label column).
        var values: [Double]
        /// The label column's fields, when one was asked for.
        var labels: [String]
        var labelColumn: Int?
        /// The 1-based file line of each row (for error messages).
        var lines: [Int]
    }

    /// A column chosen by 0-based index (negative counts from the end) or by its header name.
    enum Column {
        case index(Int), name(String)
    }

    /// Loads a classification set: every column except `labelColumn` becomes a feature.
    /// - Parameters:
    ///   - labelColumn: 0-based column of the labels; negative counts from the end (`-1` is the last).
    ///   - hasHeader: `nil` detects a header line (a first line without any number).
    ///   - dtype: element type of the inputs.
    public static func load(_ url: URL, labelColumn: Int, hasHeader: Bool? = nil, delimiter: Character = ",",
                            dtype: DType = .float32) throws -> TensorDataset {
        try classification(url, label: .index(labelColumn), hasHeader: hasHeader, delimiter: delimiter, dtype: dtype)
    }

    /// Loads a classification set whose labels are in the column with header `labelColumn`.
    public static func load(_ url: URL, labelColumn: String, hasHeader: Bool? = nil, delimiter: Character = ",",
                            dtype: DType = .float32) throws -> TensorDataset {
        try classification(url, label: .name(labelColumn), hasHeader: hasHeader, delimiter: delimiter, dtype: dtype)
    }

    /// Loads a regression set: the columns `targetColumns` become targets `[rows, targetColumns.count]`,
    /// the others features.
    public static func load(_ url: URL, targetColumns: [Int], hasHeader: Bool? = nil, delimiter: Character = ",",
                            dtype: DType = .float32) throws -> TensorDataset {
        let table = try parse(url, hasHeader: hasHeader, delimiter: delimiter, labelColumn: nil)
        let targets = try targetColumns.map { try resolve(.index($0), header: table.header, columnCount: table.columnCount, url) }
        var values: [Double] = []
        values.reserveCapacity(table.rows * targets.count)
        for r in 0..<table.rows { for c in targets { values.append(table.values[r * table.columnCount + c]) } }
        return TensorDataset(inputs: try features(of: table, excluding: targets, dtype: dtype, url),
                             targets: Tensor.fromDoubles(values, shape: [table.rows, targets.count], dtype: dtype))
    }

    private static func classification(_ url: URL, label: Column, hasHeader: Bool?, delimiter: Character,
                                       dtype: DType) throws -> TensorDataset {
        let table = try parse(url, hasHeader: hasHeader, delimiter: delimiter, labelColumn: label)
        let column = table.labelColumn!
        let inputs = try features(of: table, excluding: [column], dtype: dtype, url)
        if number(table.labels[0]) == nil {   // text labels: classes numbered in sorted order
            let names = Set(table.labels).sorted()
            let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
            return TensorDataset(inputs: inputs, labels: table.labels.map { index[$0]! }, classNames: names)
        }
        let labels = try table.labels.indices.map { r in
            let text = table.labels[r]
            guard let v = number(text), v == v.rounded(), v >= 0, v < 2_147_483_648 else {
                let why = number(text).map { $0 < 0 ? "is negative" : "is not an integer" } ?? "is text, but the first label is a number"
                throw FileFormatError(path: url.path, line: table.lines[r], column: column + 1,
                                      message: "label \(quoted(text)) \(why): labels are class numbers 0, 1, 2, ... or all class names")
            }
            return Int(v)
        }
        return TensorDataset(inputs: inputs, labels: labels)
    }

    private static func resolve(_ column: Column, header: [String]?, columnCount: Int, _ url: URL) throws -> Int {
        switch column {
        case .index(let i):
            let c = i < 0 ? i + columnCount : i
            guard c >= 0, c < columnCount else {
                throw FileFormatError(url, "column \(i) does not exist: the file has \(columnCount) columns")
            }
            return c
        case .name(let name):
            guard let header else { throw FileFormatError(url, "no column is named \(quoted(name)): the file has no header line") }
            guard let c = header.firstIndex(of: name) else {
                throw FileFormatError(url, "no column is named \(quoted(name)); the header has \(header.map(quoted).joined(separator: ", "))")
            }
            return c
        }
    }

    private static func features(of table: Table, excluding: [Int], dtype: DType, _ url: URL) throws -> Tensor {
        let keep = (0..<table.columnCount).filter { !excluding.contains($0) }
        guard !keep.isEmpty else {
            throw FileFormatError(url, "no feature columns: the file's \(table.columnCount) column\(table.columnCount == 1 ? " is" : "s are all") labels or targets")
        }
        var values: [Double] = []
        values.reserveCapacity(table.rows * keep.count)
        for r in 0..<table.rows { for c in keep { values.append(table.values[r * table.columnCount + c]) } }
        return Tensor.fromDoubles(values, shape: [table.rows, keep.count], dtype: dtype)
    }

    /// A field as a number: decimal notation only (Swift's `Double("0x10")` would read hex);
    /// spaces around it (also inside quotes, `" 4 "`) are ignored.
    static func number(_ text: String) -> Double? {
        if text.contains(where: { $0 == "x" || $0 == "X" }) { return nil }
        return Double(text) ?? Double(text.trimmingCharacters(in: .whitespaces))
    }

    /// Reads and checks the whole table: same field count on every line, every field except
    /// the label column's a finite number.
    static func parse(_ url: URL, hasHeader: Bool?, delimiter: Character, labelColumn: Column?) throws -> Table {
        let file = try ReadableFile(url)
        let bytes = try file.bytes(at: 0, count: file.size)
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw FileFormatError(url, "the file is not valid UTF-8 text")
        }
        var records = try CSVRecords(bytes: bytes, delimiter: delimiter, path: url.path)
        var table = Table(header: nil, columnCount: 0, rows: 0, values: [], labels: [], labelColumn: nil, lines: [])
        while let record = try records.next() {
            if table.columnCount == 0 {
                table.columnCount = record.fields.count
                if hasHeader ?? record.fields.allSatisfy({ number($0) == nil }) { table.header = record.fields }
                if let labelColumn {
                    table.labelColumn = try resolve(labelColumn, header: table.header, columnCount: table.columnCount, url)
                }
                if table.header != nil { continue }
            }
            guard record.fields.count == table.columnCount else {
                throw FileFormatError(path: url.path, line: record.line,
                                      message: "\(record.fields.count) fields, but the first line has \(table.columnCount)")
            }
            for (c, field) in record.fields.enumerated() {
                if c == table.labelColumn {
                    guard !field.isEmpty else { throw FileFormatError(path: url.path, line: record.line, column: c + 1, message: "the label is empty") }
                    table.labels.append(field)
                    table.values.append(.nan)
                    continue
                }
                guard let v = number(field), v.isFinite else {
                    let what = number(field) == nil ? "is not a number" : "is not a finite number"
                    throw FileFormatError(path: url.path, line: record.line, column: c + 1, message: "\(quoted(field)) \(what)")
                }
                table.values.append(v)
            }
            table.lines.append(record.line)
        }
        guard !table.lines.isEmpty else {
            throw FileFormatError(url, table.header == nil ? "the file has no data lines (it is empty)" : "the file has a header but no data lines")
        }
        table.rows = table.lines.count
        return table
    }

    static func quoted(_ text: String) -> String {
        let shown = text.count > 40 ? String(text.prefix(40)) + "..." : text
        return "\"" + shown + "\""
    }
}
