//! The Ballast node as a library: the command line and what it runs (chain specs, the Aura +
//! GRANDPA service, RPC, the risk metrics, the dev price server).
//!
//! The `ballast-node` binary (`node/src/main.rs`) is only [`run`] with the version string its
//! build script makes from the git commit; keeping the commit out of this crate means a new
//! commit recompiles a few lines, not the node.

#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod metrics;
mod price_server;
mod rpc;
mod service;

pub use command::run;
