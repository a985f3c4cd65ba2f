//! The tutorial's and the guide's own code: gates on plain numbers, then the guide's classifiers.

pub mod gates;
pub mod guide;
