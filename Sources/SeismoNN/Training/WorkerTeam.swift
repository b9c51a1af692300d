import CSeismoKernels
import Dispatch
import Foundation
import Synchronization

/// A fixed team of threads that runs one job at a time on every member: the caller is member 0
/// and `size - 1` helper threads, started once, are the others.
///
/// It replaces `DispatchQueue.concurrentPerform` for a trainer's batches, which take a fraction
/// of a millisecond: on a virtual machine, waking a parked worker thread for each batch took
/// 50–200 µs, and the caller often ran both halves of a batch itself before the worker woke.
/// After a job, a helper watches for the next one for up to `spinWindow` (most batches follow
/// within it) and only then parks on a semaphore. Helpers spin only while no other team is
/// running a job and the team has no more members than the machine has cores, so teams that
/// run side by side (`seismo detect --each`) share the cores as parked threads would.
final class WorkerTeam: Sendable {
  /// Members, the caller included.
  let size: Int
  let state: State
  private let helpers: [Helper]

  /// How long a helper watches for the next job before it parks.
  static let spinWindow: Duration = .microseconds(500)
  /// Teams inside `perform`, across the process.
  private static let performing = Atomic<Int>(0)

  init(size: Int) {
    self.size = max(1, size)
    let spins = self.size <= ProcessInfo.processInfo.activeProcessorCount
    state = State(spins: spins)
    helpers = (1..<self.size).map { _ in Helper() }
    for (index, helper) in zip(1..., helpers) {
      let state = state
      let thread = Thread { state.serve(member: index, helper: helper) }
      thread.name = "seismo-team-\(index)"
      thread.start()
    }
  }

  deinit {
    state.stopping.store(true, ordering: .sequentiallyConsistent)
    post()
  }

  /// Runs `body(member)` for each member in `0..<members` (at most `size`), the caller taking 0,
  /// and returns when all have finished. `body` must not call `perform` on this team.
  func perform(members: Int, _ body: @escaping @Sendable (Int) -> Void) {
    precondition(members <= size, "a job for \(members) members on a team of \(size)")
    guard members > 1 else {
      if members == 1 { body(0) }
      return
    }
    state.performing.store(true, ordering: .relaxed)
    Self.performing.add(1, ordering: .relaxed)
    defer {
      Self.performing.subtract(1, ordering: .relaxed)
      state.performing.store(false, ordering: .relaxed)
    }
    state.job = body
    state.members = members
    state.pending.store(size - 1, ordering: .relaxed)
    post()
    body(0)
    var polls = 0
    while state.pending.load(ordering: .acquiring) != 0 {
      polls += 1
      if polls < 4096 { seismo_spin_pause() } else { sched_yield() }
    }
    state.job = nil
  }

  /// Publishes a new generation (a job, or the stop) and wakes the helpers that parked.
  private func post() {
    state.generation.add(1, ordering: .sequentiallyConsistent)
    for helper in helpers where helper.parked.exchange(false, ordering: .sequentiallyConsistent) {
      helper.wake.signal()
    }
  }

  /// Whether helpers may keep spinning: no team but their own (if that) is inside `perform`.
  fileprivate static func othersQuiet(_ state: State) -> Bool {
    let own = state.performing.load(ordering: .relaxed) ? 1 : 0
    return performing.load(ordering: .relaxed) <= own
  }

  /// A helper's park flag and semaphore.
  fileprivate final class Helper: Sendable {
    let parked = Atomic(false)
    let wake = DispatchSemaphore(value: 0)
  }

  /// What the caller and the helpers share. `job` and `members` are written by the caller
  /// before it publishes a generation and read by helpers after they see it.
  final class State: @unchecked Sendable {
    let spins: Bool
    let generation = Atomic(0)
    let pending = Atomic(0)
    let stopping = Atomic(false)
    /// Whether this team's caller is inside `perform`.
    let performing = Atomic(false)
    /// Helper threads that have started and not yet ended.
    let liveHelpers = Atomic(0)
    var job: (@Sendable (Int) -> Void)?
    var members = 0

    init(spins: Bool) { self.spins = spins }

    /// A helper's life: wait for each generation, run its part of the job, report done.
    fileprivate func serve(member: Int, helper: Helper) {
      liveHelpers.add(1, ordering: .relaxed)
      defer { liveHelpers.subtract(1, ordering: .relaxed) }
      var seen = 0
      while true {
        seen = next(after: seen, helper: helper)
        if stopping.load(ordering: .acquiring) { return }
        if member < members, let job { job(member) }
        pending.subtract(1, ordering: .releasing)
      }
    }

    /// Waits for a generation after `seen`: spins for up to `spinWindow`, then parks. Returns it.
    private func next(after seen: Int, helper: Helper) -> Int {
      if spins {
        let deadline = ContinuousClock.now + WorkerTeam.spinWindow
        var polls = 0
        while WorkerTeam.othersQuiet(self) {
          let current = generation.load(ordering: .acquiring)
          if current != seen { return current }
          seismo_spin_pause()
          polls += 1
          if polls % 64 == 0, ContinuousClock.now > deadline { break }
        }
      }
      // Park: announce it, then look once more. The caller publishes, then clears the flag;
      // with both sequentially consistent, either this look sees the generation or the caller
      // sees the flag and signals.
      helper.parked.store(true, ordering: .sequentiallyConsistent)
      let current = generation.load(ordering: .sequentiallyConsistent)
      if current != seen {
        // Published already: take the flag back, or consume the signal the caller sent.
        if !helper.parked.exchange(false, ordering: .sequentiallyConsistent) { helper.wake.wait() }
        return current
      }
      helper.wake.wait()
      return generation.load(ordering: .acquiring)
    }
  }
}
