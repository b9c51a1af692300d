import ArgumentParser
import Foundation
import SeismoCore
import SeismoPostgres

/// `seismo worker`: runs queued jobs (`seismo jobs enqueue`) until stopped.
struct WorkerCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "worker",
    abstract: "Run jobs from the PostgreSQL job queue (seismo.jobs), on as many machines as you like.",
    discussion: """
      Each of --concurrency threads claims the oldest due job with FOR UPDATE SKIP LOCKED, runs \
      it, and writes its run into seismo.runs/seismo.scores and marks the job done in the same \
      transaction, so a job's results exist exactly once. The claim is a lease the worker renews \
      every third of --lease while it works: a worker that is killed (even with SIGKILL) leaves \
      its jobs to be claimed again when their leases run out. A failed attempt is queued again \
      after --backoff seconds, doubling each time, until the job's max attempts, then the job is \
      failed with its error (`seismo jobs list --status failed`). Errors in the config or data \
      (a missing column) fail the job at once; database errors are retried. A lost database is \
      reconnected every 2 seconds.

      Ctrl-C or SIGTERM: finish the jobs in hand, then exit 0. A second signal exits at once \
      (143): the leases let other workers take those jobs over.

      Logs one logfmt line per event on stderr, with worker, job, indicator and attempt fields.

      Example: seismo worker --url "$URL" --concurrency 4
      """)

  @OptionGroup var connection: ConnectionOptions

  @Option(help: "Jobs run at once, each on its own thread and connection.")
  var concurrency = ProcessInfo.processInfo.activeProcessorCount

  @Option(help: ArgumentHelp("Seconds a claim lasts without renewal (renewed every third of it).", valueName: "seconds"))
  var lease: Double = 60

  @Option(help: ArgumentHelp("Seconds before a failed job's first retry; doubled per attempt.", valueName: "seconds"))
  var backoff: Double = 10

  @Option(
    help: ArgumentHelp(
      "Seconds an idle thread waits before looking at the queue again (an enqueue wakes it sooner).", valueName: "seconds"))
  var poll: Double = 5

  @Flag(help: "Exit once no job is queued or running (for batches and tests), instead of waiting for more.")
  var exitWhenDone = false

  func validate() throws {
    guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 256") }
    guard lease >= 1, lease.isFinite else { throw ValidationError("--lease must be at least 1 second") }
    guard backoff >= 0, backoff.isFinite else { throw ValidationError("--backoff must be 0 or more seconds") }
    guard poll > 0, poll <= 300 else { throw ValidationError("--poll must be more than 0 and at most 300 seconds") }
  }

  func run() throws {
    try reportingErrors {
      _ = try SchemaMigrator.connection(connection.url)  // fail fast: wrong URL, no schema
      let worker = Worker(
        settings: Worker.Settings(
          url: connection.url, concurrency: concurrency, lease: lease, poll: poll, backoff: backoff,
          exitWhenDone: exitWhenDone), registry: StandardPlugins.registry)
      Interrupts.drainOnNextSignal { [worker] _ in
        worker.logger.info("stopping: finishing the jobs in hand (signal again to exit now)")
        worker.drain()
      }
      worker.logger.info("started", metadata: ["concurrency": "\(concurrency)", "lease": "\(lease)"])
      let tally = worker.run()
      worker.logger.info(
        "stopped",
        metadata: [
          "done": "\(tally.done)", "failed": "\(tally.failed)", "retrying": "\(tally.retrying)", "lost": "\(tally.lost)",
        ])
    }
  }
}
