//! Import: turning outside formats (CASE, CSV, Common Cartridge) into model entities.
