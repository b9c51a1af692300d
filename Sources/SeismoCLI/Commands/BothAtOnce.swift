import Foundation

/// Runs two pieces of work at once, the second on a thread of its own, and returns both results:
/// two reads on two connections, so that the server works on both together. The first error
/// thrown (the first piece's when both throw) is passed on once both have finished.
func bothAtOnce<A, B>(_ first: () throws -> A, _ second: () throws -> B) throws -> (A, B) {
  try withoutActuallyEscaping(first) { first in
    try withoutActuallyEscaping(second) { second in
      let pair = WorkPair(first, second)
      let finished = DispatchSemaphore(value: 0)
      Thread {
        pair.runSecond()
        finished.signal()
      }.start()
      pair.runFirst()
      finished.wait()
      return (try pair.a!.get(), try pair.b!.get())
    }
  }
}

/// Two pieces of work and their results, shared by the two threads of `bothAtOnce`: each thread
/// runs one piece and writes its own result, and `bothAtOnce` reads them only after both have
/// finished, so no value is touched by two threads at once. Each piece is let go once it has
/// run, as `withoutActuallyEscaping` requires: the thread may outlive the call by a moment.
private final class WorkPair<A, B>: @unchecked Sendable {
  private var first: (() throws -> A)?
  private var second: (() throws -> B)?
  var a: Result<A, any Error>?
  var b: Result<B, any Error>?

  init(_ first: @escaping () throws -> A, _ second: @escaping () throws -> B) {
    self.first = first
    self.second = second
  }

  func runFirst() {
    a = Result(catching: first!)
    first = nil
  }

  func runSecond() {
    b = Result(catching: second!)
    second = nil
  }
}
