//! Pedagogy: Bloom levels, the verb lexicon, objective analysis and templates (loaded from
//! `templates/`).
