//! Weights for `pallet_price_guard`: until `make weights` generates this file from the
//! pallet's benchmarks, the pallet's own conservative figures priced with the runtime's
//! `DbWeight`.

/// The price guard's weights.
pub type WeightInfo<T> = pallet_price_guard::weights::SubstrateWeight<T>;
