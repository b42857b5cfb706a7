import MMSBKV
import Testing

@Test func versionIsOne() {
    #expect(MMSBKV.version == 1)
}
