// What `DispatchQueue.concurrentPerform` costs a job of two halves, each a busy loop of a given
// length: the mean time per job against the ideal (one half's length, the two halves running at
// once), and in how many jobs the caller ran both halves because the worker had not woken.
// Built and run by scripts/bench-threads.sh.
import Dispatch
import Foundation

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

final class CallerCount: @unchecked Sendable {
  let lock = NSLock()
  var halves = 0
  func add() { lock.withLock { halves += 1 } }
}

for micros in [10, 50, 200, 1_000] {
  let jobs = max(200, 20_000 / micros)
  var total: UInt64 = 0
  var callerRanBoth = 0
  for _ in 0..<jobs {
    let caller = pthread_self()
    let count = CallerCount()
    let started = now()
    DispatchQueue.concurrentPerform(iterations: 2) { _ in
      if pthread_equal(pthread_self(), caller) != 0 { count.add() }
      let begun = now()
      while now() - begun < UInt64(micros) * 1_000 {}
    }
    total += now() - started
    if count.halves == 2 { callerRanBoth += 1 }
  }
  let mean = Double(total) / Double(jobs) / 1_000
  print(
    String(
      format: "concurrentPerform, two halves of %4d µs: %7.1f µs per job (ideal %d), the caller ran both in %d of %d",
      micros, mean, micros, callerRanBoth, jobs))
}
