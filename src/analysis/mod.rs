//! Curriculum analysis: alignment, sequencing, workload, coverage and rubric checks as pure
//! functions over a `Document`, returning `Finding`s, plus the review views.
