import Foundation

/// Saves and loads named Float32 tensors in the safetensors layout, so weights move between
/// machines and tools:
///
///     8 bytes   N, the header length, unsigned little-endian
///     N bytes   JSON: {"__metadata__": {string: string},
///                      "<name>": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …}
///               padded with spaces to a multiple of 8
///     rest      the tensors' little-endian bytes, offsets relative to the end of the header
public enum TensorArchive {
  /// A named tensor.
  public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
      self.shape = shape
      self.values = values
    }
  }

  public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) throws -> Data {
    var header: [String: Any] = ["__metadata__": metadata]
    var body = Data()
    for name in tensors.keys.sorted() {
      let tensor = tensors[name]!
      let begin = body.count
      for v in tensor.values { withUnsafeBytes(of: v.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
      header[name] = ["dtype": "F32", "shape": tensor.shape, "data_offsets": [begin, body.count]]
    }
    var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
    while json.count % 8 != 0 { json.append(0x20) }
    var out = Data()
    withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
    out.append(json)
    out.append(body)
    return out
  }

  /// The largest header read: safetensors' own limit.
  public static let maxHeaderBytes = 100_000_000

  /// Decodes a file's bytes; `origin` names it in errors. The file is untrusted: every shape
  /// must be non-negative with a product that fits, and the tensors must tile the data section
  /// exactly (no overlap, no gap, nothing outside), so nothing larger than the file is allocated.
  public static func decode(_ data: Data, origin: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
    func bad(_ why: String) -> SeismoError { .file(path: origin, message: "not a valid weights file: \(why)") }
    guard data.count >= 8 else { throw bad("shorter than its 8-byte header length") }
    let length = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
    guard length <= UInt64(data.count - 8) else { throw bad("truncated header") }
    guard length <= UInt64(maxHeaderBytes) else { throw bad("header longer than \(maxHeaderBytes) bytes") }
    let start = data.startIndex + 8
    let headerData = data.subdata(in: start..<start + Int(length))
    guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
      throw bad("header is not a JSON object")
    }
    let body = data.subdata(in: start + Int(length)..<data.endIndex)
    var metadata: [String: String] = [:]
    var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
    for (name, entry) in header {
      if name == "__metadata__" {
        guard let strings = entry as? [String: String] else { throw bad("__metadata__ is not a map of strings") }
        metadata = strings
        continue
      }
      guard let info = entry as? [String: Any], info["dtype"] as? String == "F32",
        let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
      else { throw bad("tensor '\(name)' has no F32 dtype, shape and data_offsets") }
      var bytes = 4
      for dimension in shape {
        guard dimension >= 0 else { throw bad("tensor '\(name)' has a negative dimension in shape \(shape)") }
        let (product, overflow) = bytes.multipliedReportingOverflow(by: dimension)
        guard !overflow, product <= body.count else { throw bad("tensor '\(name)' (shape \(shape)) is larger than the file") }
        bytes = product
      }
      guard offsets[0] >= 0, offsets[1] >= offsets[0], offsets[1] - offsets[0] == bytes else {
        throw bad("tensor '\(name)' has data_offsets \(offsets) that do not match its shape \(shape)")
      }
      entries.append((name, shape, offsets[0], offsets[1]))
    }
    var expected = 0
    for entry in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
      guard entry.begin == expected else {
        throw bad(
          entry.begin < expected
            ? "tensor '\(entry.name)' overlaps another tensor" : "a gap of unused bytes lies before tensor '\(entry.name)'")
      }
      expected = entry.end
    }
    guard expected == body.count else {
      throw bad(expected > body.count ? "the tensors lie outside the file (truncated?)" : "unused bytes after the last tensor")
    }
    var tensors: [String: Tensor] = [:]
    body.withUnsafeBytes { raw in
      for entry in entries {
        let count = (entry.end - entry.begin) / 4
        let values = (0..<count).map {
          Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: entry.begin + 4 * $0, as: UInt32.self)))
        }
        tensors[entry.name] = Tensor(shape: entry.shape, values: values)
      }
    }
    return (tensors, metadata)
  }
}
