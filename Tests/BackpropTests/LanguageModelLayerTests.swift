import Foundation
import Testing
@testable import Backprop

/// Embedding, LayerNorm and scaled dot-product attention: values and gradients against PyTorch
/// float64 (the arrays in ``LanguageModelReferences``, printed by
/// Tests/Interop/lm_layer_references.py), finite differences of first and second order
/// (`GradientCheck`), and the layers' misuse errors and state-dict names.
@Suite struct LanguageModelLayerTests {
    /// The script's inputs: `(((i * 37 + seed * 11) % 23) - 11) / 8`, exact binary fractions.
    static func ramp(_ shape: [Int], _ seed: Int) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor((0..<n).map { Double((($0 * 37 + seed * 11) % 23) - 11) / 8 }, shape: shape)
    }

    /// `out` and the gradients of `Σ out ⊙ ramp(out.shape, seed)` with respect to `inputs`.
    static func gradients(_ out: Variable, _ inputs: [Variable], seed: Int) -> [[Double]] {
        (out * Variable(ramp(out.shape, seed))).sum().backward()
        return inputs.map { $0.grad!.scalars(as: Double.self) }
    }

    static func expectClose(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12, _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.count == b.count, "\(what): \(a.count) values, PyTorch has \(b.count)", sourceLocation: sourceLocation)
        for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= tolerance * max(1, abs(y))) {
            Issue.record("\(what)[\(i)] = \(x), PyTorch \(y)", sourceLocation: sourceLocation)
            return
        }
    }

    // MARK: - Embedding

    @Test func embeddingMatchesPyTorchWithRepeatsAndPadding() {
        let indices = [3, 0, 3, 6, 3, 1]   // row 3 three times
        for (padding, reference) in [(nil, LanguageModelReferences.embeddingGrad), (3, LanguageModelReferences.embeddingPaddedGrad)] {
            let w = Variable(Self.ramp([7, 5], 1), requiresGrad: true)
            let out = embedding(indices, shape: [2, 3], weight: w, paddingIndex: padding)
            #expect(out.shape == [2, 3, 5])
            #expect(out.value.slice(axis: 0, 1..<2).reshaped([3, 5]).isApproximatelyEqual(to: w.value.gatherRows([6, 3, 1]), rtol: 0, atol: 0))
            Self.expectClose(Self.gradients(out, [w], seed: 2)[0], reference, "embedding grad (padding \(String(describing: padding)))")
        }
    }

    @Test func embeddingGradientChecks() {
        let indices = [4, 0, 4, 2, 4]
        let first = GradientCheck.run(inputs: [Self.ramp([5, 3], 1)]) { embedding(indices, weight: $0[0]) }
        #expect(first.passed, "\(first)")
        // Linear in the table, so the second derivative of a smooth function of it goes through tanh only.
        let second = GradientCheck.runSecondOrder(inputs: [Self.ramp([5, 3], 2)]) {
            embedding(indices, shape: [5], weight: $0[0], paddingIndex: 2).tanh()
        }
        #expect(second.passed, "\(second)")
    }

    @Test func embeddingLayer() {
        var g = SplitMix64(seed: 5)
        let layer = Embedding(numEmbeddings: 6, embeddingDim: 4, paddingIndex: -2, generator: &g)
        #expect(layer.paddingIndex == 4)
        #expect(layer.weight.value.slice(axis: 0, 4..<5).scalars(as: Float.self) == [0, 0, 0, 0])
        #expect(layer.namedParameters.map(\.name) == ["weight"])
        let out = layer([[1, 4], [5, 1]])
        #expect(out.shape == [2, 2, 4])
        // Indices held in a Variable (so the table can sit in a Sequential) give the same rows.
        let fromVariable = layer(Variable(Tensor([1, 4, 5, 1] as [Float], shape: [2, 2])))
        #expect(fromVariable.value.isApproximatelyEqual(to: out.value, rtol: 0, atol: 0))
        out.sum().backward()
        let grad = layer.weight.grad!
        #expect(grad.slice(axis: 0, 1..<2).scalars(as: Float.self) == [2, 2, 2, 2])
        #expect(grad.slice(axis: 0, 4..<5).scalars(as: Float.self) == [0, 0, 0, 0])
    }

    // MARK: - LayerNorm

    @Test func layerNormMatchesPyTorch() {
        let x = Variable(Self.ramp([3, 4, 5], 3) * 1.5 + Self.ramp([3, 4, 5], 4), requiresGrad: true)
        let w = Variable(Self.ramp([4, 5], 5) + 2, requiresGrad: true)
        let b = Variable(Self.ramp([4, 5], 6), requiresGrad: true)
        let out = x.layerNorm([4, 5], weight: w, bias: b)
        Self.expectClose(out.value.scalars(as: Double.self), LanguageModelReferences.layerNormValue, "layerNorm value")
        let grads = Self.gradients(out, [x, w, b], seed: 7)
        Self.expectClose(grads[0], LanguageModelReferences.layerNormGradX, "layerNorm dx")
        Self.expectClose(grads[1], LanguageModelReferences.layerNormGradW, "layerNorm dweight")
        Self.expectClose(grads[2], LanguageModelReferences.layerNormGradB, "layerNorm dbias")

        let plain = Variable(Self.ramp([2, 7], 8), requiresGrad: true)
        let y = plain.layerNorm([7])
        Self.expectClose(y.value.scalars(as: Double.self), LanguageModelReferences.layerNormPlainValue, "layerNorm value, no affine")
        Self.expectClose(Self.gradients(y, [plain], seed: 9)[0], LanguageModelReferences.layerNormPlainGrad, "layerNorm dx, no affine")
    }

    @Test func layerNormGradientChecks() {
        let inputs = [Self.ramp([2, 3, 5], 1) * 0.7 + Self.ramp([2, 3, 5], 2), Self.ramp([3, 5], 3) + 1.5, Self.ramp([3, 5], 4)]
        let f: ([Variable]) -> Variable = { $0[0].layerNorm([3, 5], weight: $0[1], bias: $0[2]) }
        let first = GradientCheck.run(inputs: inputs, f)
        #expect(first.passed, "\(first)")
        let second = GradientCheck.runSecondOrder(inputs: inputs, f)
        #expect(second.passed, "\(second)")
        let oneAxis = GradientCheck.runSecondOrder(inputs: [Self.ramp([3, 7], 5)]) { $0[0].layerNorm([7]) }
        #expect(oneAxis.passed, "\(oneAxis)")
    }

    @Test func layerNormLayerAndFloat32() {
        let norm = LayerNorm([5])
        #expect(norm.namedParameters.map(\.name) == ["weight", "bias"])
        #expect(LayerNorm([5], bias: false).namedParameters.map(\.name) == ["weight"])
        #expect(LayerNorm([5], elementwiseAffine: false).namedParameters.isEmpty)
        let x = Variable(Tensor([1, 2, 3, 4, 10, 0, 0, 0, 0, 5] as [Float], shape: [2, 5]))
        let y = norm(x).value
        for row in 0..<2 {
            let r = y.slice(axis: 0, row..<(row + 1)).scalars(as: Float.self).map(Double.init)
            let mean = r.reduce(0, +) / 5
            let variance = r.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
            #expect(abs(mean) < 1e-6 && abs(variance - 1) < 1e-3)
        }
    }

    // MARK: - Attention

    @Test func attentionMatchesPyTorch() {
        let q = Variable(Self.ramp([2, 3, 4], 10), requiresGrad: true)
        let k = Variable(Self.ramp([2, 5, 4], 11), requiresGrad: true)
        let v = Variable(Self.ramp([2, 5, 3], 12), requiresGrad: true)
        var mask = Self.ramp([3, 5], 13) / 2
        for (i, j) in [(0, 1), (2, 4), (1, 0)] { mask[i, j] = -.infinity }
        let out = scaledDotProductAttention(q, k, v, mask: mask)
        #expect(out.shape == [2, 3, 3])
        Self.expectClose(out.value.scalars(as: Double.self), LanguageModelReferences.attentionValue, "attention value")
        let grads = Self.gradients(out, [q, k, v], seed: 14)
        Self.expectClose(grads[0], LanguageModelReferences.attentionGradQ, "attention dq")
        Self.expectClose(grads[1], LanguageModelReferences.attentionGradK, "attention dk")
        Self.expectClose(grads[2], LanguageModelReferences.attentionGradV, "attention dv")
    }

    @Test func causalAttentionMatchesPyTorch() {
        let q = Variable(Self.ramp([2, 4, 4], 15), requiresGrad: true)
        let k = Variable(Self.ramp([2, 4, 4], 16), requiresGrad: true)
        let v = Variable(Self.ramp([2, 4, 4], 17), requiresGrad: true)
        let out = scaledDotProductAttention(q, k, v, causal: true, scale: 0.3)
        Self.expectClose(out.value.scalars(as: Double.self), LanguageModelReferences.causalValue, "causal value")
        let grads = Self.gradients(out, [q, k, v], seed: 18)
        Self.expectClose(grads[0], LanguageModelReferences.causalGradQ, "causal dq")
        Self.expectClose(grads[1], LanguageModelReferences.causalGradK, "causal dk")
        Self.expectClose(grads[2], LanguageModelReferences.causalGradV, "causal dv")
        #expect(causalAttentionMask(queries: 2, keys: 3, dtype: .float64).scalars(as: Double.self) == [0, -.infinity, -.infinity, 0, 0, -.infinity])
    }

    @Test func attentionGradientChecks() {
        let inputs = [Self.ramp([2, 3, 4], 1) * 0.5, Self.ramp([2, 5, 4], 2) * 0.5, Self.ramp([2, 5, 3], 3)]
        var mask = Tensor.zeros([3, 5], dtype: .float64)
        mask[1, 2] = -.infinity
        let masked: ([Variable]) -> Variable = { scaledDotProductAttention($0[0], $0[1], $0[2], mask: mask) }
        let first = GradientCheck.run(inputs: inputs, masked)
        #expect(first.passed, "masked: \(first)")
        let second = GradientCheck.runSecondOrder(inputs: inputs, masked)
        #expect(second.passed, "masked: \(second)")
        let selfInputs = [Self.ramp([1, 2, 4, 3], 4) * 0.5, Self.ramp([1, 2, 4, 3], 5) * 0.5, Self.ramp([1, 2, 4, 3], 6)]
        let causal = GradientCheck.runSecondOrder(inputs: selfInputs) { scaledDotProductAttention($0[0], $0[1], $0[2], causal: true) }
        #expect(causal.passed, "causal, 4-d (batch, heads): \(causal)")
    }

    // MARK: - Misuse

    static func failureMessage(_ result: ExitTest.Result?) -> String {
        String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
    }

    @Test func embeddingIndexOutOfRangeNamesIndexPositionAndTable() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var g = SplitMix64(seed: 1)
            _ = Embedding(numEmbeddings: 27, embeddingDim: 10, generator: &g)([0, 5, 27])
        }
        #expect(Self.failureMessage(result).contains("embedding: index 27 at position 2 is out of range for a table of 27 rows (weight [27, 10])"))
    }

    @Test func layerNormShapeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = LayerNorm([4, 5])(Variable(Tensor.zeros([2, 5, 4])))
        }
        #expect(Self.failureMessage(result).contains("layerNorm: input of shape [2, 5, 4] does not end in the normalised shape [4, 5]"))
    }

    @Test func attentionShapesThatDoNotFit() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = scaledDotProductAttention(Variable(Tensor.zeros([2, 3, 4])), Variable(Tensor.zeros([2, 5, 4])), Variable(Tensor.zeros([2, 6, 3])))
        }
        #expect(Self.failureMessage(result).contains("value [..., S, Ev] = [2, 6, 3] do not fit"))
    }
}

/// Printed by Tests/Interop/lm_layer_references.py (PyTorch 2.15, float64).
enum LanguageModelReferences {
    static let embeddingGrad: [Double] = [-1.375, 0.375, -0.75, 1.0, -0.125, -0.875, 0.875, -0.25, -1.375, 0.375, 0.0, 0.0, 0.0, 0.0, 0.0, -0.875, 1.5, -1.875, 3.375, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.125, 0.625, -0.5, 1.25, 0.125]
    static let embeddingPaddedGrad: [Double] = [-1.375, 0.375, -0.75, 1.0, -0.125, -0.875, 0.875, -0.25, -1.375, 0.375, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -1.125, 0.625, -0.5, 1.25, 0.125]
    static let layerNormValue: [Double] = [2.747695304626912, -0.9590519025449828, -1.651196391449814, 0.41643612814529785, 2.9382267137227616, 3.501464092070842, -0.8207174910657479, -0.87007496507412, 0.8966785262715856, 4.0612561267455085, -0.7092710866004333, -0.6140014822571022, -0.020571941369015294, 1.445302521727284, 5.252667137097665, -3.008294452212971, -0.33890387611904604, 0.8973126796654998, 2.0623081145123927, -6.22703183768995, 0.14237691181281162, -0.313996099608688, 1.050808266700203, 1.84404368083373, -5.5534901678198265, 0.7513003123862014, -0.030151013924292903, 2.029138843283814, 2.4972959425283463, -4.715534318120099, 1.4341051481616354, 0.3275755069621465, 3.0813508550694695, -0.8538255837278353, -3.803697033218328, -0.6842085808608863, 0.75918346305063, 4.207444302057168, -0.3926650535585341, -2.8179783131145126, 2.280216756385977, 0.44941468201240176, -5.71639721032998, -0.023335934706415484, -1.8791873520118294, 3.0402912742461248, 0.8853212325193419, -5.096304314735989, 0.44204043101445256, -0.8907217662437397, 3.874040330141093, 1.394902321061102, -4.40253688110718, 0.9810913347701408, 0.17141835755917015, 1.9064639240708807, -0.7330650520436921, -3.63509490944355, 1.5938167765606488, 1.3072330193969]
    static let layerNormGradX: [Double] = [-1.3411665611270405, 0.7956630507444199, 0.13104475386127956, -1.3640027845357858, 1.4588403823810117, -1.2670759079454434, -0.9491967850363038, 0.3418986017016974, -1.3993226870812459, 1.8064574248802505, -0.3374009560693891, -1.0939272433088205, 0.5801050884738798, -1.4072899506949414, 2.181427106311254, -0.20860502502426376, -1.2113050626495732, 0.8456642141778262, -1.387904575376873, 3.826096916318062, 0.7071612718210951, -0.14637593348015615, 0.7943473478826429, -1.3890556910554046, 5.457969429187604, 0.6654933388717693, -0.45401703315684133, 0.9004422853374058, -1.5489339203280013, -2.784537811188634, 0.6533779800032611, -0.7321055587527088, 1.0360897968729863, 0.8791548599621998, -2.8409820311783682, 0.6708151952155706, -0.9806415102677584, 1.201289882489384, 0.7783817788512386, -2.867873677087285, 1.0535259681147533, -0.28583944394353833, 3.4035588879378484, 0.43390606032755724, -2.5557690037107013, 1.2821054830963723, -0.3224882658872712, 3.779487478989107, 0.5446063144534642, -2.371394211549974, 1.540154813291919, -0.3296672726170761, -2.932074488909314, 0.6847763837932992, -2.157549604175319, 1.8276739587013937, 0.30091499771752717, -2.8361091423903715, 0.8544162683470622, -1.9142351815867364]
    static let layerNormGradW: [Double] = [-0.0053303728670029416, -1.967052171834983, -1.7848165939999057, -0.28455198742246907, -0.8536377514110048, 0.34942800574049787, 1.5346643002725415, -1.1732800227165772, -0.45368928915066375, 3.4738391550796535, 1.234679302629562, 0.8406795912394198, 3.5176868936789845, -0.0670344183831802, 3.1743255546425866, 1.7067574746543237, 0.7015353277327444, 3.7138414186944324, -0.1441511809082289, -1.6275806909575325]
    static let layerNormGradB: [Double] = [0.375, -0.125, 2.25, -1.125, 1.25, 0.75, -2.625, 2.625, -0.75, -1.25, 1.125, -2.25, 0.125, -0.375, -0.875, 1.5, -1.875, 0.5, 0.0, -0.5]
    static let layerNormPlainValue: [Double] = [1.1449747514624444, -0.26940582387351636, -1.6837863992094773, 0.5163611624242396, -0.898019412911721, 1.3021281487219953, -0.11225242661396519, -1.3462407778597507, 0.7151904132379926, -0.6100153524676997, 1.451415838630044, 0.12621007292435163, -1.1989956927813405, 0.8624354983164029]
    static let layerNormPlainGrad: [Double] = [-0.31336586609941147, 1.1368296558380018, -1.027502959194262, -1.2752914727804177, 0.1749040491569957, -0.07288446442915991, 1.3773110575082534, -0.11987111812501683, -0.35964808809651433, 1.0040074486006756, 0.764230478629178, -1.258750941477068, 0.10490459522012158, -0.13487237475137576]
    static let attentionValue: [Double] = [-0.6378488019147613, -0.12785805937535588, -0.012848801914761399, -0.5880531638976078, -0.2460952268054205, 0.03694683610239219, 0.06189194990925889, -0.5341846787046886, 0.6868919499092588, -0.26550182193720206, 0.1780623468505209, 0.048658042345512506, -0.1348860549842299, 0.3185659491157522, 0.4901139450157701, 0.5588650012505151, -0.3993338776597025, 1.078664852838436]
    static let attentionGradQ: [Double] = [0.13051256427666677, 0.25984364984729147, 0.13051256427666677, -0.22109003938298735, 0.2889066969259583, 0.004133250664566417, 0.2889066969259583, 0.004133250664566456, -0.01754713009966297, -0.11870072704031105, -0.017547130099663008, -0.13056273156443837, -0.06084695776821778, -0.04069804559355593, -0.060846957768217774, -0.06084695776821778, -0.3577892683264956, 0.03667083490970465, 0.4222369646779227, -0.3577892683264956, -0.07573236742587836, -0.0717798935680594, 0.0902708658695873, -0.07573236742587833]
    static let attentionGradK: [Double] = [0.14843408011775916, -0.04439901743831279, -0.22537011047025748, 0.06273048120394942, -0.2096768760004803, 0.2725609265742099, -0.2101521816608423, -0.20929663147219066, 0.03238166153298835, 0.14622423010287985, -0.352499626372281, -0.13904422958273852, 0.11361844605264843, -0.18425302411642097, 0.299206567203508, 0.0686128175884605, -0.08475731170291571, -0.1901331151223559, 0.4888153512998727, 0.21699756226251915, 0.14790791898496525, -0.021498442983272657, -0.023194252238135427, -0.020556326730571124, -0.11330703475019743, 0.2568784085845398, -0.15296238108514132, 0.051219828954130235, 0.29236233132479367, -0.07891493203491189, 0.06661610759421285, -0.30070868190767375, -0.045757280152170114, -0.1029003431099343, 0.07796108316180625, 0.010824492165886535, -0.28120593540739147, -0.053564690456420934, 0.031579442567257664, 0.25922068751822813]
    static let attentionGradV: [Double] = [0.053422363875985396, 0.024026779211596322, 0.16895139781000298, -0.22559978660744998, 0.6940394451683879, 0.3552610460340876, 0.19695387770402736, -0.3014371208300477, 0.5862440000376796, 0.01595889311055597, 0.09630678126898495, 0.2651674949036801, 0.3342646519168813, -0.6379358848189216, 0.8743760612145496, -0.05801216359671146, 0.09002960006995296, -0.07276877198066796, 0.4643128753382495, -0.0006836713020162144, -1.2774802651121862, -0.4820175700939029, 0.3596321550266621, -0.27906176407787775, -0.4310599893423304, 0.18590932363200752, -0.3179430982663555, -0.7432231523053044, 0.49011259257339346, -0.30274610056291235]
    static let causalValue: [Double] = [-1.0, 0.75, -0.375, 1.375, -0.6634390769955857, 0.3124708000942614, -0.03843907699558572, 0.9374708000942614, -0.1915256949261179, -0.43509096058928437, 0.4334743050738822, 0.18990903941071574, -0.8403242104562413, 0.08693921316587988, -0.21532421045624128, 0.71193921316588, 1.125, 0.0, -1.125, 0.625, 0.3429544758026197, 0.6015734801518308, -0.523426519848169, -0.1570455241973802, 0.0711696072187173, 0.6915754595717739, 0.08251644403169599, -0.4288303927812827, 0.4115507670450406, 0.10769588271146464, 0.4797562713452407, -0.08844923295495936]
    static let causalGradQ: [Double] = [0.0, 0.0, 0.0, 0.0, 0.4780888112176659, -0.36776062401358917, 0.4780888112176659, -0.36776062401358917, -0.29897485111640965, 0.29359592637527937, -0.2989748511164097, 0.2935959263752793, -0.006866102677385806, -0.07315440637032997, 0.12230460176769983, -0.07315440637033, 0.0, 0.0, 0.0, 0.0, -0.38032429321360817, -0.3803242932136083, 0.4944215811776906, -0.38032429321360817, 0.43819430572289125, 0.03795875882456004, -0.4495819333702592, 0.4381943057228913, -0.24336378804573047, 0.42045916853343573, -0.051941430871896004, -0.2433637880457305]
    static let causalGradK: [Double] = [0.24811279600995104, -0.3371924326185303, 0.39722425621826796, -0.18808097241021338, -0.36796765567872414, 0.34965106324307754, -0.437438734251009, 0.28017998467079275, 0.1198548596687732, -0.06300368888566772, 0.06829506595558574, -0.11456348259885518, 0.0, 0.05054505826112049, -0.028080587922844714, 0.022464470338275772, -0.2022880758148773, 0.3804966827376806, 0.3192683543648487, -0.22950066620280263, 0.4342263234725633, -0.5621363458209244, -0.492330783549279, 0.4652510178155168, -0.2949820246853616, 0.26569803245347795, 0.16255513301315122, -0.34082331332550675, 0.06304377702767545, -0.08405836937023393, 0.010507296171279242, 0.10507296171279241]
    static let causalGradV: [Double] = [-0.1173640324130818, -0.5125465034058796, 0.3008813362041841, 0.8741714677511453, -0.16775518559740188, -0.6285858131865982, 0.1300587019772192, 0.05748127042415124, 0.4712134004705923, -0.1277582651615115, -0.2798153841494901, 0.20500377130076838, 0.1889058175398915, 0.01889058175398915, -0.1511246540319132, 0.11334349052393489, 0.01564895535793885, 1.33771699285633, -0.2720736371324999, -0.9472777671703411, 0.03651270120838564, 0.3983648280779399, -0.5784653445388799, -0.5784000656731708, 0.12576502816415533, -0.14599017684736976, 0.5633740223149593, -0.2243221671564878, 0.07207331526952031, -0.09009164408690039, 0.1621649593564207, 0.0]
}
