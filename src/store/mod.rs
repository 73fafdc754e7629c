//! Document store.
