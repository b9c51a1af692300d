extension LoadedFrame {
  /// What a run says about the load besides `logLine`: rows sorted, timestamps merged, the
  /// first or last rows dropped for a feature that starts late or stops early, features whose
  /// data stopped before the last row (carried there by `ffill`), repeats one value at the end
  /// (stale) or has a hole, and rows numbered for want of a time column. Where more than
  /// `LevelDrift.listedApart` features have a note of one kind on the same rows, they share one
  /// warning: a day on which 56 feeds were late is said once.
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
    said += sparseWarnings(sparse)
    said += carryWarnings(carriedToEnd)
    let long = Set(carriedToEnd.map(\.feature))
    said += lastRowsWarnings(filledAtEnd.filter { !long.contains($0.feature) })
    said += staleWarnings(staleToEnd)
    said += holeWarnings(holes)
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

  /// The warnings that features have a value of their own on at most half of their rows
  /// (`Sparse`): another frequency.
  func sparseWarnings(_ notes: [GapPolicy.Sparse]) -> [String] {
    grouped(
      notes, sharing: { [Timestamp($0.own), Timestamp($0.rows)] },
      words: { names, many, note in
        let share = Int((100 * Double(note.own) / Double(note.rows)).rounded())
        let (their, they) = many ? ("their", "they") : ("its", "it")
        return
          "\(names) \(many ? "have" : "has") a value of \(their) own on \(note.own) of the \(note.rows) rows from \(their) first value to \(their) last (\(share) %), and gaps: ffill carries \(many ? "them" : "it") over the others: \(they) \(many ? "move" : "moves") in steps (a weekly series among daily rows?), which a detector may flag. Read \(many ? "them" : "it") in a run of \(their) own, or the others at \(their) frequency"
      })
  }

  /// The warnings that `ffill` carried features' last values to the end of the data.
  public func carryWarnings(_ notes: [GapPolicy.Carry]) -> [String] {
    grouped(
      notes, sharing: { [$0.after, $0.from, Timestamp($0.rows)] },
      words: { names, many, note in
        "\(names) \(many ? "have" : "has") no value after \(frame.formatTimestamp(note.after)): gaps: ffill carries \(many ? "those values" : "that value") through the last \(note.rows) rows (from \(frame.formatTimestamp(note.from)) on); \(many ? "their" : "its") data stopped, or is late"
      })
  }

  /// The warnings that `ffill` filled features' last few rows (`filledAtEnd`, not long enough to
  /// be `carriedToEnd`): the last row is scored with a value of an earlier one.
  func lastRowsWarnings(_ notes: [GapPolicy.Carry]) -> [String] {
    grouped(
      notes, sharing: { [$0.after, $0.from, Timestamp($0.rows)] },
      words: { names, many, note in
        let rows =
          note.rows == 1
          ? "the last row (\(frame.formatTimestamp(note.from)))"
          : "the last \(note.rows) rows (from \(frame.formatTimestamp(note.from)) on)"
        return
          "\(names) \(many ? "have" : "has") no value on \(rows): gaps: ffill carries \(many ? "their values" : "its value") of \(frame.formatTimestamp(note.after)) there, and the scores use \(many ? "them" : "it"); \(many ? "their data is late, or they had no row then" : "its data is late, or it had no row then")"
      })
  }

  /// The warnings that features' last rows repeat one value (`staleToEnd`), each with it.
  public func staleWarnings(_ notes: [GapPolicy.Carry]) -> [String] {
    guard frame.rowCount > 0 else { return [] }
    let value = { (note: GapPolicy.Carry) in frame[frame.rowCount - 1, note.feature] }
    return grouped(
      notes, sharing: { [$0.after, $0.from, Timestamp($0.rows)] },
      listed: { "\(frame.featureNames[$0.feature]) (\(value($0)))" },
      words: { names, many, note in
        "\(names) \(many ? "have kept their values" : "has kept its value") of \(frame.formatTimestamp(note.after))\(many ? "" : " (\(value(note)))") through the last \(note.rows) rows (from \(frame.formatTimestamp(note.from)) on), longer than ever before: \(many ? "their" : "its") data may be stale (a feed resending its last print), which reads as a calm market"
      })
  }

  /// The warnings that `ffill` filled a hole inside features' data.
  public func holeWarnings(_ notes: [GapPolicy.Hole]) -> [String] {
    grouped(
      notes, sharing: { [$0.from, $0.to, $0.after, Timestamp($0.rows)] },
      words: { names, many, note in
        "\(names) \(many ? "have" : "has") no value from \(frame.formatTimestamp(note.from)) to \(frame.formatTimestamp(note.to)): gaps: ffill carries \(many ? "their values" : "its value") of \(frame.formatTimestamp(note.after)) over \(note.rows) rows, where \(many ? "their data has a hole; they are flat there, and their first values after may look like jumps" : "its data has a hole; it is flat there, and its first value after may look like a jump")"
      })
  }

  /// A warning for each of `notes` (of features the frame has), but one for the features whose
  /// notes share a `key` (the same rows) where they are more than `LevelDrift.listedApart`.
  /// `words(names, many, note)` words one: `names` is the feature's name, or for many `N of M
  /// features`, their names (`listed`) following the text.
  private func grouped<Note: GapPolicy.FeatureNote>(
    _ notes: [Note], sharing key: (Note) -> [Timestamp], listed: ((Note) -> String)? = nil,
    words text: (_ names: String, _ many: Bool, _ note: Note) -> String
  ) -> [String] {
    let name = { (note: Note) in frame.featureNames[note.feature] }
    var groups: [[Timestamp]: [Note]] = [:]
    var order: [[Timestamp]] = []
    for note in notes where note.feature < frame.featureCount {
      let k = key(note)
      if groups[k] == nil { order.append(k) }
      groups[k, default: []].append(note)
    }
    return order.flatMap { k -> [String] in
      let group = groups[k]!
      guard group.count > LevelDrift.listedApart else { return group.map { "warning: " + text(name($0), false, $0) } }
      return [
        "warning: " + text("\(group.count) of \(frame.featureCount) features", true, group[0]) + ": "
          + EditDistance.listing(group.map(listed ?? name))
      ]
    }
  }
}
