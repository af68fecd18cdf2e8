// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Backprop",
    products: [
        // MARK: - Public API
        .library(name: "Backprop", targets: ["Backprop"]),
        .executable(name: "gradient-demo", targets: ["GradientDemo"]),
        .executable(name: "benchmarks", targets: ["Benchmarks"]),
    ],
    targets: [
        // MARK: - Implementation details
        // Small C kernels (matrix multiply) compiled with per-function CPU targets and a
        // runtime CPU check, so a plain `swift build -c release` reaches AVX-512 without flags.
        .target(name: "CBackpropKernels"),
        .target(
            name: "Backprop",
            dependencies: ["CBackpropKernels"],
            linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]
        ),

        // MARK: - Examples
        .executableTarget(name: "GradientDemo", dependencies: ["Backprop"], path: "Examples/GradientDemo"),
        .executableTarget(name: "Benchmarks", dependencies: ["Backprop"], path: "Examples/Benchmarks"),

        // MARK: - Unit test bundles
        .testTarget(name: "BackpropTests", dependencies: ["Backprop"]),
    ],
    swiftLanguageModes: [.v6]
)
