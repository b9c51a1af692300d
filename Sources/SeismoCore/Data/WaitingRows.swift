/// Rows at the end of a source's data that miss a feature the source waits for (`wait_for`):
/// incremental scoring (`score --new-rows`, `watch`) holds them back and reads them again, and
/// scores them once they have it or a later row has every one, so indicators that arrive one at
/// a time (vix before spx) are scored together, never with a carried value.
public struct WaitingRows: Sendable, Equatable {
  public let rows: Int
  /// The first waiting row's time, and the features it misses.
  public let since: Timestamp
  public let missing: [String]

  public init(rows: Int, since: Timestamp, missing: [String]) {
    self.rows = rows
    self.since = since
    self.missing = missing
  }

  /// `1 row waits for spx (from 2018-07-02)`.
  public var description: String {
    "\(rows) row\(rows == 1 ? " waits" : "s wait") for \(missing.joined(separator: ", ")) (from \(CivilTime.format(since)))"
  }

  /// The parameter every source that reads new rows declares for it.
  public static let parameter = Parameter<[String]>(
    "wait_for", default: ["all"],
    help:
      "watch and score --new-rows: the features a new row at the end of the data must have before it is scored (all: every one; []: none), so indicators loaded one at a time are scored together; a query's rows never wait"
  )

  /// Checks a `wait_for` setting: no name twice, and `all` alone.
  public static func check(_ waitFor: [String]) throws {
    if let twice = waitFor.firstRepeated {
      throw SeismoError.config(key: "source.wait_for", location: nil, message: "'\(twice)' is listed twice")
    }
    if waitFor.count > 1, waitFor.contains("all") {
      throw SeismoError.config(
        key: "source.wait_for", location: nil, message: "all means every feature; give all alone, or the features to wait for")
    }
  }

  /// The indices in `features` of the features `waitFor` names (`["all"]`: every one). Throws,
  /// naming the features, for a name that is not among them.
  public static func awaited(_ waitFor: [String], among features: [String]) throws -> [Int] {
    if waitFor == ["all"] { return Array(features.indices) }
    return try waitFor.map { name in
      guard let j = features.firstIndex(of: name) else {
        throw SeismoError.config(
          key: "source.wait_for", location: nil,
          message:
            "'\(name)' is not a feature read\(EditDistance.suggestion(for: name, among: features)); the features are: \(features.joined(separator: ", "))"
        )
      }
      return j
    }
  }

  /// Where the waiting rows start among rows `timestamps` of `names` (row-major `values`, NaN a
  /// gap, before any gap policy): every row after the last one with a value of each feature in
  /// `needed` (indices into `names`), at a time after `settled` (rows already scored never
  /// wait). A time's rows stay together. Nil when no row waits.
  public static func start<Value: BinaryFloatingPoint>(
    values: [Value], timestamps: [Timestamp], names: [String], needing needed: [Int], after settled: Timestamp?
  ) -> (row: Int, waiting: WaitingRows)? {
    let f = names.count
    let n = timestamps.count
    var cut = n
    while cut > 0, needed.contains(where: { values[(cut - 1) * f + $0].isNaN }), settled.map({ timestamps[cut - 1] > $0 }) ?? true
    {
      cut -= 1
    }
    while cut > 0, cut < n, timestamps[cut] == timestamps[cut - 1] { cut += 1 }
    guard cut < n else { return nil }
    let missing = needed.filter { values[cut * f + $0].isNaN }.map { names[$0] }
    return (cut, WaitingRows(rows: n - cut, since: timestamps[cut], missing: missing))
  }
}
