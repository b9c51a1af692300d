import ArgumentParser

/// `--url`, for every command that talks to PostgreSQL.
struct ConnectionOptions: ParsableArguments {
  @Option(help: "postgresql:// URL or conninfo (default: the PG* environment variables).")
  var url = ""
}
