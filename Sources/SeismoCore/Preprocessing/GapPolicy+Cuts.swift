extension GapPolicy {
  /// What the policy noticed of one feature, by its index, which follows the feature when a
  /// frame is cut to some of its features.
  public protocol FeatureNote {
    var feature: Int { get set }
  }

  /// The end of the data a cut takes.
  public enum Edge: Sendable {
    case start, end

    /// `start`, `end`; `before`, `after`; `from`, `to`; `first`, `last`.
    public var word: String { self == .start ? "start" : "end" }
    public var side: String { self == .start ? "before" : "after" }
    public var bound: String { self == .start ? "from" : "to" }
    public var ordinal: String { self == .start ? "first" : "last" }
  }

  /// A feature whose gaps at the start or the end of the data made the policy drop `rows` rows
  /// for every feature: one indicator listed late, or stopped early, cuts every other's history.
  public protocol Cut: FeatureNote {
    /// The end of the data it cuts.
    static var edge: Edge { get }
    var rows: Int { get }
    /// The time of the feature's first value (a cut at the start) or last (at the end).
    var value: Timestamp { get }
    /// The data's first time (a cut at the start) or last (at the end).
    var bound: Timestamp { get }
    /// The policy that dropped the rows.
    var policy: GapPolicy { get }
  }

  /// The fewest rows a cut drops so worth a word (as for a hole).
  public static let cutNoticed = Hole.noticed

  /// Of `cuts` (most rows first, of `features` features, from `rowsRead` rows), the features that
  /// cut the most and the next one, when they cut at least `cutNoticed` rows and a twentieth of
  /// the rows read from more than one feature's history; nil otherwise (a lone feature's own
  /// gaps lose nothing).
  public static func worthAWord<C: Cut>(_ cuts: [C], features: Int, rowsRead: Int) -> (
    cutting: ArraySlice<C>, next: C?
  )? {
    guard features > 1, let most = cuts.first, most.rows >= cutNoticed, most.rows * 20 >= rowsRead,
      cuts.allSatisfy({ $0.feature < features })
    else { return nil }
    return (cuts.prefix { $0.rows == most.rows }, cuts.first { $0.rows < most.rows })
  }

  /// How a warning names a cut, its times as `format` writes them: `before 2007-10-23` (when the
  /// feature has no value) and `443 rows before that (from 1999-04-27)` (what was dropped).
  public static func phrases<C: Cut>(_ cut: C, _ format: (Timestamp) -> String) -> (noValue: String, dropped: String) {
    let side = C.edge.side
    return ("\(side) \(format(cut.value))", "\(cut.rows) rows \(side) that (\(C.edge.bound) \(format(cut.bound)))")
  }

  /// Orders cuts by rows, most first, and ties by feature.
  static func mostRowsFirst<C: Cut>(_ a: C, _ b: C) -> Bool { (a.rows, b.feature) > (b.rows, a.feature) }

  /// A feature whose first value comes after the data's first row. Before it there is nothing to
  /// carry (`ffill`) or every row has a gap (`drop`), so `policy` drops those `rows` rows for
  /// every feature: the data starts no earlier than `first`, however far back the others go.
  /// `from` is the data's first time.
  public struct LateStart: Cut, Equatable, Sendable {
    public var feature: Int
    public var rows: Int
    public var from: Timestamp
    public var first: Timestamp
    public var policy: GapPolicy

    public static let edge = Edge.start
    public var value: Timestamp { first }
    public var bound: Timestamp { from }

    public init(feature: Int, rows: Int, from: Timestamp, first: Timestamp, policy: GapPolicy) {
      self.feature = feature
      self.rows = rows
      self.from = from
      self.first = first
      self.policy = policy
    }
  }

  /// A feature whose last value comes before the data's last row. After it every row has a gap,
  /// so `drop` drops those `rows` rows for every feature: the data ends no later than `last`,
  /// however far the others go (`ffill` carries the value instead: `Carry`). `to` is the data's
  /// last time.
  public struct EarlyEnd: Cut, Equatable, Sendable {
    public var feature: Int
    public var rows: Int
    public var last: Timestamp
    public var to: Timestamp

    public static let edge = Edge.end
    public var value: Timestamp { last }
    public var bound: Timestamp { to }
    public var policy: GapPolicy { .drop }

    public init(feature: Int, rows: Int, last: Timestamp, to: Timestamp) {
      self.feature = feature
      self.rows = rows
      self.last = last
      self.to = to
    }
  }
}
