import Foundation

/// Runs two pieces of work at once, each on its own thread, and returns both results: two reads
/// on two connections, so that the server works on both together. The first error thrown (the
/// first piece's when both throw) is passed on once both have finished.
func bothAtOnce<A, B>(_ first: () throws -> A, _ second: () throws -> B) throws -> (A, B) {
  try withoutActuallyEscaping(first) { first in
    try withoutActuallyEscaping(second) { second in
      let pair = WorkPair(first, second)
      DispatchQueue.concurrentPerform(iterations: 2) { pair.run($0) }
      return (try pair.a!.get(), try pair.b!.get())
    }
  }
}

/// Two pieces of work and their results, shared by the two threads of `bothAtOnce`: each thread
/// runs one piece and writes its own result, and `concurrentPerform` returns only after both,
/// so no value is touched by two threads at once.
private final class WorkPair<A, B>: @unchecked Sendable {
  let first: () throws -> A
  let second: () throws -> B
  var a: Result<A, any Error>?
  var b: Result<B, any Error>?

  init(_ first: @escaping () throws -> A, _ second: @escaping () throws -> B) {
    self.first = first
    self.second = second
  }

  func run(_ piece: Int) {
    if piece == 0 { a = Result(catching: first) } else { b = Result(catching: second) }
  }
}
