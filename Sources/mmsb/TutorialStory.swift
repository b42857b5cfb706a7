import MMSB

/// The rules the demo's pages use, by name, so that `mmsb verify --recompute` can run them again.
enum DemoRules {
    static let monitorName = "demo.monitor"
    static let pageSize = 32

    /// `"derived=" + the derived page's text`, cut or zero-padded to the page's size.
    static let monitor = RecomputeRule.function(name: monitorName) { inputs in
        let text = inputs.isEmpty ? [] : Array(inputs[0].bytes.prefix { $0 != 0 })
        return padded(Array("derived=".utf8) + text, to: inputs.pageSize)
    }

    /// The standard rules plus the demo's.
    static let registry = RuleRegistry.standard.merging(RuleRegistry([monitorName: monitor]))

    static func padded(_ bytes: [UInt8], to size: Int) -> [UInt8] {
        Array(bytes.prefix(size)) + [UInt8](repeating: 0, count: max(0, size - bytes.count))
    }
}

/// The third part of `mmsb demo`: the original tutorial (source → derived → monitor) in the demo's store.
enum TutorialStory {
    static let messages = ["alpha-page-epoch1", "beta-page-epoch2", "gamma-page-epoch3"]

    static func run(in directory: String, printing out: inout some TextOutputStream) throws {
        let options = StoreOptions(createIfMissing: false, checkpointOnClose: false, keepHistory: true)
        let bus = try StateBus.open(at: directory, options: options)
        let size = DemoRules.pageSize
        let source = try bus.createPage(size: size, metadata: ["name": Array("source".utf8)])
        let derived = try bus.createPage(size: size, metadata: ["name": Array("derived".utf8)])
        let monitor = try bus.createPage(size: size, metadata: ["name": Array("monitor".utf8)])
        try bus.addEdge(from: source, to: derived, type: .data)
        try bus.addEdge(from: derived, to: monitor, type: .data)
        try bus.setRule(named: "passthrough", from: DemoRules.registry, for: derived)
        try bus.setRule(named: DemoRules.monitorName, from: DemoRules.registry, for: monitor)
        print(
            "Tutorial: pages \(source) (source) → \(derived) (derived) → \(monitor) (monitor), \(size) bytes each, joined by data edges; "
                + "derived is a passthrough of source, monitor is \"derived=\" and derived's text.", to: &out)
        for message in messages {
            let receipt = try bus.update(page: source, to: DemoRules.padded(Array(message.utf8), to: size))
            print(
                "Wrote \"\(message)\" to source: derived = \(quoted(try bus.read(page: derived))), "
                    + "monitor = \(quoted(try bus.read(page: monitor))) "
                    + "(\(receipt?.propagated ?? 0) propagation deltas, logged with the write as one record).", to: &out)
        }
        try bus.close()

        let reopened = try StateBus.open(at: directory, options: options)
        print(
            "Reopened the store without registering any rule: replay gives derived = \(quoted(try reopened.read(page: derived))) "
                + "and monitor = \(quoted(try reopened.read(page: monitor))) from the logged propagation deltas.", to: &out)
        let registration = try reopened.registerRules(from: DemoRules.registry)
        let verification = reopened.verifyRules()
        print(
            "Registered the rules named in the pages' metadata again (\(registration.registered.count) pages) and re-ran them: "
                + (verification.isConsistent
                    ? "all \(verification.matching.count) reproduce the logged bytes."
                    : "they differ from the log:\n\(verification)"), to: &out)
        try reopened.close()
    }

    private static func quoted(_ bytes: [UInt8]) -> String {
        "\"" + String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self) + "\""
    }
}
