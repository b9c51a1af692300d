/// Groups flagged rows into events, the way an analyst reads them: one alert per episode, not
/// one per flagged row.
///
/// Scanning the flags in time order, a flagged row within `merge_gap` unflagged rows of the
/// previous flagged row continues the current event; otherwise it starts a new one. An event
/// **alerts** on the first row where it has `min_length` flagged rows (its first row with the
/// default 1) and, with `min_margin` m > 0, at least one row whose score s clears its cut-off c by
/// m·|c| — the causal form of telemanom's pruning of events whose peak is barely above the
/// threshold. An ensemble's scores are already margins over each member's cut-off, in units of
/// it (`Ensemble`), so there a row clears when its margin is at least m. An event that never
/// alerts is dropped. Every decision uses only rows up to the alert row, so alerts are point in
/// time: appending rows never moves an earlier alert.
public struct EventRule: Sendable, Equatable {
  /// Unflagged rows allowed inside one event.
  public var mergeGap: Int
  /// Flagged rows an event needs before it alerts.
  public var minLength: Int
  /// How far, as a fraction of the cut-off's magnitude, one of its rows must clear the cut-off.
  public var minMargin: Double
  /// Whether the scores are an ensemble's margins (cut-off 0), which clear by being at least
  /// `minMargin`.
  public var scoresAreMargins: Bool

  static let mergeGap = Parameter<Int>(
    "merge_gap", 0...1_000_000, default: 0, help: "flags at most this many unflagged rows apart belong to one event")
  static let minLength = Parameter<Int>(
    "min_length", 1...1_000_000, default: 1, help: "flagged rows an event needs before it alerts; shorter events are dropped")
  static let minMargin = Parameter<Double>(
    "min_margin", 0...1_000_000, default: 0,
    help:
      "an event alerts only once a row clears its cut-off by this fraction of the cut-off (an ensemble's: a margin of this much); events that never do are dropped"
  )

  public static let parameters: [ParameterSpec] = [
    Self.mergeGap.spec,
    Self.minLength.spec,
    Self.minMargin.spec,
  ]

  public init(mergeGap: Int = 0, minLength: Int = 1, minMargin: Double = 0, scoresAreMargins: Bool = false) {
    self.mergeGap = mergeGap
    self.minLength = minLength
    self.minMargin = minMargin
    self.scoresAreMargins = scoresAreMargins
  }

  /// The rule of an `events` section, for scores that are margins (an ensemble's) or not.
  public init(parameters: Parameters, scoresAreMargins: Bool = false) {
    self.init(
      mergeGap: parameters[Self.mergeGap], minLength: parameters[Self.minLength],
      minMargin: parameters[Self.minMargin], scoresAreMargins: scoresAreMargins)
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

  /// The events of rows whose score is strictly above its cut-off, in time order.
  public func events(scores: [Float], cutoffs: [Float]) -> [Event] {
    var tracker = Tracker(rule: self)
    for i in scores.indices where scores[i] > cutoffs[i] { tracker.flag(i, clearsMargin: clears(scores[i], cutoffs[i])) }
    return tracker.finish()
  }

  /// Whether `score` clears `cutoff` by `minMargin`·|cutoff|; a margin, whether it is at least
  /// `minMargin`.
  public func clears(_ score: Float, _ cutoff: Float) -> Bool {
    scoresAreMargins ? Double(score) >= minMargin : Double(score) - Double(cutoff) >= minMargin * abs(Double(cutoff))
  }

  /// The events of `flags`, in time order; `clearsMargin[i]` says whether row i clears its
  /// cut-off by `minMargin` (every row does when omitted).
  public func events(_ flags: [Bool], clearsMargin: [Bool]? = nil) -> [Event] {
    var tracker = Tracker(rule: self)
    for (i, flag) in flags.enumerated() where flag { tracker.flag(i, clearsMargin: clearsMargin?[i] ?? true) }
    return tracker.finish()
  }

  /// Groups flagged rows into events as they arrive, so a stream of any length needs only the
  /// open event: `events(_:)` is this fed the whole series.
  public struct Tracker: Sendable {
    public let rule: EventRule
    /// The events closed so far, in time order.
    public private(set) var closed: [Event] = []
    /// The event still open (it may yet be dropped if it never alerts).
    public private(set) var current: Event?
    private var cleared = false  // a row of the current event cleared the margin
    private var alerted = false

    public init(rule: EventRule) { self.rule = rule }

    /// Feeds flagged row `i` (rows arrive in increasing order; unflagged rows are not fed).
    /// - Returns: whether the event alerts on this row.
    @discardableResult
    public mutating func flag(_ i: Int, clearsMargin: Bool) -> Bool {
      if var event = current, i - event.end - 1 <= rule.mergeGap {
        event.end = i
        event.flagged += 1
        current = event
      } else {
        close()
        current = Event(start: i, end: i, alert: i, flagged: 1)
        cleared = false
        alerted = false
      }
      cleared = cleared || clearsMargin
      guard !alerted, current!.flagged >= rule.minLength, cleared else { return false }
      current!.alert = i
      alerted = true
      return true
    }

    /// Every event, the open one closed (an event that never alerted is dropped).
    public mutating func finish() -> [Event] {
      close()
      return closed
    }

    private mutating func close() {
      if let event = current, alerted { closed.append(event) }
      current = nil
    }
  }
}
