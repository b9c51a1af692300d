import Foundation
import Logging
import PostgresSink
import SeismoCore
import SeismoPostgres

/// What `seismo worker` runs: `concurrency` threads that each claim, run and finish jobs on a
/// connection of their own, while the calling thread renews the leases of the jobs in hand.
///
/// A job's run is written, and the job marked done, in one transaction fenced by the claim
/// (`JobQueue.lock`), so a job's results exist once however workers die. A lost connection is
/// reconnected every 2 seconds; a run computed before the loss is written after it.
final class Worker: @unchecked Sendable {
  struct Settings: Sendable {
    var url: String
    var concurrency: Int
    /// Seconds a claim holds without renewal; renewed every third of it.
    var lease: Double
    /// Seconds an idle thread waits for a NOTIFY before it looks at the queue again.
    var poll: Double
    /// Seconds before the first retry of a failed job; doubled each attempt.
    var backoff: Double
    /// Return once no job is queued or running, instead of waiting for more.
    var exitWhenDone: Bool
  }

  /// Jobs this worker ended, by outcome.
  struct Tally: Sendable, Equatable {
    var done = 0
    var failed = 0
    var retrying = 0
    /// Finished after its claim was lost (results dropped: another worker has the job).
    var lost = 0
  }

  let settings: Settings
  /// `host:pid:tag`, stored in `seismo.jobs.worker`.
  let id: String
  /// Logs with `worker` metadata; a job's lines add `job`, `indicator` and `attempt`.
  let logger: Logger
  private let lock = NSLock()
  private var held: Set<Int64> = []
  private var draining = false
  private var tally = Tally()

  /// The plugins jobs may name.
  let registry: PluginRegistry

  init(settings: Settings, registry: PluginRegistry) {
    self.settings = settings
    self.registry = registry
    let tag = String(UInt32.random(in: 0..<0x10000), radix: 36)
    id = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(tag)"
    var logger = Logger(label: "seismo.worker") { _ in LogfmtLogHandler() }
    logger[metadataKey: "worker"] = "\(id)"
    self.logger = logger
  }

  /// Asks every thread to stop claiming; the jobs in hand are finished first.
  func drain() { lock.withLock { draining = true } }

  private var isDraining: Bool { lock.withLock { draining } }

  /// Runs until drained, or with `exitWhenDone` until the queue has nothing queued or running.
  func run() -> Tally {
    let threads = DispatchGroup()
    for _ in 0..<settings.concurrency {
      threads.enter()
      let thread = Thread { [self] in
        claimLoop()
        threads.leave()
      }
      thread.stackSize = 8 << 20
      thread.start()
    }
    renewLeases(until: threads)
    return lock.withLock { tally }
  }

  /// Renews the leases of the jobs in hand every third of a lease, on a connection of its own,
  /// until every thread has returned.
  private func renewLeases(until threads: DispatchGroup) {
    var connection: PGConnection?
    while threads.wait(timeout: .now() + settings.lease / 3) == .timedOut {
      let jobs = lock.withLock { Array(held) }
      guard !jobs.isEmpty else { continue }
      do {
        let db = try connection.flatMap { $0.isOpen ? $0 : nil } ?? PGConnection(settings.url)
        connection = db
        try JobQueue(db).renew(jobs, worker: id, lease: settings.lease)
      } catch {
        logger.warning("cannot renew leases: \(error)")
        connection = nil
      }
    }
  }

  /// One thread: claim, run, finish, until drained (or done).
  private func claimLoop() {
    var connection: PGConnection?
    while !isDraining {
      do {
        let db = try connection ?? connect()
        connection = db
        let queue = JobQueue(db)
        guard let claim = try queue.claim(worker: id, lease: settings.lease) else {
          if settings.exitWhenDone, try !queue.hasUnfinishedJobs() { return }
          _ = try db.notifications(waitingUpTo: settings.poll)
          continue
        }
        lock.withLock { _ = held.insert(claim.id) }
        process(claim, connection: &connection)
        lock.withLock { _ = held.remove(claim.id) }
      } catch {
        logger.warning("lost the database (\(error)); connecting again in 2 s")
        connection = nil
        Thread.sleep(forTimeInterval: 2)
      }
    }
  }

  /// A connection that LISTENs on seismo_jobs (`seismo.enqueue` wakes idle threads).
  private func connect() throws -> PGConnection {
    let db = try PGConnection(settings.url)
    try db.execute("LISTEN seismo_jobs")
    return db
  }

  /// Runs `claim` and finishes it: done with its run, or failed / queued again with its error.
  private func process(_ claim: JobQueue.Claim, connection: inout PGConnection?) {
    var log = logger
    log[metadataKey: "job"] = "\(claim.id)"
    if let indicator = claim.indicator { log[metadataKey: "indicator"] = "\(indicator)" }
    log[metadataKey: "attempt"] = "\(claim.attempt)"
    guard claim.attempt <= claim.maxAttempts else {
      let reason =
        "abandoned: its lease ran out on attempt \(claim.maxAttempts) of \(claim.maxAttempts) (was its worker killed?)"
      record(claim, error: reason, permanent: true, log: log, connection: &connection)
      return
    }
    if claim.reclaimed { log.warning("claimed again: the lease of its last worker ran out") }
    let started = Date()
    do {
      let (config, saveModel) = try JobConfig.claimed(
        claim.config, job: claim.id, indicator: claim.indicator, queueURL: settings.url, registry: registry)
      let pipeline = DetectionPipeline(registry: registry, config: config)
      try pipeline.validate()
      var loaded = try pipeline.loadSource()
      if let indicator = claim.indicator { loaded = try JobConfig.selecting(indicator, in: loaded, job: claim.id) }
      let run = try pipeline.run(loaded)
      // What the data's load and the run warned of (a hole, new levels), as detect prints it.
      for warning in loaded.warnings + run.warnings { log.warning("\(warning.trimmingPrefix("warning: "))") }
      let labels = PostgresSink.Labels(
        indicator: claim.indicator ?? "", group: claim.group, job: claim.id,
        model: saveModel ? try SavedModel(run: run).encode() : nil)
      let written = try finish(claim, run: run, labels: labels, connection: &connection)
      let seconds = String(format: "%.3f", Date().timeIntervalSince(started))  // claim to commit
      if written {
        count(\.done)
        log.info(
          "done", metadata: ["run": "\(run.runID)", "anomalies": "\(RunSummary(run).anomalyCount)", "seconds": "\(seconds)"])
      } else {
        count(\.lost)
        log.warning("finished after its claim was lost; the results are dropped (another worker has the job)")
      }
    } catch {
      let permanent: Bool
      if case SeismoError.database = error { permanent = false } else { permanent = error is SeismoError }
      record(claim, error: "\(error)", permanent: permanent, log: log, connection: &connection)
    }
  }

  /// Writes the run and marks the job done in one transaction, if the claim still holds;
  /// returns false when it no longer does. A lost connection is reconnected and the write
  /// tried again; any other error is thrown (the job then fails this attempt).
  private func finish(
    _ claim: JobQueue.Claim, run: RunResult, labels: PostgresSink.Labels, connection: inout PGConnection?
  ) throws -> Bool {
    try retryingLostConnections(&connection) { db in
      let queue = JobQueue(db)
      let key = try db.transaction { () -> Int64? in
        guard try queue.lock(claim, worker: id) else { return nil }
        let key = try PostgresSink.insert(run, on: db, labels: labels)
        try queue.markDone(claim, runID: run.runID)
        return key
      }
      guard let key else { return false }
      PostgresSink.analyzeScores(ofRun: String(key), count: run.scores.values.count, on: db)
      return true
    }
  }

  /// Records a failed attempt and logs what became of the job.
  private func record(
    _ claim: JobQueue.Claim, error: String, permanent: Bool, log: Logger, connection: inout PGConnection?
  ) {
    let backoff = JobQueue.backoff(after: claim.attempt, base: settings.backoff)
    do {
      let outcome = try retryingLostConnections(&connection) { db in
        try JobQueue(db).fail(claim, worker: id, error: error, permanent: permanent, backoff: backoff)
      }
      switch outcome {
      case .failed:
        count(\.failed)
        log.error("failed: \(error)")
      case .retrying:
        count(\.retrying)
        log.warning("attempt failed, retrying in \(String(format: "%.0f", backoff)) s: \(error)")
      case .lost:
        count(\.lost)
        log.warning("attempt failed after its claim was lost: \(error)")
      }
    } catch let recordError {
      log.error("cannot record the failure (\(recordError)); the job is retried when its lease runs out: \(error)")
    }
  }

  /// Runs `body` on the connection, connecting again (every 2 seconds) and running it again as
  /// long as the connection is what failed.
  private func retryingLostConnections<T>(_ connection: inout PGConnection?, _ body: (PGConnection) throws -> T) throws -> T {
    while true {
      do {
        let db = try connection ?? connect()
        connection = db
        return try body(db)
      } catch SeismoError.database(let message) where connection?.isOpen != true {
        logger.warning("lost the database (\(message)); connecting again in 2 s")
        connection = nil
        Thread.sleep(forTimeInterval: 2)
      }
    }
  }

  private func count(_ outcome: WritableKeyPath<Tally, Int>) { lock.withLock { tally[keyPath: outcome] += 1 } }
}
