import Testing
import Backprop
@testable import BackpropTensor
@testable import BackpropAutograd
@testable import BackpropNN
@testable import BackpropData
@testable import BackpropTraining

/// `parallelFor` runs on a pool of persistent workers (`thread_pool.c`): every index must run
/// exactly once, also when calls nest or come from several threads at once (those run on the
/// calling thread), and the kernels built on it must give the same results as a plain loop.
struct ThreadPoolTests {
    /// How many times `parallelFor(count)` ran each index (forced past the size threshold).
    func visits(_ count: Int, nested: Bool = false) -> [Int] {
        let seen = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
        defer { seen.deallocate() }
        seen.initialize(repeating: 0)
        let base = seen.baseAddress!
        parallelFor(count, costPerItem: 1 << 15) { i in
            if nested {
                // A call from inside a job runs all its indices on the calling thread.
                var inner = 0
                parallelFor(3, costPerItem: 1 << 15) { _ in inner += 1 }
                base[i] += inner == 3 ? 1 : 100
            } else {
                base[i] += 1
            }
        }
        return Array(seen)
    }

    @Test func everyIndexRunsExactlyOnce() {
        for count in [1, 2, 3, 7, 64, 1000] {
            for _ in 0..<20 { #expect(visits(count) == Array(repeating: 1, count: count)) }
        }
    }

    @Test func nestedCallsRunOnTheCallingThread() {
        for _ in 0..<20 { #expect(visits(50, nested: true) == Array(repeating: 1, count: 50)) }
    }

    @Test func concurrentCallersEachGetEveryIndexOnce() async {
        let ok = await withTaskGroup(of: Bool.self) { group in
            for t in 0..<4 {
                group.addTask { (0..<50).allSatisfy { _ in visits(10 + t) == Array(repeating: 1, count: 10 + t) } }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        #expect(ok)
    }

    @Test func largeGatherMatchesRowByRowCopy() {
        // 300 rows of 200 floats (240 KB): large enough to be copied on several threads.
        let rows = 300, width = 200
        let source = Tensor((0..<(rows * width)).map { Float($0) }, shape: [rows, width])
        var g = SplitMix64(seed: 7)
        let indices = (0..<rows).map { _ in Int(g.next() % UInt64(rows)) }
        let gathered = source.gatherRows(indices).scalars(as: Float.self)
        let expected = indices.flatMap { r in (0..<width).map { Float(r * width + $0) } }
        #expect(gathered == expected)
    }
}
