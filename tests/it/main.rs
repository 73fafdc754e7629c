mod examples;
mod store;
mod import;
mod export_cc;
mod export_case;
mod json;
mod pedagogy;
mod analysis;
