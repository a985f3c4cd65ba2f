//! Labelled 2-D points: the two-moons set the demos train on, and a reader for files like it.
//!
//! The format is CSV with three numbers a line, `x,y,label`, the label -1 or 1, and an optional
//! header line. A malformed line is an error that names the line and says what was expected.
//!
//! ```
//! use circuitgrad::data::{moons, parse_points};
//!
//! let data = moons();
//! assert_eq!(data.len(), 100);
//! let err = parse_points("x,y,label\n0.5,1.0,1\n0.5,oops,-1\n").unwrap_err();
//! assert_eq!(err.to_string(), "line 3: `oops` is not a number (expected x,y,label)");
//! ```

use std::error::Error;
use std::fmt;

/// The 100-point two-moons set used by micrograd's demo (and the benchmarks), shipped with the crate.
const MOONS100: &str = include_str!("../data/moons100.csv");

/// Points in the plane with a label of -1 or 1 each.
#[derive(Clone, Debug, PartialEq)]
pub struct Points {
    /// The points, `[x, y]`.
    pub xy: Vec<[f64; 2]>,
    /// The labels, -1 or 1, one per point.
    pub labels: Vec<f64>,
}

impl Points {
    /// The number of points.
    ///
    /// ```
    /// assert_eq!(circuitgrad::data::moons().len(), 100);
    /// ```
    pub fn len(&self) -> usize {
        self.xy.len()
    }

    /// Whether there are no points.
    ///
    /// ```
    /// assert!(!circuitgrad::data::moons().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.xy.is_empty()
    }
}

/// A line of a points file that is not `x,y,label`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    /// The line number, from 1.
    pub line: usize,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.problem)
    }
}

impl Error for BadLine {}

/// The two-moons set: 100 points, 50 of each label.
///
/// ```
/// let data = circuitgrad::data::moons();
/// assert_eq!(data.labels.iter().filter(|&&y| y > 0.0).count(), 50);
/// ```
pub fn moons() -> Points {
    parse_points(MOONS100).expect("the shipped moons file is well formed (a unit test checks it)")
}

/// Reads `x,y,label` lines (an optional first line that is not numbers is a header; blank lines are
/// skipped).
///
/// # Errors
/// [`BadLine`] for the first line that does not hold three numbers with a label of -1 or 1.
///
/// ```
/// use circuitgrad::data::parse_points;
/// let points = parse_points("1.2,0.7,1\n-0.3,-0.5,-1\n")?;
/// assert_eq!(points.xy, [[1.2, 0.7], [-0.3, -0.5]]);
/// assert_eq!(parse_points("1,2\n").unwrap_err().to_string(),
///            "line 1: expected 3 comma-separated fields (x,y,label), found 2");
/// assert_eq!(parse_points("1,2,0.5\n").unwrap_err().to_string(),
///            "line 1: the label must be -1 or 1, found 0.5");
/// # Ok::<(), circuitgrad::data::BadLine>(())
/// ```
pub fn parse_points(text: &str) -> Result<Points, BadLine> {
    let mut points = Points {
        xy: Vec::new(),
        labels: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let line_number = i + 1;
        let bad = |problem: String| BadLine {
            line: line_number,
            problem,
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let numbers: Result<Vec<f64>, &str> = fields
            .iter()
            .map(|f| f.parse::<f64>().map_err(|_| *f))
            .collect();
        let numbers = match numbers {
            // A first line of words is a header.
            Err(_) if line_number == 1 && fields.iter().all(|f| f.parse::<f64>().is_err()) => {
                continue;
            }
            Err(field) => {
                return Err(bad(format!(
                    "`{field}` is not a number (expected x,y,label)"
                )));
            }
            Ok(numbers) => numbers,
        };
        let [x, y, label] = numbers[..] else {
            return Err(bad(format!(
                "expected 3 comma-separated fields (x,y,label), found {}",
                numbers.len()
            )));
        };
        if label != 1.0 && label != -1.0 {
            return Err(bad(format!("the label must be -1 or 1, found {label}")));
        }
        points.xy.push([x, y]);
        points.labels.push(label);
    }
    Ok(points)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_moons_file_parses() {
        let points = parse_points(MOONS100).unwrap();
        assert_eq!(points.len(), 100);
        assert!(points.xy.iter().flatten().all(|v| v.is_finite()));
    }

    #[test]
    fn errors_name_the_line_and_what_was_expected() {
        let text = "x,y,label\n1,2,1\n\n1,2,3,4\n";
        assert_eq!(
            parse_points(text).unwrap_err(),
            BadLine {
                line: 4,
                problem: "expected 3 comma-separated fields (x,y,label), found 4".into()
            }
        );
        assert_eq!(parse_points("1,2,1\nx,y,label\n").unwrap_err().line, 2); // a header only first
    }
}
