import Foundation

/// Where the CLI talks to people: results to stdout, progress and errors to stderr.
enum Console {
  /// A line on stdout.
  static func out(_ line: String) {
    print(line)
  }

  /// A line on stderr (progress, warnings, errors).
  static func err(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
}
