import Foundation

/// The CPU's feature flags as Linux lists them (/proc/cpuinfo's first `flags` line: "avx2",
/// "avx512f", …); empty where there is no such file.
enum CPUFlags {
  static var current: Set<String> {
    guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
      let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
    else { return [] }
    return Set(line.split(separator: " ").map(String.init))
  }
}
