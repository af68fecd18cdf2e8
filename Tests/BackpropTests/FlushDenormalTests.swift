import Foundation
import Testing
import Backprop

/// `setFlushDenormal` (PyTorch's `torch.set_flush_denormal`), checked in child processes: the
/// mode is global to the thread pool, so it must not leak into tests running beside these.
@Suite struct FlushDenormalTests {
    /// 1e-30 · 1e-10 = 1e-40 is subnormal in Float. 2^20 elements are split over the worker
    /// threads, so the workers' mode is checked as well as the calling thread's.
    static func products() -> (subnormal: Int, zero: Int) {
        Threading.threadCount = 2
        let n = 1 << 20
        let a = Tensor(Array(repeating: Float(1e-30), count: n)), b = Tensor(Array(repeating: Float(1e-10), count: n))
        let p = (a * b).scalars(as: Float.self)
        return (p.filter { $0.isSubnormal }.count, p.filter { $0 == 0 }.count)
    }

    @Test func defaultKeepsSubnormals() async {
        await #expect(processExitsWith: .success) {
            let (subnormal, zero) = FlushDenormalTests.products()
            if subnormal != 1 << 20 || zero != 0 { exit(1) }
        }
    }

    @Test func flushingMakesThemZeroOnEveryThread() async {
        await #expect(processExitsWith: .success) {
            guard setFlushDenormal(true) else { exit(0) }   // a CPU without the mode: nothing to check
            let (subnormal, zero) = FlushDenormalTests.products()
            if subnormal != 0 || zero != 1 << 20 { exit(1) }
            setFlushDenormal(false)
            let (again, _) = FlushDenormalTests.products()
            if again != 1 << 20 { exit(2) }
        }
    }
}
