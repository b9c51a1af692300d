import CSeismoKernels
import Dispatch
import Foundation
import Synchronization

/// A fixed team of threads for a trainer's batches: the caller of `perform` and `size - 1` helper
/// threads, started once, take a job's iterations until none are left.
///
/// It replaces `DispatchQueue.concurrentPerform`, whose parked worker took 50–200 µs to wake on
/// a virtual machine, while a batch takes a fraction of a millisecond: the caller often ran both
/// halves of a batch itself before the worker woke. After a job, a helper watches for the next
/// one for up to `spinWindow` (most batches follow within it) and only then parks on a semaphore.
/// Helpers spin only while no other team is running a job, and only on a team with no more
/// members than the machine has cores; so teams that run side by side (`seismo detect --each`)
/// share the cores as parked threads would, and as with `concurrentPerform`, the caller takes
/// the iterations that no helper has claimed, so nobody waits for a thread that is not running.
final class WorkerTeam: Sendable {
  /// Members, the caller included.
  let size: Int
  let state: State
  private let helpers: [Helper]

  /// How long a helper watches for the next job before it parks.
  static let spinWindow: Duration = .microseconds(500)
  /// Teams inside `perform`, across the process.
  private static let performing = Atomic<Int>(0)

  /// `stepsAside`: whether helpers stop spinning, and parked ones stay parked, while another
  /// team runs a job (off only in tests that need the helpers whatever else runs).
  init(size: Int, stepsAside: Bool = true) {
    self.size = max(1, size)
    state = State(spins: self.size <= ProcessInfo.processInfo.activeProcessorCount, stepsAside: stepsAside)
    helpers = (1..<self.size).map { _ in Helper() }
    for (index, helper) in zip(1..., helpers) {
      let state = state
      let thread = Thread { state.serve(helper: helper) }
      thread.name = "seismo-team-\(index)"
      thread.start()
    }
  }

  deinit {
    state.stopping.store(true, ordering: .sequentiallyConsistent)
    post(iterations: 0)
  }

  /// Runs `body(i)` for each i in `0..<iterations`, each once, on the caller and the helpers, and
  /// returns when all have finished. Which member runs an iteration depends on timing, so `body`
  /// must give the same result on any thread. `body` must not call `perform` on this team.
  func perform(iterations: Int, _ body: @escaping @Sendable (Int) -> Void) {
    precondition(iterations < 1 << 16, "\(iterations) iterations in one job")
    guard iterations > 1, size > 1 else {
      for i in 0..<iterations { body(i) }
      return
    }
    state.performing.store(true, ordering: .relaxed)
    Self.performing.add(1, ordering: .relaxed)
    defer {
      Self.performing.subtract(1, ordering: .relaxed)
      state.performing.store(false, ordering: .relaxed)
    }
    state.job = body
    state.unfinished.store(iterations, ordering: .relaxed)
    let generation = post(iterations: iterations)
    state.work(generation: generation)
    var polls = 0
    while state.unfinished.load(ordering: .acquiring) != 0 {
      polls += 1
      if polls < 4096 { seismo_spin_pause() } else { sched_yield() }
    }
    state.job = nil
  }

  /// Publishes a new job of `iterations` (none: the stop) and wakes the helpers that parked,
  /// unless another team is running a job: then the cores are busy, and the caller takes the
  /// iterations that no spinning helper claims. Returns the job's generation.
  @discardableResult
  private func post(iterations: Int) -> UInt64 {
    let generation = ((state.ticket.load(ordering: .relaxed) >> 32) &+ 1) & 0xFFFF_FFFF  // 32 bits, wrapping
    state.ticket.store(generation << 32 | UInt64(iterations) << 16, ordering: .sequentiallyConsistent)
    guard iterations == 0 || Self.othersQuiet(state) else { return generation }
    for helper in helpers where helper.parked.exchange(false, ordering: .sequentiallyConsistent) {
      helper.wake.signal()
    }
    return generation
  }

  /// Whether helpers may keep spinning, and parked ones be woken: no team but their own (if
  /// that) is inside `perform`, or the team does not step aside.
  fileprivate static func othersQuiet(_ state: State) -> Bool {
    guard state.stepsAside else { return true }
    let own = state.performing.load(ordering: .relaxed) ? 1 : 0
    return performing.load(ordering: .relaxed) <= own
  }

  /// A helper's park flag and semaphore.
  fileprivate final class Helper: Sendable {
    let parked = Atomic(false)
    let wake = DispatchSemaphore(value: 0)
  }

  /// What the caller and the helpers share. The caller writes `job` before it publishes a
  /// ticket, and changes it only when every iteration has finished.
  final class State: @unchecked Sendable {
    let spins: Bool
    let stepsAside: Bool
    /// The current job: generation (bits 32–63), iterations (16–31), the next unclaimed (0–15).
    let ticket = Atomic<UInt64>(0)
    /// The current job's iterations not yet finished.
    let unfinished = Atomic(0)
    let stopping = Atomic(false)
    /// Whether this team's caller is inside `perform`.
    let performing = Atomic(false)
    /// Helper threads that have started and not yet ended.
    let liveHelpers = Atomic(0)
    var job: (@Sendable (Int) -> Void)?

    init(spins: Bool, stepsAside: Bool) {
      self.spins = spins
      self.stepsAside = stepsAside
    }

    /// Claims and runs job `generation`'s iterations until none are left unclaimed.
    func work(generation: UInt64) {
      var ticket = self.ticket.load(ordering: .acquiring)
      while ticket >> 32 == generation, ticket & 0xFFFF < ticket >> 16 & 0xFFFF {
        let (claimed, current) = self.ticket.weakCompareExchange(
          expected: ticket, desired: ticket + 1, successOrdering: .acquiring, failureOrdering: .acquiring)
        if claimed {
          job?(Int(ticket & 0xFFFF))
          unfinished.subtract(1, ordering: .releasing)
          ticket += 1
        } else {
          ticket = current
        }
      }
    }

    /// A helper's life: wait for each job and work on it, until the stop.
    fileprivate func serve(helper: Helper) {
      liveHelpers.add(1, ordering: .relaxed)
      defer { liveHelpers.subtract(1, ordering: .relaxed) }
      var seen: UInt64 = 0
      while true {
        seen = next(after: seen, helper: helper)
        if stopping.load(ordering: .acquiring) { return }
        work(generation: seen)
      }
    }

    /// Waits for a generation after `seen`: spins for up to `spinWindow`, then parks. Returns it.
    private func next(after seen: UInt64, helper: Helper) -> UInt64 {
      if spins {
        let deadline = ContinuousClock.now + WorkerTeam.spinWindow
        var polls = 0
        while WorkerTeam.othersQuiet(self) {
          let current = ticket.load(ordering: .acquiring) >> 32
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
      let current = ticket.load(ordering: .sequentiallyConsistent) >> 32
      if current != seen {
        // Published already: take the flag back, or consume the signal the caller sent.
        if !helper.parked.exchange(false, ordering: .sequentiallyConsistent) { helper.wake.wait() }
        return current
      }
      helper.wake.wait()
      return ticket.load(ordering: .acquiring) >> 32
    }
  }
}
