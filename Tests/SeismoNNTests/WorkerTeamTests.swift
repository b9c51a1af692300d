import Foundation
import Synchronization
import Testing

@testable import SeismoNN
@testable import SeismoSupport

/// The trainer's thread team: every member runs each job once, on its own thread, whether its
/// helpers spun or parked in between, beside other teams, and its threads end with it.
@Suite struct WorkerTeamTests {
  /// Runs `jobs` jobs of `members` members on `team`; each member writes the job's number and its
  /// thread into its slot, and the caller checks every slot after each job. Returns the threads
  /// that ran each member in the last job.
  @discardableResult
  static func run(_ team: WorkerTeam, members: Int, jobs: Int, pauseMicroseconds: UInt32 = 0) -> [pthread_t?] {
    let slots = UnsafeMutableBufferPointer<Int>.allocate(capacity: team.size)
    let threads = UnsafeMutableBufferPointer<pthread_t?>.allocate(capacity: team.size)
    defer {
      slots.deallocate()
      threads.deallocate()
    }
    slots.initialize(repeating: -1)
    threads.initialize(repeating: nil)
    let work = UnsafeTransfer((slots, threads))
    for job in 0..<jobs {
      team.perform(members: members) { member in
        work.value.0[member] = job
        work.value.1[member] = pthread_self()
      }
      for member in 0..<team.size {
        #expect(slots[member] == (member < members ? job : -1), "job \(job), member \(member)")
      }
      if pauseMicroseconds > 0 { usleep(pauseMicroseconds) }
    }
    return Array(threads)
  }

  @Test func everyMemberRunsEachJobOnceOnItsOwnThread() {
    let team = WorkerTeam(size: 3)
    let threads = Self.run(team, members: 3, jobs: 2_000)
    #expect(pthread_equal(threads[0]!, pthread_self()) != 0)
    #expect(pthread_equal(threads[1]!, pthread_self()) == 0)
    #expect(pthread_equal(threads[2]!, pthread_self()) == 0)
    #expect(pthread_equal(threads[1]!, threads[2]!) == 0)
  }

  @Test func aJobMayTakeFewerMembersThanTheTeam() {
    let team = WorkerTeam(size: 3)
    Self.run(team, members: 2, jobs: 200)
    Self.run(team, members: 1, jobs: 20)
  }

  @Test func parkedHelpersWakeForTheNextJob() {
    // 2 ms between jobs, four times the spin window: every helper has parked by the next.
    Self.run(WorkerTeam(size: 2), members: 2, jobs: 50, pauseMicroseconds: 2_000)
    // More members than cores: helpers never spin.
    let crowded = WorkerTeam(size: ProcessInfo.processInfo.activeProcessorCount + 2)
    #expect(!crowded.state.spins)
    Self.run(crowded, members: crowded.size, jobs: 500)
  }

  @Test func teamsSideBySideEachFinishTheirJobs() {
    let teams = UnsafeTransfer([WorkerTeam(size: 2), WorkerTeam(size: 2), WorkerTeam(size: 3)])
    DispatchQueue.concurrentPerform(iterations: 3) { t in
      Self.run(teams.value[t], members: teams.value[t].size, jobs: 1_000)
    }
  }

  @Test func helperThreadsEndWithTheTeam() async throws {
    var team: WorkerTeam? = WorkerTeam(size: 4)
    let state = team!.state
    Self.run(team!, members: 4, jobs: 10)
    #expect(state.liveHelpers.load(ordering: .relaxed) == 3)
    team = nil
    let deadline = ContinuousClock.now + .seconds(10)
    while state.liveHelpers.load(ordering: .relaxed) > 0, ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(5))
    }
    #expect(state.liveHelpers.load(ordering: .relaxed) == 0)
  }
}
