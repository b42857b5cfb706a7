/// MMSBKV: a KV-cache block manager with device / host / disk tiers and prefix reuse by chained
/// sequence hashes, built on MMSB's page memory layer. See docs/KV.md.
public enum MMSBKV {
    /// The version of the block manager's public API and blockset descriptor format.
    public static let version = 1
}
