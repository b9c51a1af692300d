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

  /// Runs jobs until a helper has taken an iteration, for up to 10 s: helpers step aside while
  /// another team (another test's trainer) runs a job.
  static func helpersTakePart(_ team: WorkerTeam, busyMicroseconds: UInt64, pauseMicroseconds: UInt32 = 0) -> Bool {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
      let elsewhere = run(
        team, iterations: team.size, jobs: 20, busyMicroseconds: busyMicroseconds, pauseMicroseconds: pauseMicroseconds)
      if elsewhere > 0 { return true }
    }
    return false
  }

  @Test func helpersTakeIterations() {
    #expect(Self.helpersTakePart(WorkerTeam(size: 3), busyMicroseconds: 20))
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
    #expect(Self.helpersTakePart(WorkerTeam(size: 2), busyMicroseconds: 500, pauseMicroseconds: 2_000))
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

  @Test func helperThreadsEndWithTheTeam() async throws {
    var team: WorkerTeam? = WorkerTeam(size: 4)
    let state = team!.state
    let deadline = ContinuousClock.now + .seconds(10)
    while state.liveHelpers.load(ordering: .relaxed) < 3, ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(5))
    }
    #expect(state.liveHelpers.load(ordering: .relaxed) == 3)
    team = nil
    while state.liveHelpers.load(ordering: .relaxed) > 0, ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(5))
    }
    #expect(state.liveHelpers.load(ordering: .relaxed) == 0)
  }
}
