import SeismoSupport
import Testing

@testable import CSVSource

/// The union of sorted lists that a join's times come from, against hand-worked cases and
/// against sorting every element and dropping repeats.
@Suite struct SortedUnionTests {
  @Test func twoListsGiveEveryElementOnceInOrder() {
    #expect(SortedUnion(a: [1, 3, 5], b: [2, 3, 6]).array == [1, 2, 3, 5, 6])
    #expect(SortedUnion(a: [1, 1, 2], b: [2, 2, 4]).array == [1, 2, 4])  // repeats within a list too
    #expect(SortedUnion(a: [], b: [7, 8]).array == [7, 8])
    #expect(SortedUnion(a: [7, 8], b: []).array == [7, 8])
    #expect(SortedUnion<Int>(a: [], b: []).array == [])
  }

  @Test func manyListsMergeInRounds() {
    #expect(SortedUnion.of([[5, 9], [1, 5], [2], [9, 10], [0]]) == [0, 1, 2, 5, 9, 10])  // an odd list out
    #expect(SortedUnion.of([[3, 3, 4]]) == [3, 4])  // one list loses its repeats
    #expect(SortedUnion<Int>.of([]) == [])
    #expect(SortedUnion.of([[1, 2], [], [2, 3]]) == [1, 2, 3])
  }

  @Test(arguments: 0..<50)
  func randomListsGiveTheirElementsSortedWithoutRepeats(seed: Int) {
    var generator = SeededGenerator(seed: UInt64(seed))
    let lists = (0..<Int.random(in: 1...9, using: &generator)).map { _ in
      (0..<Int.random(in: 0...40, using: &generator)).map { _ in Double(Int.random(in: 0...60, using: &generator)) }.sorted()
    }
    #expect(SortedUnion.of(lists) == Set(lists.joined()).sorted())
  }
}
