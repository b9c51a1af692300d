// The support types (errors, seeded randomness, tensor files, training progress) are part of the
// core's interface: every plugin that imports SeismoCore sees them.
@_exported import SeismoSupport
