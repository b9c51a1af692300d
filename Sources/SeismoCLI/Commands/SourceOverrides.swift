import ArgumentParser
import SeismoCore

/// `--set source.key=value` for commands that score with a saved model (`score`, `watch`): read
/// the data otherwise than the model's source did. The detector and threshold stay as trained,
/// and the plugin, path and feature names stay the model's; `source.columns` names the columns
/// of the files given to `score` that hold the model's features (`ScoreCommand.config`).
struct SourceOverrides: ParsableArguments {
  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Read the data otherwise than the model's source did, e.g. --set source.delimiter=';', --set source.wait_for=[] or, for a file whose columns have other names, --set 'source.columns=[Close, Gold]' (the model's features in its order; source settings only; repeatable).",
      valueName: "source.key=value"))
  var values: [String] = []

  func validate() throws {
    for value in values {
      let key = RunConfig.key(ofOverride: value)
      guard key.hasPrefix("source."), !["source.plugin", "source.path", "source.as"].contains(key) else {
        throw ValidationError(
          "--set \(value): a saved model's data can be read otherwise (source settings other than plugin, path and as; source.columns names the data files' columns that hold the model's features), but its detector and threshold stay as trained"
        )
      }
    }
  }
}
