// The one module users import. Each layer of the framework is its own SwiftPM target, so the
// compiler keeps the dependencies one-way (see docs/architecture.md):
//
//   BackpropTensor   values: Tensor, kernels (with the C kernels beneath)
//   BackpropAutograd Variable, backward, differentiable operations
//   BackpropNN       layers, losses, optimizers, schedulers
//   BackpropData     datasets, loaders, file formats (IDX, CSV, safetensors)
//   BackpropTraining training helpers, checkpoints, plotting, teaching tools
//
// `import Backprop` brings all of them.
@_exported import BackpropTensor
@_exported import BackpropAutograd
@_exported import BackpropNN
@_exported import BackpropData
@_exported import BackpropTraining
