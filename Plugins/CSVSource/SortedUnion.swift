/// The union of two sorted lists, in order and without repeats: a walk along both.
///
/// `SortedUnion.of(_:)` joins many lists by pairs, in rounds, so k lists of n elements in all
/// cost n·log k steps and about one list's memory more than they hold. (A join used to sort the
/// concatenation of its tables' times: n·log n steps, and two copies of every time.)
struct SortedUnion<Element: Comparable>: Sequence {
  let a: [Element]
  let b: [Element]

  struct Iterator: IteratorProtocol {
    let a: [Element]
    let b: [Element]
    var i = 0
    var j = 0

    mutating func next() -> Element? {
      let next: Element
      if i < a.count, j == b.count || a[i] <= b[j] {
        next = a[i]
      } else if j < b.count {
        next = b[j]
      } else {
        return nil
      }
      while i < a.count, a[i] == next { i += 1 }
      while j < b.count, b[j] == next { j += 1 }
      return next
    }
  }

  func makeIterator() -> Iterator { Iterator(a: a, b: b) }

  /// The union, counted first so that the array is allocated once at its size.
  var array: [Element] {
    var union: [Element] = []
    union.reserveCapacity(reduce(0) { count, _ in count + 1 })
    union.append(contentsOf: self)
    return union
  }

  /// The union of `lists`, each sorted, as a sorted list without repeats.
  static func of(_ lists: [[Element]]) -> [Element] {
    var round = lists
    if round.count == 1 { round.append([]) }  // one list still loses its repeats
    while round.count > 1 {
      round = stride(from: 0, to: round.count, by: 2).map { k in
        k + 1 < round.count ? SortedUnion(a: round[k], b: round[k + 1]).array : round[k]
      }
    }
    return round.first ?? []
  }
}
