//! Entity resolution: probabilistic record linkage (Fellegi–Sunter) over
//! precomputed comparison features, explainable and reversible.
