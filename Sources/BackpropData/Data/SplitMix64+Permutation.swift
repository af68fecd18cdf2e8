import BackpropTensor
import BackpropAutograd
import BackpropNN
extension SplitMix64 {
    /// A random permutation of `0..<n` by Fisher–Yates, the order every peer uses:
    /// `for i in n-1 down to 1: j = next() % (i+1); swap(p[i], p[j])`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        var i = n - 1
        while i >= 1 {
            let j = Int(next() % UInt64(i + 1))
            p.swapAt(i, j)
            i -= 1
        }
        return p
    }
}
