//! The pure core: no GUI, no network, no filesystem. Everything here takes values and returns
//! values so the GUI, the CLI and the tests all call the same functions.

pub mod amplitude;
pub mod classic;
pub mod compare;
pub mod event;
pub mod golden;
pub mod js;
pub mod jsdate;
pub mod keytable;
pub mod mapping;
pub mod migration;
pub mod project;
pub mod request;
pub mod samples;
pub mod trigger;
