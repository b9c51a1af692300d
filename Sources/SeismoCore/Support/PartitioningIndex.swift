extension RandomAccessCollection where Index == Int {
  /// The first index whose element satisfies `predicate`, assuming the collection is partitioned
  /// (all non-matching elements first); `endIndex` when none does. Binary search.
  public func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
    var low = startIndex
    var high = endIndex
    while low < high {
      let mid = (low + high) / 2
      if predicate(self[mid]) { high = mid } else { low = mid + 1 }
    }
    return low
  }
}
