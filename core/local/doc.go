// Package local holds the numerics of seed 001 ("Local mechanisms of compositional
// generalization in conditional diffusion", SPEC §13) on the object scenes of core/scene: a
// strip of S cells, each empty or holding one of T templates, plus pixel noise σ0.
//
//   - Location-conditioned training data (data.go): scenes with 1…M objects (scene.Data), each
//     with a conditioner c ∈ {0,1}^S that marks every object's cell ("all labels", the seed's
//     Experiment 1) or the cell of one object chosen uniformly ("single label", Experiment 2).
//   - The networks (net.go): a global ε-MLP ε̂(s, x, c) over the whole scene, and the local
//     network of the seed's Experiment 3: one MLP shared by every cell i, whose output for
//     cell i is computed from the patch of cells i−k…i+k (pixels and conditioners, zero
//     outside the strip) and the cell's position; all n·S cell rows of a batch are one
//     forward pass. A patch covering the whole strip (k = S−1) is the seed's control.
//   - Training (train.go) by denoising score matching on x_s = α(s)·x0 + σ(s)·ε (SPEC §6).
//   - Length generalisation counted (count.go): every sample read by scene.Reader against the
//     K requested cells, the seed's success rule made exact, and K_max (§E.2).
//   - Locality measured (locality.go, §F): the energy radius of the denoiser's input Jacobian
//     and each conditioner's influence far from its cell. Lemma 1: the exact score of a
//     conditional projective composition — objects exactly at the requested cells, the rest
//     empty — is local: x̂0 at cell i depends on x_i and c_i only, at every noise level.
package local
