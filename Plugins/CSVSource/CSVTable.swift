import Foundation
import SeismoCore

/// A CSV file's rows as `CSVSource.readTable` leaves them: sorted by time, duplicates merged, the
/// gap policy applied; under `gaps: keep` empty cells are NaN, which a `Frame` would refuse.
/// `Value` is `Float` for detection; `seismo ingest` reads `Double`, to store numbers as written.
public struct CSVTable<Value: CSVNumber>: Sendable {
  /// Seconds since 1970 (or row numbers without a time column), strictly increasing.
  public var timestamps: [Timestamp]
  public var hasTimeColumn: Bool
  public var featureNames: [String]
  /// Row-major, `rowCount × featureNames.count`; NaN marks an empty cell kept by `gaps: keep`.
  public var values: [Value]
  /// The file's line of each row (of the last of merged duplicates), for messages; empty for
  /// files joined on time, whose rows come from several.
  public var lines: [Int32]
  /// Data rows in the file.
  public var rowsRead: Int
  /// What the gap policy did: cells filled, rows dropped, features carried to the end (what
  /// `seismo ingest` would store there) and long runs of filled rows inside their data.
  public var gapsApplied = GapPolicy.Outcome()
  public var sortedByTime: Bool
  public var duplicateRowsMerged: Int
  /// The rows at the end left out because they wait for a feature (`loadHoldingBack`).
  public var waiting: WaitingRows?
  /// The first time cell as written, when the file writes its times with an offset from UTC, and
  /// the first with another offset (daylight saving).
  public var timesWrittenWithOffset: [String] = []

  public var rowCount: Int { timestamps.count }

  /// The value of `feature` in `row` (NaN: empty).
  public subscript(row: Int, feature: Int) -> Value { values[row * featureNames.count + feature] }

  /// The file's line of the row at `time`, found in the sorted times; 0 when no row has that time.
  func line(at time: Timestamp) -> Int32 {
    let row = timestamps.partitioningIndex { $0 >= time }
    return row < rowCount && timestamps[row] == time ? lines[row] : 0
  }
}

/// A number type a CSV file is read into, with the C parser that reads it.
public protocol CSVNumber: BinaryFloatingPoint, Sendable {
  /// The number at `text` (`strtof`, `strtod`), with `end` set past its last character.
  static func parse(_ text: UnsafePointer<CChar>, _ end: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Self
  /// The number `bytes` is when `ExactDecimal` reads it without the C parser, which `parse` gives
  /// bit for bit; nil for any other cell.
  static func exactDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Self?
}

extension Float: CSVNumber {
  public static func exactDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Float? { ExactDecimal.float(bytes) }

  @inline(__always)
  public static func parse(_ text: UnsafePointer<CChar>, _ end: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>)
    -> Float
  { strtof(text, end) }
}

extension Double: CSVNumber {
  public static func exactDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? { ExactDecimal.double(bytes) }

  @inline(__always)
  public static func parse(_ text: UnsafePointer<CChar>, _ end: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>)
    -> Double
  { strtod(text, end) }
}
