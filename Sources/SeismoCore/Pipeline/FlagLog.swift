/// The summary's flagged rows and events, built as flagged rows arrive in time order:
/// `EventRule.Tracker` decides the events, this keeps their timestamps and peaks (an event's peak
/// is its highest-scoring flagged row). A summary keeps the `keep` highest-scoring flags and the
/// `keep` events with the highest peaks, so it stays small however many rows are flagged; the
/// postgres sink lists every event.
public struct FlagLog {
  private var tracker: EventRule.Tracker
  /// The listed flags and events, with their order in time.
  private var kept: Highest<RunSummary.Flag>
  private var events: Highest<RunSummary.Event>
  /// The summary of the tracker's open event.
  private var open: RunSummary.Event?
  /// Events kept so far (the open one not yet counted).
  public var eventCount: Int { tracker.closed.count }
  /// Scored indices of every flagged row (for `--fail-on-anomalies --in-last`).
  public private(set) var flagged: [Int] = []
  public private(set) var testCount = 0

  /// - Parameter keep: how many of the highest-scoring flags and events to list (nil: all).
  public init(rule: EventRule, keep: Int? = nil) {
    tracker = EventRule.Tracker(rule: rule)
    kept = Highest(keep: keep) { $0.score }
    events = Highest(keep: keep) { $0.peakScore }
  }

  public var rule: EventRule { tracker.rule }

  /// Feeds flagged row `flag` at scored index `index` (indices increase).
  /// - Returns: whether an event alerts on it.
  @discardableResult
  public mutating func add(_ flag: RunSummary.Flag, at index: Int, clearsMargin: Bool) -> Bool {
    let closed = tracker.closed.count
    let alerts = tracker.flag(index, clearsMargin: clearsMargin)
    // A new event (the open one was kept or dropped), or one that began before a resume.
    if tracker.current?.start == index || open == nil {
      listOpen(ifClosedSince: closed)
      open = RunSummary.Event(
        start: flag.timestamp, end: flag.timestamp, alert: flag.timestamp, flaggedRows: 0, peakScore: flag.score,
        topFeature: flag.topFeature, part: flag.part)
    }
    open!.end = flag.timestamp
    open!.flaggedRows += 1
    if let members = flag.flaggedBy { open!.flaggedBy = Array(Set(open!.flaggedBy ?? []).union(members)).sorted() }
    if flag.score > open!.peakScore {
      open!.peakScore = flag.score
      open!.topFeature = flag.topFeature
    }
    if alerts {
      open!.alert = flag.timestamp
      open!.part = flag.part
    }
    flagged.append(index)
    if flag.part == "test" { testCount += 1 }
    kept.add(flag, at: index)
    return alerts
  }

  /// Feeds flagged row `index` of a series scored before the log began (a resumed stream), for
  /// the events' state only: it is neither listed nor counted, and an event it leaves open is
  /// listed from the first row added after it.
  public mutating func replay(at index: Int, clearsMargin: Bool) {
    tracker.flag(index, clearsMargin: clearsMargin)
    open = nil
  }

  /// The listed flags and events, in time order (the open event closed).
  public mutating func finish() -> (flags: [RunSummary.Flag], events: [RunSummary.Event]) {
    let closed = tracker.closed.count
    _ = tracker.finish()
    listOpen(ifClosedSince: closed)
    open = nil
    return (kept.inTimeOrder(), events.inTimeOrder())
  }
}

extension FlagLog {
  /// Lists the open event's summary if the tracker kept it as event `count` (it closed it since
  /// holding `count` events); a dropped event is not listed.
  fileprivate mutating func listOpen(ifClosedSince count: Int) {
    if tracker.closed.count > count, let open { events.add(open, at: count) }
  }
}

/// The `keep` items with the highest `score` (all when `keep` is nil), each added with its place
/// in time: trimmed whenever it holds twice `keep`, so its memory stays bounded. Each item's score
/// is kept beside it, and a trim or the time order sorts the items' indices by those, not the
/// items, which carry strings and arrays: sorting the items took a third of a 1M-row `detect`
/// that flagged 5 % of its rows. The indices sort as the items did, so the same items are kept.
struct Highest<Item> {
  let keep: Int?
  let score: (Item) -> Float
  /// The items, each with its place in time and its score, side by side.
  private var items: [Item] = []
  private var orders: [Int] = []
  private var scores: [Float] = []

  init(keep: Int?, score: @escaping (Item) -> Float) {
    self.keep = keep
    self.score = score
  }

  mutating func add(_ item: Item, at order: Int) {
    items.append(item)
    orders.append(order)
    scores.append(score(item))
    if let keep, items.count >= 2 * keep { trim(to: keep) }
  }

  mutating func inTimeOrder() -> [Item] {
    if let keep, items.count > keep { trim(to: keep) }
    let orders = orders
    return items.indices.sorted { orders[$0] < orders[$1] }.map { items[$0] }
  }

  private mutating func trim(to count: Int) {
    let scores = scores
    let kept = items.indices.sorted { scores[$0] > scores[$1] }.prefix(count)
    (items, orders, self.scores) = (kept.map { items[$0] }, kept.map { orders[$0] }, kept.map { scores[$0] })
  }
}
