extension LoadedFrame {
  /// What a run says about the load besides `logLine`: rows sorted, timestamps merged, the
  /// first or last rows dropped for a feature that starts late or stops early, features whose
  /// data stopped before the last row (carried there by `ffill`), repeats one value at the end
  /// (stale) or has a hole, and rows numbered for want of a time column.
  public var warnings: [String] {
    var said: [String] = []
    if sortedByTime { said.append("warning: \(origin) had rows out of time order; they were sorted") }
    if duplicateRowsMerged > 0 {
      said.append(
        "warning: \(duplicateRowsMerged) rows of \(origin) repeated a timestamp and were merged (duplicates: \(duplicatePolicy.rawValue))"
      )
    }
    said += labelLike.compactMap(labelWarning(_:))
    said += [lateStartWarning, earlyEndWarning].compactMap { $0 }
    said += sparse.compactMap(warning(_:))
    said += carriedToEnd.compactMap(warning(_:))
    let long = Set(carriedToEnd.map(\.feature))
    said += filledAtEnd.filter { !long.contains($0.feature) }.compactMap(lastRowsWarning(_:))
    said += staleToEnd.compactMap(staleWarning(_:))
    said += holes.compactMap(warning(_:))
    if let timeColumnNotFound {
      said.append(
        "warning: \(origin) has no time column (\(timeColumnNotFound)), so its rows are numbered 0, 1, 2, …; name its time column with time_column, or set time_column: none if its rows have no time"
      )
    }
    return said
  }

  /// The warning that a feature read because the config lists none looks like a label; nil for
  /// a feature the frame does not have.
  public func labelWarning(_ feature: Int) -> String? {
    guard feature < frame.featureCount else { return nil }
    let name = frame.featureNames[feature]
    return
      "warning: \(name) holds only 0 and 1, as a label column does, and is read as a feature because the source lists no columns: a detector that sees the labels flags them. List the features in columns; evaluate --labels FILE --label-column \(name) scores the flags against it"
  }

  /// The warning that the gap policy dropped the data's first rows, before the first value of
  /// the feature (or features) that start last, when worth a word (`GapPolicy.worthAWord`): one
  /// late-listed indicator cuts every other's history. Nil otherwise.
  public var lateStartWarning: String? { cutWarning(lateStarts) }

  /// The warning that `drop` dropped the data's last rows, after the last value of the feature
  /// (or features) that end first, when worth a word: one indicator that stopped cuts every
  /// other's recent rows, which are then never scored. Nil otherwise.
  public var earlyEndWarning: String? { cutWarning(earlyEnds) }

  /// `warning: F has no value before T, so gaps: P leaves out the N rows before that (from T₀)
  /// for every feature, and the history starts there; without it the data would start at …`
  private func cutWarning<C: GapPolicy.Cut>(_ cuts: [C]) -> String? {
    guard let (cutting, next) = GapPolicy.worthAWord(cuts, features: frame.featureCount, rowsRead: rowsRead),
      let cut = cutting.first
    else { return nil }
    let edge = C.edge
    let (noValue, dropped) = GapPolicy.phrases(cut, frame.formatTimestamp)
    let names = cutting.map { frame.featureNames[$0.feature] }
    let it = names.count == 1 ? "it" : "them"
    let without =
      next.map { "\(frame.formatTimestamp($0.value)) (\(frame.featureNames[$0.feature])'s \(edge.ordinal) value)" }
      ?? "its \(edge.ordinal) row (\(frame.formatTimestamp(cut.bound)))"
    return
      "warning: \(EditDistance.listing(names)) \(names.count == 1 ? "has" : "have") no value \(noValue), so gaps: \(cut.policy.rawValue) leaves out the \(dropped) for every feature, and the history \(edge.word)s there; without \(it) the data would \(edge.word) at \(without). Read the others without \(it), or give each indicator its own rows with detect --each"
  }

  /// The warning that a feature has a value of its own on at most half of its rows (`Sparse`);
  /// nil for a feature the frame does not have.
  public func warning(_ sparse: GapPolicy.Sparse) -> String? {
    guard sparse.feature < frame.featureCount else { return nil }
    let share = Int((100 * Double(sparse.own) / Double(sparse.rows)).rounded())
    return
      "warning: \(frame.featureNames[sparse.feature]) has a value of its own on \(sparse.own) of the \(sparse.rows) rows from its first value to its last (\(share) %), and gaps: ffill carries it over the others: it moves in steps (a weekly series among daily rows?), which a detector may flag. Read it in a run of its own, or the others at its frequency"
  }

  /// The warning that `ffill` carried a feature's last value to the end of the data; nil for a
  /// feature the frame does not have.
  public func warning(_ carry: GapPolicy.Carry) -> String? {
    guard carry.feature < frame.featureCount else { return nil }
    return
      "warning: \(frame.featureNames[carry.feature]) has no value after \(frame.formatTimestamp(carry.after)): gaps: ffill carries that value through the last \(carry.rows) rows (from \(frame.formatTimestamp(carry.from)) on); its data stopped, or is late"
  }

  /// The warning that `ffill` filled a feature's last few rows (`filledAtEnd`, not long enough to
  /// be `carriedToEnd`): the last row is scored with a value of an earlier one. Nil for a feature
  /// the frame does not have.
  public func lastRowsWarning(_ carry: GapPolicy.Carry) -> String? {
    guard carry.feature < frame.featureCount else { return nil }
    let rows =
      carry.rows == 1
      ? "the last row (\(frame.formatTimestamp(carry.from)))"
      : "the last \(carry.rows) rows (from \(frame.formatTimestamp(carry.from)) on)"
    return
      "warning: \(frame.featureNames[carry.feature]) has no value on \(rows): gaps: ffill carries its value of \(frame.formatTimestamp(carry.after)) there, and the scores use it; its data is late, or it had no row then"
  }

  /// The warning that a feature's last rows repeat one value (`staleToEnd`); nil for a feature
  /// the frame does not have.
  public func staleWarning(_ stale: GapPolicy.Carry) -> String? {
    guard stale.feature < frame.featureCount, frame.rowCount > 0 else { return nil }
    let value = frame[frame.rowCount - 1, stale.feature]
    return
      "warning: \(frame.featureNames[stale.feature]) has kept its value of \(frame.formatTimestamp(stale.after)) (\(value)) through the last \(stale.rows) rows (from \(frame.formatTimestamp(stale.from)) on), longer than ever before: its data may be stale (a feed resending its last print), which reads as a calm market"
  }

  /// The warning that `ffill` filled a hole inside a feature's data; nil for a feature the frame
  /// does not have.
  public func warning(_ hole: GapPolicy.Hole) -> String? {
    guard hole.feature < frame.featureCount else { return nil }
    return
      "warning: \(frame.featureNames[hole.feature]) has no value from \(frame.formatTimestamp(hole.from)) to \(frame.formatTimestamp(hole.to)): gaps: ffill carries its value of \(frame.formatTimestamp(hole.after)) over \(hole.rows) rows, where its data has a hole; it is flat there, and its first value after may look like a jump"
  }
}
