mod examples;
mod pedagogy;
