extension Sequence where Element: Hashable {
  /// The first element that occurs more than once (`[a, b, b, a]`: `a`), or nil: the name a
  /// "listed twice" error gives for a setting's list.
  public var firstRepeated: Element? {
    var counts: [Element: Int] = [:]
    for element in self { counts[element, default: 0] += 1 }
    return first { counts[$0, default: 0] > 1 }
  }
}

extension Sequence where Element: Hashable {
  /// The elements without repeats, each where it first occurs (`[a, b, a, c]`: `[a, b, c]`).
  public var uniqued: [Element] {
    var seen = Set<Element>()
    return filter { seen.insert($0).inserted }
  }
}
