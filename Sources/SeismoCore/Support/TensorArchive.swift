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

  /// Decodes a file's bytes; `origin` names it in errors.
  public static func decode(_ data: Data, origin: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
    func bad(_ why: String) -> SeismoError { .file(path: origin, message: "not a valid weights file: \(why)") }
    guard data.count >= 8 else { throw bad("shorter than its 8-byte header length") }
    let length = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
    guard length <= UInt64(data.count - 8) else { throw bad("truncated header") }
    let headerData = data.subdata(in: 8..<8 + Int(length))
    guard let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
      throw bad("header is not a JSON object")
    }
    let body = data.subdata(in: 8 + Int(length)..<data.count)
    var tensors: [String: Tensor] = [:]
    var metadata: [String: String] = [:]
    for (name, entry) in header {
      if name == "__metadata__" {
        metadata = entry as? [String: String] ?? [:]
        continue
      }
      guard let info = entry as? [String: Any], info["dtype"] as? String == "F32",
        let shape = info["shape"] as? [Int], let offsets = info["data_offsets"] as? [Int], offsets.count == 2
      else { throw bad("tensor '\(name)' has no F32 dtype, shape and data_offsets") }
      let count = shape.reduce(1, *)
      guard offsets[0] >= 0, offsets[1] == offsets[0] + 4 * count, offsets[1] <= body.count else {
        throw bad("tensor '\(name)' lies outside the file (truncated?)")
      }
      let values = body.subdata(in: offsets[0]..<offsets[1]).withUnsafeBytes { raw in
        (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
      }
      tensors[name] = Tensor(shape: shape, values: values)
    }
    return (tensors, metadata)
  }
}
