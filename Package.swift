// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Backprop",
    // Atomic and Mutex (Synchronization) need macOS 15 / iOS 18; Linux has no minimum.
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        // MARK: - Public API
        .library(name: "Backprop", targets: ["Backprop"]),
        .executable(name: "gradient-demo", targets: ["GradientDemo"]),
        .executable(name: "train-digits", targets: ["TrainDigits"]),
        .executable(name: "mlp-classifier", targets: ["MLPClassifier"]),
        .executable(name: "cnn-classifier", targets: ["CNNClassifier"]),
        .executable(name: "optimizer-comparison", targets: ["OptimizerComparison"]),
        .executable(name: "gradient-descent-variants", targets: ["GradientDescentVariants"]),
        .executable(name: "benchmarks", targets: ["Benchmarks"]),
        .executable(name: "backprop-explorer", targets: ["BackpropExplorer"]),
        .executable(name: "char-model", targets: ["CharModel"]),
    ],
    targets: [
        // MARK: - Implementation details
        // Small C kernels (matrix multiply) compiled with per-function CPU targets and a
        // runtime CPU check, so a plain `swift build -c release` reaches AVX-512 without flags.
        .target(name: "CBackpropKernels"),
        // The layers of the framework, each a module that sees only the ones below it:
        // values <- autograd <- nn <- data <- training. `Backprop` re-exports them all.
        .target(
            name: "BackpropTensor",
            dependencies: ["CBackpropKernels"],
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),
        .target(name: "BackpropAutograd", dependencies: ["BackpropTensor"]),
        .target(name: "BackpropNN", dependencies: ["BackpropAutograd"]),
        .target(name: "BackpropData", dependencies: ["BackpropNN"]),
        .target(name: "BackpropTraining", dependencies: ["BackpropData"]),
        .target(
            name: "Backprop",
            dependencies: ["BackpropTensor", "BackpropAutograd", "BackpropNN", "BackpropData", "BackpropTraining"]
        ),

        // MARK: - Examples
        .executableTarget(name: "GradientDemo", dependencies: ["Backprop"], path: "Examples/GradientDemo"),
        .executableTarget(name: "TrainDigits", dependencies: ["Backprop", "MLPClassifierCore"], path: "Examples/TrainDigits"),
        // The classifier's logic (and the bundled 8x8 digits) as a library, so tests can run it.
        .target(
            name: "MLPClassifierCore", dependencies: ["Backprop"], path: "Examples/MLPClassifierCore",
            resources: [.copy("Resources/digits")]
        ),
        .executableTarget(name: "MLPClassifier", dependencies: ["MLPClassifierCore"], path: "Examples/MLPClassifier"),
        .executableTarget(name: "CNNClassifier", dependencies: ["MLPClassifierCore"], path: "Examples/CNNClassifier"),
        // The small examples' command-line handling (--help, options with values, errors).
        .target(name: "ExampleSupport", path: "Examples/ExampleSupport"),
        // The optimizer comparison's surfaces and runs, shared with the explorer's race.
        .target(name: "OptimizerComparisonCore", dependencies: ["Backprop"], path: "Examples/OptimizerComparisonCore"),
        .executableTarget(
            name: "OptimizerComparison", dependencies: ["Backprop", "OptimizerComparisonCore", "ExampleSupport"],
            path: "Examples/OptimizerComparison"
        ),
        // The explorer page's data (and its HTML template) as a library, so tests can check it.
        .target(
            name: "ExplorerCore", dependencies: ["Backprop", "OptimizerComparisonCore"], path: "Examples/ExplorerCore",
            resources: [.copy("Resources/explorer.html")]
        ),
        .executableTarget(
            name: "BackpropExplorer", dependencies: ["ExplorerCore", "ExampleSupport"], path: "Examples/BackpropExplorer"
        ),
        .executableTarget(
            name: "GradientDescentVariants", dependencies: ["Backprop", "MLPClassifierCore", "ExampleSupport"],
            path: "Examples/GradientDescentVariants"
        ),

        // MARK: - Benchmarks (the workloads W1... of docs/performance.md)
        .executableTarget(name: "Benchmarks", dependencies: ["Backprop", "CharModelCore", "CBackpropKernels"], path: "Benchmarks"),
        // The character-level language model (W8) as a library, with the bundled names list.
        .target(
            name: "CharModelCore", dependencies: ["Backprop"], path: "Examples/CharModelCore",
            exclude: ["Resources/README.md"], resources: [.copy("Resources/names.txt")]
        ),
        .executableTarget(name: "CharModel", dependencies: ["CharModelCore"], path: "Examples/CharModel"),

        // MARK: - Unit test bundles
        .testTarget(name: "BackpropTests", dependencies: ["Backprop"], exclude: ["cnn_reference.py", "w7_trajectory_reference.py"]),
        .testTarget(name: "ExampleTests", dependencies: ["MLPClassifierCore", "ExplorerCore", "CharModelCore"]),
    ],
    swiftLanguageModes: [.v6]
)
