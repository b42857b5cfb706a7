/// Element types of KV data and their widths (the reference API's `DType`).
public enum DType: String, Hashable, Sendable, CaseIterable {
    case fp16, fp32, bf16, int8, int16, int32, int64

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .int8: return 1
        case .fp16, .bf16, .int16: return 2
        case .fp32, .int32: return 4
        case .int64: return 8
        }
    }
}
