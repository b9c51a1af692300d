import SeismoCore

/// A CSV file's rows as `CSVSource.readTable` leaves them: sorted by time, duplicates merged, the
/// gap policy applied; under `gaps: keep` empty cells are NaN, which a `Frame` would refuse.
public struct CSVTable: Sendable {
  /// Seconds since 1970 (or row numbers without a time column), strictly increasing.
  public var timestamps: [Timestamp]
  public var hasTimeColumn: Bool
  public var featureNames: [String]
  /// Row-major, `rowCount × featureNames.count`; NaN marks an empty cell kept by `gaps: keep`.
  public var values: [Float]
  /// Data rows in the file.
  public var rowsRead: Int
  public var cellsFilled: Int
  public var rowsDropped: Int
  public var sortedByTime: Bool
  public var duplicateRowsMerged: Int

  public var rowCount: Int { timestamps.count }

  /// The value of `feature` in `row` (NaN: empty).
  public subscript(row: Int, feature: Int) -> Float { values[row * featureNames.count + feature] }
}
