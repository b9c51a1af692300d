import Testing

@testable import SeismoNN
@testable import SeismoSupport

/// FLOP counts against hand-computed ones.
struct WorkCountTests {
  @Test func autoencoderCountsTheRepeatedInputOnce() {
    // Encoder LSTM(1 → 64) over 30 steps: 30 · 8·64 · (1 + 64) = 998,400. Decoder LSTM(64 → 64)
    // on a repeated input: 8·64·64 = 32,768 once, plus 30 · 8·64·64 = 983,040. Dense(64 → 1)
    // per step: 30 · 2·64 = 3,840. Forward 2,018,048; training three times that, 6,054,144, less
    // the encoder's input gradient, which training skips: 30 · 8·64·1 = 15,360.
    let model = Architectures.lstmAutoencoder(features: 1, steps: 30, seed: 1)
    #expect(WorkCount.forwardFLOPs(model, steps: 30) == 2_018_048)
    #expect(WorkCount.trainingFLOPs(model, steps: 30) == 6_038_784)
  }

  @Test func forecasterPassesOneStepPastItsLastLSTM() {
    // LSTM(4 → 64, sequences) over 10 steps: 10 · 8·64 · 68 = 348,160; LSTM(64 → 32) over 10
    // steps: 10 · 8·32 · 96 = 245,760; Dense(32 → 4) on the last step: 2·32·4 = 256. Training:
    // three times the forward 594,176, less the first LSTM's input gradient, 10 · 8·64·4 = 20,480.
    let model = Architectures.lstmForecaster(features: 4, units: [64, 32], outputs: 4, activation: .relu, seed: 1)
    #expect(WorkCount.forwardFLOPs(model, steps: 10) == 594_176)
    #expect(WorkCount.trainingFLOPs(model, steps: 10) == 1_762_048)
  }
}
