import Foundation
import Testing

@testable import SeismoCLI

@Suite struct BothAtOnceTests {
  struct Failed: Error, Equatable { let piece: Int }

  /// The two pieces run together: each waits for the other to have started, which one after the
  /// other would not (each would give up after 5 s).
  @Test func theTwoPiecesRunTogether() throws {
    let (started0, started1) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
    let (a, b) = try bothAtOnce(
      { () -> Int in
        started0.signal()
        return started1.wait(timeout: .now() + 5) == .success ? 1 : -1
      },
      { () -> String in
        started1.signal()
        return started0.wait(timeout: .now() + 5) == .success ? "two" : "alone"
      })
    #expect(a == 1 && b == "two")
  }

  /// An error is passed on after both have finished; when both throw, the first piece's.
  @Test func anErrorIsPassedOnOnceBothHaveFinished() {
    let finished = DispatchSemaphore(value: 0)
    #expect(throws: Failed(piece: 1)) {
      _ = try bothAtOnce(
        { () -> Int in throw Failed(piece: 1) },
        { () -> Int in
          Thread.sleep(forTimeInterval: 0.05)
          finished.signal()
          return 2
        })
    }
    #expect(finished.wait(timeout: .now()) == .success, "the second piece had run to its end")
    #expect(throws: Failed(piece: 1)) {
      _ = try bothAtOnce({ () -> Int in throw Failed(piece: 1) }, { () -> Int in throw Failed(piece: 2) })
    }
    #expect(throws: Failed(piece: 2)) {
      _ = try bothAtOnce({ 1 }, { () -> Int in throw Failed(piece: 2) })
    }
  }
}
