//! The IPC commands, one file per area. Each command takes its arguments, borrows the state,
//! calls one library function and converts the error; nothing else.

pub mod analysis;
pub mod documents;
pub mod edit;
pub mod export;
pub mod import;
pub mod markdown;
pub mod pedagogy;
pub mod report;
