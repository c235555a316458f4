//! The settlement's state machine.

/// Where the chain stands: `Live → Settling → Settled`, never back.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Default,
	codec::Encode,
	codec::Decode,
	codec::DecodeWithMemTracking,
	codec::MaxEncodedLen,
	scale_info::TypeInfo,
)]
pub enum Phase<BlockNumber> {
	/// No settlement: trading is open.
	#[default]
	Live,
	/// Triggered at block `since`: trading is closed and `on_initialize` settles positions at
	/// the fixed prices, a bounded number per block (each product keeps its own cursor).
	Settling {
		/// The block of the trigger.
		since: BlockNumber,
		/// Positions settled so far.
		settled: u32,
		/// Blocks that settled positions so far.
		blocks: u32,
	},
	/// Every position settled (the last one at block `at`): accounts withdraw what they are
	/// owed; accounts left in debt are the liquidation engine's, as always.
	Settled {
		/// The block of the trigger.
		since: BlockNumber,
		/// The block the last position was settled in.
		at: BlockNumber,
		/// Positions settled.
		settled: u32,
	},
}

impl<BlockNumber> Phase<BlockNumber> {
	/// No settlement was triggered.
	pub fn is_live(&self) -> bool {
		matches!(self, Phase::Live)
	}

	/// Positions are being settled.
	pub fn is_settling(&self) -> bool {
		matches!(self, Phase::Settling { .. })
	}
}
