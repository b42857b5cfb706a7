import MMSBKV
import Testing

/// Configuration builders and their validation.
@Suite struct KVManagerConfigTests {
    private func invalid(_ field: String, _ value: String, _ requirement: String) -> KVBlockManagerError {
        .invalidConfiguration(field: field, value: value, requirement: requirement)
    }

    @Test func modelFieldsAreRangeChecked() {
        let base = KVBlockManagerConfigurationBuilder().device(KVManagerLayoutConfiguration(numBlocks: 4, storage: .null))
        let cases: [(KVManagerModelConfiguration, KVBlockManagerError)] = [
            (KVManagerModelConfiguration(numLayers: 0), invalid("numLayers", "0", "it must be in 1...128")),
            (KVManagerModelConfiguration(numLayers: 129), invalid("numLayers", "129", "it must be in 1...128")),
            (KVManagerModelConfiguration(outerDim: 3), invalid("outerDim", "3", "it must be in 1...2")),
            (KVManagerModelConfiguration(outerDim: 0), invalid("outerDim", "0", "it must be in 1...2")),
            (KVManagerModelConfiguration(pageSize: 0), invalid("pageSize", "0", "it must be in 1...1024")),
            (KVManagerModelConfiguration(pageSize: 1025), invalid("pageSize", "1025", "it must be in 1...1024")),
            (KVManagerModelConfiguration(innerDim: 0), invalid("innerDim", "0", "it must be in 1...32768")),
        ]
        for (model, error) in cases {
            #expect(throws: error) { try base.model(model).build() }
        }
    }

    @Test func tiersAreChecked() {
        let model = ManagerFixture.model
        #expect(throws: invalid("tiers", "none", "configure at least one of device, host, disk")) {
            try KVBlockManagerConfigurationBuilder().model(model).build()
        }
        #expect(throws: invalid("host.numBlocks", "0", "it must be in 1...2147483646")) {
            try KVBlockManagerConfigurationBuilder().model(model).host(KVManagerLayoutConfiguration(numBlocks: 0, storage: .system)).build()
        }
        #expect(throws: invalid("device.alignment", "3", "it must be a power of two up to 2097152")) {
            try KVBlockManagerConfigurationBuilder().model(model).device(KVManagerLayoutConfiguration(numBlocks: 1, alignment: 3, storage: .null)).build()
        }
        #expect(throws: invalid("diskFilter.threshold", "0", "it must be at least 1")) {
            try KVBlockManagerConfigurationBuilder().model(model).device(KVManagerLayoutConfiguration(numBlocks: 1, storage: .null))
                .diskFilter(FrequencyFilter.Configuration(threshold: 0)).build()
        }
        #expect(throws: invalid("diskFilter.flushInterval", "0", "it must be at least 1")) {
            try KVBlockManagerConfigurationBuilder().model(model).device(KVManagerLayoutConfiguration(numBlocks: 1, storage: .null))
                .diskFilter(FrequencyFilter.Configuration(flushInterval: 0)).build()
        }
    }

    @Test func aValidConfigBuildsEveryTier() throws {
        let manager = try ManagerFixture.manager(device: 4, host: 6, disk: 8)
        #expect(manager.device?.pool.total == 4)
        #expect(manager.host?.pool.total == 6)
        #expect(manager.disk?.pool.total == 8)
        #expect(manager.blockSize == 4)
        #expect(manager.workerID == 0)
        #expect(manager.device?.blocks.layout.blockDataSize == 2 * 2 * 4 * 8 * 2)
        #expect(throws: KVBlockManagerError.tierNotConfigured(.disk)) {
            try ManagerFixture.manager(device: 4, host: 4).tier(.disk)
        }
    }

    @Test func managerErrorsDescribeThemselves() {
        #expect(KVBlockManagerError.tierNotConfigured(.host).description == "the block manager has no host tier")
        #expect(KVBlockManagerError.invalidConfiguration(field: "pageSize", value: "0", requirement: "it must be in 1...1024").description
            == "invalid block manager configuration: pageSize is 0; it must be in 1...1024")
    }
}
