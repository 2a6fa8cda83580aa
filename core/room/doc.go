// Package room is the numerics of the "objects in a room" study (seed 000 §5.3, Appendices
// F.3 and G; SPEC §11) in miniature: procedural grayscale rooms whose sources are exact
// isotropic Gaussian mixtures, so that scores, ground truth and the class of a sample are
// all known. It does no I/O; a Spec carries json/yaml tags so that a user can write a room.
//
// # The room
//
// An image is Height×Width pixels in [−1, 1] (dark = −1): rows 0 … WallRows−1 are wall,
// the others floor. Objects (a couch, a framed painting, a coffee table, or a user's own) are
// shapes drawn with palette characters at one of a finite set of placements, painted in
// order so that later objects cover earlier ones (the table hides part of the couch). A
// class is a subset of the objects, indexed by a bitmask (bit i = object i present): with
// (couch, x) the classes are 0 empty, 1 couch, 2 x, 3 couch+x, the paper's order. A
// template is the background with a class's objects at one combination of placements.
// A source with class weights W is the mixture Σ_k W(c_k)/n_{c_k}·N(μ_k, σ0² I) over all
// templates μ_k (n_c templates in class c: placements uniform within a class).
//
// The built-in room is 16×16 = 256 pixels. It is the smallest size at which the objects
// have shape — an 8×5 couch with back, arms, seat and legs, a 6×4 frame around a picture,
// a 6×4 table with top and legs — and three placements each, three columns apart, leave
// every pair of templates Δ ≥ 36σ0 apart; 8×8 cannot hold a couch at three places. It is
// also small enough for the study's budget: an MLP on 256 inputs trains on two cores, and
// one exact score costs templates × pixels = 16 × 256 multiply-adds per source. 32×32
// would quadruple the network's input layer and the exact scores for no new phenomenon.
//
// # The target's class weights
//
// All sources of a room share the templates and σ0 and differ only in class weights. Near
// a template μ_k the other components are negligible, so each source is ≈ u_{a,k} N_k with
// u_{a,k} = W_a(c_k)/n_{c_k}, and the composition Π_a P_a^{w_a} with Σ_a w_a = 1 is ≈
// (Π_a u_{a,k}^{w_a}) N_k there: piecewise, the ratio of mixtures is the ratio of weights.
// Summing over a class's n_c templates gives the class weight Π_a W_a(c)^{w_a} (the n_c
// cancel because Σw = 1); TargetClassWeights computes it. The neglected terms live where
// another template is about as near, i.e. beyond the half-way plane at Δ_jk/2, which a
// component reaches with probability Φ̄(Δ_jk/(2σ0)) ≤ ½·exp(−Δ_jk²/(8σ0²)); ShareErrorBound
// turns this into a rigorous bound on the class shares (≈ 1e−70 for the built-in rooms).
//
// With the paper's released weights (ReleasedID, ReleasedOOD) the ID target puts 0.9604
// on couch+x, but the OOD target puts only ≈ β/(2(1−3β)) ≈ 0.0087 there and ≈ 0.4956 on
// each object alone — not "nearly all its mass on couch+x" as the paper says. ProductOOD
// is a variant whose target does (0.9506) while couch+x stays below 2.5% in every source.
//
// # Ground truth
//
// Because the sources share their components, truth.Rejection (propose Pa1, accept with
// Pa2/(M·P0)) is exact for every setting whose P0 gives positive weight to every class
// Pa2 does — including the OOD ones (acceptance ≈ 3%). truth.Importance is not usable here: its
// proposal Pa1·Pa2 has components of std σ0/√2, under which the log-weight −log P0(x) ≈
// |x − μ|²/(2σ0²) is χ²_d/4 with standard deviation √(2d)/4 ≈ 5.7 for d = 256; on the
// painting room with the released OOD weights, 200 000 proposals gave an effective sample
// size of 10.7.
//
// # Reading a sample
//
// Classifier assigns a sample the class of its nearest template μ_1 and flags it invalid
// when it is not clearly that room: when, towards some other template μ_j, it lies beyond a
// quarter of the way (a ghost of two rooms, a half-drawn object), or when its pixels are
// further from μ_1 than half the value range on average (a diverged or blank image). Pixel
// grain alone does not flag a room, so the residual noise of a sampler stopped after
// finitely many steps or of a learned model is not counted as warping. True samples are
// flagged, and blends read as rooms, with probability at most ErrorBound (≈ 1e−19 for the
// built-in rooms; a room above MaxFlagRate = 0.001 is refused). Shares and TotalVariation
// compare the read classes with the target's class weights (the target has no invalid
// mass).
//
// # Factorization
//
// Factorized checks SPEC §12's condition on a setting: product-form class weights, each
// perturbation changing its own objects' presence only, and those objects' pixels (over all
// placements) disjoint from every other object's. The painting room with the released ID
// weights (or ProductOOD) is factorized, so FKC's g vanishes with exact scores (Theorem 3);
// the table overlaps the couch and is not; the released OOD weights are not product-form.
package room
