/// Features whose last rows all repeat one value: a feed gone stale (a vendor resending its last
/// print), which a detector reads as a calm market and does not flag. A run of repeats is named
/// when it reaches the end of the data, is at least `noticed` rows, is longer than any earlier
/// run of repeats of that feature (a rate that moves once a month is not named for it), and the
/// feature had changed at least `noticed` times before it (a constant column is not stale).
/// Values `ffill` carried count as repeats, so a feature carried to the end (`GapPolicy.Carry`,
/// warned of as such) is left to that warning.
public enum StaleValues {
  /// The shortest run of repeats worth a word, and the changes a feature must have made before.
  public static let noticed = 5

  /// The stale features of `frame` other than those in `carried`, as `GapPolicy.Carry` values:
  /// `after` is the time of the last row with a new value, `from` the time of the first repeat.
  /// Only a feature whose last `noticed` rows repeat can be named, so the last rows are read
  /// first, and the whole series only when such a feature is there: a run's warnings are asked
  /// for by its log, summary and report, and a full read of a 1M-row, 8-feature frame took 25 ms.
  public static func atEnd(of frame: Frame, besides carried: Set<Int> = []) -> [GapPolicy.Carry] {
    let repeatsAtEnd = (0..<frame.featureCount).contains { !carried.contains($0) && endsInRepeats(frame, feature: $0) }
    guard repeatsAtEnd else { return [] }
    var tracker = Tracker(featureCount: frame.featureCount)
    tracker.add(frame)
    return tracker.atEnd(besides: carried)
  }

  /// Whether the last `noticed` rows of `feature` each repeat the row before (as `Tracker`
  /// counts repeats: equal values, so −0 repeats 0).
  static func endsInRepeats(_ frame: Frame, feature j: Int) -> Bool {
    let rows = frame.rowCount
    guard rows > noticed else { return false }
    return (rows - noticed..<rows).allSatisfy { frame[$0, j] == frame[$0 - 1, j] }
  }

  /// The runs of repeats of a series read a piece at a time (`score --stream`), as `atEnd` finds
  /// them in the whole series.
  public struct Tracker: Sendable {
    private var last: [Float]
    /// Repeats of each feature's current value, the longest run a new value ended, its changes.
    private var run: [Int]
    private var longest: [Int]
    private var changes: [Int]
    /// The time of each feature's last new value, and of its first repeat since.
    private var changedAt: [Timestamp]
    private var repeatsFrom: [Timestamp]
    private var rows = 0

    public init(featureCount f: Int) {
      last = [Float](repeating: .nan, count: f)
      run = [Int](repeating: 0, count: f)
      longest = run
      changes = run
      changedAt = [Timestamp](repeating: 0, count: f)
      repeatsFrom = changedAt
    }

    /// Reads the next rows of the series.
    public mutating func add(_ frame: Frame) {
      for r in 0..<frame.rowCount {
        for j in 0..<last.count {
          let value = frame[r, j]
          if rows > 0, value == last[j] {
            if run[j] == 0 { repeatsFrom[j] = frame.timestamps[r] }
            run[j] += 1
          } else {
            if rows > 0 { changes[j] += 1 }
            longest[j] = max(longest[j], run[j])
            run[j] = 0
            last[j] = value
            changedAt[j] = frame.timestamps[r]
          }
        }
        rows += 1
      }
    }

    /// The stale features so far, other than those in `carried`.
    public func atEnd(besides carried: Set<Int> = []) -> [GapPolicy.Carry] {
      last.indices.compactMap { j in
        guard !carried.contains(j), run[j] >= noticed, run[j] > longest[j], changes[j] >= noticed else { return nil }
        return GapPolicy.Carry(feature: j, rows: run[j], after: changedAt[j], from: repeatsFrom[j])
      }
    }
  }
}
