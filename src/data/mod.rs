//! Labelled 2-D points: the two-moons set, the yin-yang set, the generators that seed them, and a
//! reader for point files.
//!
//! [`Points`] holds a two-class set with labels -1 and 1 (what margin losses want); [`Dataset`]
//! holds points of any number of classes, labelled `0..classes` (what cross-entropy wants).
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
use std::ops::Range;

mod rng;
mod yinyang;

pub use rng::{Rng, Uniform, XorshiftStar};
pub use yinyang::{BadYinYang, Splits, YinYang};

/// The 100-point two-moons set used by micrograd's demo (and the benchmarks), shipped with the crate.
const MOONS100: &str = include_str!("../../data/moons100.csv");

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

    /// The same points as a two-class [`Dataset`]: label -1 becomes class 0, label 1 class 1.
    ///
    /// ```
    /// let data = circuitgrad::data::moons().to_dataset();
    /// assert_eq!((data.classes, data.len()), (2, 100));
    /// assert!(data.labels.iter().all(|&c| c < 2));
    /// ```
    pub fn to_dataset(&self) -> Dataset {
        Dataset {
            points: self.xy.clone(),
            labels: self.labels.iter().map(|&y| usize::from(y > 0.0)).collect(),
            classes: 2,
        }
    }
}

/// Points in the plane, each labelled with a class in `0..classes`.
///
/// ```
/// use circuitgrad::data::Dataset;
/// let mut data = Dataset::new(3);
/// data.push([0.5, -1.0], 2)?;
/// assert_eq!(data.len(), 1);
/// assert_eq!(data.push([0.0, 0.0], 3).unwrap_err().to_string(),
///            "class 3 is out of range: this set has 3 classes, numbered 0 to 2");
/// # Ok::<(), circuitgrad::data::BadPoint>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// The points, `[x, y]`.
    pub points: Vec<[f64; 2]>,
    /// Each point's class, in `0..classes`.
    pub labels: Vec<usize>,
    /// How many classes there are.
    pub classes: usize,
}

/// A point that cannot join a [`Dataset`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BadPoint {
    /// Its class is not one of the set's.
    ClassOutOfRange {
        /// The class given.
        class: usize,
        /// How many classes the set has.
        classes: usize,
    },
    /// A coordinate is NaN or infinite.
    NotFinite {
        /// The point given.
        point: [f64; 2],
    },
}

impl fmt::Display for BadPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BadPoint::ClassOutOfRange { class, classes } => write!(
                f,
                "class {class} is out of range: this set has {classes} classes, numbered 0 to {}",
                classes.saturating_sub(1)
            ),
            BadPoint::NotFinite { point: [x, y] } => write!(
                f,
                "the point ({x}, {y}) is not finite: both coordinates must be numbers"
            ),
        }
    }
}

impl Error for BadPoint {}

impl Dataset {
    /// An empty set of `classes` classes.
    ///
    /// ```
    /// assert!(circuitgrad::data::Dataset::new(2).is_empty());
    /// ```
    pub fn new(classes: usize) -> Dataset {
        Dataset {
            points: Vec::new(),
            labels: Vec::new(),
            classes,
        }
    }

    /// The number of points.
    ///
    /// ```
    /// assert_eq!(circuitgrad::data::Dataset::new(3).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.points.len()
    }

    /// Whether there are no points.
    ///
    /// ```
    /// assert!(circuitgrad::data::Dataset::new(3).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// Adds a point of class `label`.
    ///
    /// # Errors
    /// [`BadPoint`] (and the set unchanged) if the class is out of range or a coordinate is not
    /// finite.
    ///
    /// ```
    /// use circuitgrad::data::Dataset;
    /// let mut data = Dataset::new(2);
    /// assert!(data.push([f64::NAN, 0.0], 0).is_err());
    /// assert!(data.is_empty());
    /// ```
    pub fn push(&mut self, point: [f64; 2], label: usize) -> Result<(), BadPoint> {
        if label >= self.classes {
            return Err(BadPoint::ClassOutOfRange {
                class: label,
                classes: self.classes,
            });
        }
        if !point.iter().all(|c| c.is_finite()) {
            return Err(BadPoint::NotFinite { point });
        }
        self.points.push(point);
        self.labels.push(label);
        Ok(())
    }

    /// Removes point `i` and returns it with its class, or `None` (and nothing changed) if there
    /// is no point `i`.
    ///
    /// ```
    /// use circuitgrad::data::Dataset;
    /// let mut data = Dataset::new(2);
    /// data.push([1.0, 2.0], 1)?;
    /// assert_eq!(data.remove(5), None);
    /// assert_eq!(data.remove(0), Some(([1.0, 2.0], 1)));
    /// # Ok::<(), circuitgrad::data::BadPoint>(())
    /// ```
    pub fn remove(&mut self, i: usize) -> Option<([f64; 2], usize)> {
        (i < self.len()).then(|| (self.points.remove(i), self.labels.remove(i)))
    }

    /// How many points there are of each class.
    ///
    /// ```
    /// let splits = circuitgrad::data::YinYang::default()
    ///     .generate(&mut circuitgrad::XorshiftStar::new(42))?;
    /// assert_eq!(splits.train.class_counts(), [27, 27, 26]);
    /// # Ok::<(), circuitgrad::data::BadYinYang>(())
    /// ```
    pub fn class_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.classes];
        for &label in &self.labels {
            if let Some(count) = counts.get_mut(label) {
                *count += 1;
            }
        }
        counts
    }

    /// The points in `range`, as a set of the same classes.
    ///
    /// # Panics
    /// When `range` is out of bounds, as slicing does.
    ///
    /// ```
    /// let moons = circuitgrad::data::moons().to_dataset();
    /// let (train, val) = (moons.slice(0..80), moons.slice(80..100));
    /// assert_eq!((train.len(), val.len(), val.classes), (80, 20, 2));
    /// ```
    pub fn slice(&self, range: Range<usize>) -> Dataset {
        Dataset {
            points: self.points[range.clone()].to_vec(),
            labels: self.labels[range].to_vec(),
            classes: self.classes,
        }
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
