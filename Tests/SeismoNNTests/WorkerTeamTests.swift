import Foundation
import Synchronization
import Testing

@testable import SeismoNN
@testable import SeismoSupport

/// The trainer's thread team: each job's iterations run once each, on the caller and the helpers,
/// whether the helpers spun or parked in between, beside other teams; its threads end with it.
@Suite struct WorkerTeamTests {
  /// Runs `jobs` jobs of `iterations` on `team`, each iteration busy for `busyMicroseconds` and each
  /// job after a pause of `pauseMicroseconds`,
  /// and checks after each job that every iteration ran exactly once. Returns how many
  /// iterations ran on threads other than the caller's.
  @discardableResult
  static func run(
    _ team: WorkerTeam, iterations: Int, jobs: Int, busyMicroseconds: UInt64 = 0, pauseMicroseconds: UInt32 = 0
  ) -> Int {
    let runs = Mutex([Int](repeating: 0, count: iterations))
    let elsewhere = Mutex(0)
    let caller = UnsafeTransfer(pthread_self())
    for job in 0..<jobs {
      if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
      team.perform(iterations: iterations) { i in
        let started = DispatchTime.now().uptimeNanoseconds
        while DispatchTime.now().uptimeNanoseconds - started < busyMicroseconds * 1_000 {}
        runs.withLock { $0[i] += 1 }
        if pthread_equal(pthread_self(), caller.value) == 0 { elsewhere.withLock { $0 += 1 } }
      }
      let counts = runs.withLock { counts in
        defer { counts = [Int](repeating: 0, count: iterations) }
        return counts
      }
      #expect(counts == [Int](repeating: 1, count: iterations), "job \(job)")
    }
    return elsewhere.withLock { $0 }
  }

  // Teams that take part whatever else runs: other tests' trainers run at the same time, and a
  // team that steps aside for them would leave every iteration to the caller.

  @Test func helpersTakeIterations() {
    #expect(Self.run(WorkerTeam(size: 3, stepsAside: false), iterations: 3, jobs: 200, busyMicroseconds: 100) > 0)
  }

  @Test func helpersStepAsideWhileAnotherTeamRunsAJob() {
    // Team `busy` runs a job whose two iterations wait for `release`.
    let busy = WorkerTeam(size: 2, stepsAside: false)
    let started = Mutex(0)
    let release = Mutex(false)
    let finished = DispatchSemaphore(value: 0)
    let busyTeam = UnsafeTransfer(busy)
    Thread {
      busyTeam.value.perform(iterations: 2) { _ in
        started.withLock { $0 += 1 }
        while !release.withLock({ $0 }) { usleep(100) }
      }
      finished.signal()
    }.start()
    #expect(Self.eventually { started.withLock { $0 } == 2 })
    // Meanwhile another team's helper neither spins nor wakes: once it has parked (a helper that
    // happens to be awake when a job is posted still takes part), the caller takes every iteration.
    let team = WorkerTeam(size: 2)
    #expect(Self.eventually { team.state.liveHelpers.load(ordering: .relaxed) == 1 })
    Self.run(team, iterations: 2, jobs: 10, busyMicroseconds: 200, pauseMicroseconds: 1_000)
    #expect(Self.run(team, iterations: 2, jobs: 50, busyMicroseconds: 200) == 0)
    release.withLock { $0 = true }
    finished.wait()
  }

  @Test func jobsMayHaveFewerOrMoreIterationsThanMembers() {
    let team = WorkerTeam(size: 3)
    Self.run(team, iterations: 2, jobs: 300)
    Self.run(team, iterations: 1, jobs: 20)
    Self.run(team, iterations: 7, jobs: 300)
    Self.run(team, iterations: 0, jobs: 2)
  }

  @Test func parkedHelpersWakeForTheNextJob() {
    // 2 ms between jobs, four times the spin window: every helper has parked by the next.
    let team = WorkerTeam(size: 2, stepsAside: false)
    #expect(Self.run(team, iterations: 2, jobs: 20, busyMicroseconds: 500, pauseMicroseconds: 2_000) > 0)
    // More members than cores: helpers never spin.
    let crowded = WorkerTeam(size: ProcessInfo.processInfo.activeProcessorCount + 2)
    #expect(!crowded.state.spins)
    Self.run(crowded, iterations: crowded.size, jobs: 500)
  }

  @Test func teamsSideBySideEachFinishTheirJobs() {
    let teams = UnsafeTransfer([WorkerTeam(size: 2), WorkerTeam(size: 2), WorkerTeam(size: 3)])
    DispatchQueue.concurrentPerform(iterations: 3) { t in
      Self.run(teams.value[t], iterations: teams.value[t].size, jobs: 1_000)
    }
  }

  /// Waits (synchronously: a loaded test run can starve an async wait for tens of seconds) until
  /// `condition` holds or 30 s have passed; returns whether it held.
  static func eventually(_ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .seconds(30)
    while !condition() {
      if ContinuousClock.now > deadline { return false }
      usleep(2_000)
    }
    return true
  }

  @Test func helperThreadsEndWithTheTeam() {
    var team: WorkerTeam? = WorkerTeam(size: 4)
    let state = team!.state
    #expect(Self.eventually { state.liveHelpers.load(ordering: .relaxed) == 3 })
    team = nil
    #expect(Self.eventually { state.liveHelpers.load(ordering: .relaxed) == 0 })
  }
}
