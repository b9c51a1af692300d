/// Groups flagged rows into events, the way an analyst reads them: one alert per episode, not
/// one per flagged row.
///
/// Scanning the flags in time order, a flagged row within `merge_gap` unflagged rows of the
/// previous flagged row continues the current event; otherwise it starts a new one. An event
/// **alerts** on the row where it reaches `min_length` flagged rows (its first row with the
/// default 1); an event that never reaches `min_length` is dropped. Both decisions use only rows
/// up to the alert row, so alerts are point in time: appending rows never moves an earlier alert.
public struct EventRule: Sendable, Equatable {
  /// Unflagged rows allowed inside one event.
  public var mergeGap: Int
  /// Flagged rows an event needs before it alerts.
  public var minLength: Int

  public static let parameters: [ParameterSpec] = [
    ParameterSpec(
      "merge_gap", .integer(0...1_000_000), default: .integer(0),
      help: "flags at most this many unflagged rows apart belong to one event"),
    ParameterSpec(
      "min_length", .integer(1...1_000_000), default: .integer(1),
      help: "flagged rows an event needs before it alerts; shorter events are dropped"),
  ]

  public init(mergeGap: Int = 0, minLength: Int = 1) {
    self.mergeGap = mergeGap
    self.minLength = minLength
  }

  public init(parameters: Parameters) {
    self.init(mergeGap: parameters.integer("merge_gap"), minLength: parameters.integer("min_length"))
  }

  /// One event: indices into the flag array.
  public struct Event: Sendable, Equatable {
    /// First and last flagged index.
    public var start: Int
    public var end: Int
    /// Where the event reached `minLength` flags: the alert.
    public var alert: Int
    /// Flagged indices in `start...end`.
    public var flagged: Int
  }

  /// The events of `flags`, in time order.
  public func events(_ flags: [Bool]) -> [Event] {
    var events: [Event] = []
    var current: Event?
    func close() {
      if let event = current, event.flagged >= minLength { events.append(event) }
      current = nil
    }
    for (i, flag) in flags.enumerated() where flag {
      if var event = current, i - event.end - 1 <= mergeGap {
        event.end = i
        event.flagged += 1
        if event.flagged == minLength { event.alert = i }
        current = event
      } else {
        close()
        current = Event(start: i, end: i, alert: i, flagged: 1)
      }
    }
    close()
    return events
  }
}
