import ArgumentParser

/// `seismo jobs`: the PostgreSQL job queue that `seismo worker` processes.
struct JobsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "jobs",
    abstract: "Queue detection jobs in PostgreSQL for `seismo worker`s, and follow, retry or cancel them.",
    discussion: """
      A job is one run config (one per indicator with --each). Any number of `seismo worker` \
      processes, on any machines that reach the database, take jobs from seismo.jobs; each job's \
      run lands in seismo.runs with the job's group id. `seismo db migrate` creates the queue.

        seismo jobs enqueue nightly.yaml --each --url "$URL"     # one job per indicator
        seismo worker --url "$URL"                               # on every machine
        seismo jobs list --url "$URL"                            # progress per group
        seismo jobs retry --failed --url "$URL"
      """,
    subcommands: [EnqueueJobsCommand.self, ListJobsCommand.self, RetryJobsCommand.self, CancelJobsCommand.self])
}
