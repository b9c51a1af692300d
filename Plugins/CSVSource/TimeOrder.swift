import SeismoCore

/// The time and line of the last row a stream read, to refuse a row earlier than it: a stream
/// hands rows on in file order and cannot sort them.
struct TimeOrder {
  private var previous: (time: Timestamp, line: Int32)?

  /// Throws for the first of `timestamps` earlier than the row before it, naming its file and
  /// line (`place`) and the line it comes before; `sort` says how to sort the file.
  mutating func check(
    _ timestamps: [Timestamp], lines: [Int32], place: (Int32) -> (path: String, line: Int), sort: String = "sort the file"
  ) throws {
    for (r, t) in timestamps.enumerated() {
      if let previous, t < previous.time {
        let (this, before) = (place(lines[r]), place(previous.line))
        throw SeismoError.data(
          source: this.path, line: this.line, column: nil,
          message:
            "comes before \(before.path == this.path ? "line \(before.line)" : "\(before.path):\(before.line)") in time; a stream reads rows in file order and cannot sort them: \(sort), or score without --stream"
        )
      }
      previous = (t, lines[r])
    }
  }
}
