//! Export: lowering a `Document` into an `ExportContext` and serialising it as packages.
