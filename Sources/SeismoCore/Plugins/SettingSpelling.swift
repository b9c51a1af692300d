/// How a message names a setting the user can change: as a config writes it (`decimal: comma`),
/// or as a command's option (`--decimal comma`) for a command that reads a file with options
/// instead of a config (`seismo ingest`, `seismo evaluate`'s labels).
///
/// A plugin whose errors suggest a setting words each through the spelling it is given, so a
/// hint always names something the user can type where they are.
public enum SettingSpelling: Sendable {
  /// A config's key: `time_column`.
  case config
  /// A command-line option: `--time-column`.
  case options

  /// The setting's name: `time_column`, or `--time-column`.
  public func name(_ key: String) -> String {
    switch self {
    case .config: key
    case .options: "--" + key.replacingOccurrences(of: "_", with: "-")
    }
  }

  /// The setting given `value`, written as it is typed there (quoted by the caller when it
  /// needs quotes): `decimal: comma`, or `--decimal comma`.
  public func setting(_ key: String, _ value: String) -> String {
    switch self {
    case .config: "\(key): \(value)"
    case .options: "\(name(key)) \(value)"
    }
  }

  /// The setting given `text`, quoted: `time_format: '%d.%m.%Y'`, or `--time-format '%d.%m.%Y'`.
  public func setting(_ key: String, quoted text: String) -> String {
    setting(key, quote(text))
  }

  /// A list setting holding one text: `missing: ['.']`, or `--missing '.'` (an option given once
  /// for each text of the list).
  public func setting(_ key: String, listOf text: String) -> String {
    switch self {
    case .config: setting(key, "[\(quote(text))]")
    case .options: setting(key, quote(text))
    }
  }

  /// `text` in single quotes: YAML's (a quote doubled) or the shell's (a quote as `'\''`).
  public func quote(_ text: String) -> String {
    switch self {
    case .config: "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    case .options: "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
  }
}
