extension GapPolicy {
  /// What the policy noticed of one feature, by its index, which follows the feature when a
  /// frame is cut to some of its features.
  public protocol FeatureNote {
    var feature: Int { get set }
  }

  /// A feature whose gaps at the start or the end of the data made the policy drop `rows` rows
  /// for every feature: one indicator listed late, or stopped early, cuts every other's history.
  public protocol Cut: FeatureNote {
    var rows: Int { get }
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

    public init(feature: Int, rows: Int, last: Timestamp, to: Timestamp) {
      self.feature = feature
      self.rows = rows
      self.last = last
      self.to = to
    }
  }
}
