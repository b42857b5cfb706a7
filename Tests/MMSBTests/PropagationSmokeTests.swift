import MMSB
import Testing

@Suite struct PropagationSmokeTests {
    static func text(_ string: String, size: Int = 32) -> [UInt8] {
        Array(Array(string.utf8).prefix(size)) + [UInt8](repeating: 0, count: max(0, size - string.utf8.count))
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) }

    @Test func theTutorialChainUpdatesTheMonitorEveryTime() throws {
        let bus = StateBus()
        let source = try bus.createPage(size: 32)
        let derived = try bus.createPage(size: 32)
        let monitor = try bus.createPage(size: 32)
        try bus.addEdge(from: source, to: derived, type: .data)
        try bus.addEdge(from: derived, to: monitor, type: .data)
        try bus.setRule(.passthrough(), for: derived)
        try bus.setRule(.function { inputs in Self.text("derived=" + Self.string(inputs[0].array)) }, for: monitor)
        for message in ["alpha-page-epoch1", "beta-page-epoch2", "gamma-page-epoch3"] {
            let receipt = try bus.update(page: source, to: Self.text(message))
            #expect(receipt?.propagated == 2)
            #expect(Self.string(try bus.read(page: derived)) == message)
            #expect(Self.string(try bus.read(page: monitor)) == "derived=" + message)
        }
    }
}
