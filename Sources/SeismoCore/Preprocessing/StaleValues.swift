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
  public static func atEnd(of frame: Frame, besides carried: Set<Int> = []) -> [GapPolicy.Carry] {
    let rows = frame.rowCount
    guard rows > noticed else { return [] }
    return (0..<frame.featureCount).compactMap { j in
      guard !carried.contains(j) else { return nil }
      var run = 0  // repeats of the current value
      var longest = 0  // the longest run that a new value ended
      var changes = 0
      for r in 1..<rows {
        if frame[r, j] == frame[r - 1, j] {
          run += 1
        } else {
          longest = max(longest, run)
          run = 0
          changes += 1
        }
      }
      guard run >= noticed, run > longest, changes >= noticed else { return nil }
      return GapPolicy.Carry(feature: j, rows: run, endOf: frame.timestamps)
    }
  }
}
