import Foundation
import Testing

/// `mmsb kv hash`, run as a user would.
@Suite struct KVHashCommandTests {
    @Test func printsDynamoHashesPerCompleteBlock() throws {
        let run = try runMMSB(["kv", "hash", "--salt-hash", "1337", "--page-size", "4", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"])
        #expect(run.status == 0)
        #expect(run.lines == [
            "block=0 block_hash=14643705804678351452 sequence_hash=14643705804678351452",
            "block=1 block_hash=16777012769546811212 sequence_hash=4945711292740353085",
            "block=2 block_hash=483935686894639516 sequence_hash=12583592247330656132",
        ])
        #expect(run.error.isEmpty)
    }

    @Test func commaSeparatedTokensAndTheDefaultSaltOfZero() throws {
        let run = try runMMSB(["kv", "hash", "--page-size", "4", "1,2,3,4", "5,6,7,8"])
        #expect(run.status == 0)
        #expect(run.lines == [
            "block=0 block_hash=8052976908588476977 sequence_hash=8052976908588476977",
            "block=1 block_hash=13852901005659965728 sequence_hash=4185132130981121146",
        ])
        let page16 = try runMMSB(["kv", "hash"] + (0..<16).map(String.init))
        #expect(page16.lines == ["block=0 block_hash=8773583392624668237 sequence_hash=8773583392624668237"])
    }

    @Test func saltAndLoraDeriveTheSaltHash() throws {
        let tenant = try runMMSB(["kv", "hash", "--salt", "tenant-a", "--page-size", "4", "1", "2", "3", "4", "5", "6", "7", "8"])
        #expect(tenant.lines.map { $0.components(separatedBy: "sequence_hash=").last ?? "" } == ["9014295140789966647", "18355373205590363001"])
        let lora = try runMMSB(["kv", "hash", "--lora", "my-lora", "--page-size", "4", "1", "2", "3", "4"])
        #expect(lora.lines.first?.hasSuffix("sequence_hash=11828396059607531518") == true)
    }

    @Test func negativeTokensAfterTheSeparatorAreReinterpreted() throws {
        let negative = try runMMSB(["kv", "hash", "--page-size", "2", "--", "-1", "5"])
        let unsigned = try runMMSB(["kv", "hash", "--page-size", "2", "4294967295", "5"])
        #expect(negative.status == 0 && negative.lines.count == 1)
        #expect(negative.lines == unsigned.lines)
        let bare = try runMMSB(["kv", "hash", "--page-size", "2", "-1", "5"])
        #expect(bare.lines == unsigned.lines)
    }

    @Test func aTrailingPartialBlockIsNotHashed() throws {
        let whole = try runMMSB(["kv", "hash", "--page-size", "4", "1", "2", "3", "4"])
        let longer = try runMMSB(["kv", "hash", "--page-size", "4", "1", "2", "3", "4", "5", "6", "7"])
        #expect(whole.status == 0 && whole.lines.count == 1)
        #expect(longer.lines == whole.lines)
    }

    @Test(arguments: [
        (["--page-size", "0", "1"], "--page-size must be 1 to 1024, not 0"),
        (["--page-size", "2000", "1"], "--page-size must be 1 to 1024, not 2000"),
        (["--salt-hash", "1", "--salt", "x", "1"], "give either --salt-hash or --salt / --lora, not both"),
        (["--page-size", "4", "1", "two"], "'two' is not a token"),
        (["--page-size", "4", "4294967296"], "'4294967296' is not a token"),
        (["--salt-hash", "-5", "1"], "--salt-hash"),
        (["--page-size", "4", "--bogus", "1"], "--bogus"),
        (["--page-size", "4", "1", "2", "3"], "3 tokens make no complete block of --page-size 4: give at least 4 tokens"),
        ([], "0 tokens make no complete block of --page-size 16"),
        (["--page-size", "-3", "1"], "--page-size must be 1 to 1024, not -3"),
    ])
    func badInputIsOneErrorLine(arguments: [String], message: String) throws {
        let run = try runMMSB(["kv", "hash"] + arguments)
        #expect(run.status == 64)
        let lines = run.error.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("Error: ") == true)
        #expect(run.error.contains(message), "\(run.error)")
        #expect(run.output.isEmpty)
    }
}
