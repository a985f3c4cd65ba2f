//! The yin-yang set (Kriener et al., as micrograd's second edition generates it): points in a disc
//! of three classes, the yin, the yang, and the two dots.

use std::error::Error;
use std::fmt;

use super::{Dataset, XorshiftStar};

/// How to generate a yin-yang set: `n` points, the dots' radius `r_small` and the disc's `r_big`.
///
/// [`YinYang::default`] is micrograd's second edition: 100 points, radii 0.1 and 0.5.
///
/// ```
/// use circuitgrad::{XorshiftStar, data::YinYang};
/// let splits = YinYang::default().generate(&mut XorshiftStar::new(42))?;
/// assert_eq!((splits.train.len(), splits.val.len(), splits.test.len()), (80, 10, 10));
/// assert_eq!(splits.train.labels[..6], [0, 1, 2, 0, 1, 2]); // point i is of class i % 3
/// # Ok::<(), circuitgrad::data::BadYinYang>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct YinYang {
    /// How many points in all (before the 80/10/10 split).
    pub n: usize,
    /// The radius of the two dots (class 2), and of the holes they sit in.
    pub r_small: f64,
    /// The radius of the disc.
    pub r_big: f64,
}

impl Default for YinYang {
    fn default() -> YinYang {
        YinYang {
            n: 100,
            r_small: 0.1,
            r_big: 0.5,
        }
    }
}

/// A generated set cut in three, in order: the first 80 % to train on, the next 10 % to validate
/// with, the last 10 % to test.
#[derive(Clone, Debug, PartialEq)]
pub struct Splits {
    /// `points[..⌊0.8 n⌋]`.
    pub train: Dataset,
    /// `points[⌊0.8 n⌋..⌊0.9 n⌋]`.
    pub val: Dataset,
    /// The rest.
    pub test: Dataset,
}

/// Radii for which the yin-yang cannot be drawn: the message says what is allowed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BadYinYang {
    /// The dots' radius given.
    pub r_small: f64,
    /// The disc's radius given.
    pub r_big: f64,
}

impl fmt::Display for BadYinYang {
    /// ```
    /// use circuitgrad::data::YinYang;
    /// let bad = YinYang { r_small: 0.3, ..YinYang::default() };
    /// assert_eq!(bad.generate(&mut circuitgrad::XorshiftStar::new(1)).unwrap_err().to_string(),
    ///            "no yin-yang with r_small = 0.3 and r_big = 0.5: r_big must be finite and \
    ///             positive, and r_small between 1% and 50% of it (exclusive of 50%)");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no yin-yang with r_small = {} and r_big = {}: r_big must be finite and positive, \
             and r_small between 1% and 50% of it (exclusive of 50%)",
            self.r_small, self.r_big
        )
    }
}

impl Error for BadYinYang {}

impl YinYang {
    /// Draws the points from `rng` as the original does: for point `i`, sample uniformly in the
    /// square around the disc until a point falls in the disc and in class `i % 3`; scale the
    /// coordinates to [-2, 2]; then split 80/10/10 in order.
    ///
    /// # Errors
    /// [`BadYinYang`] unless `0 < r_big < inf` and `0.01 r_big <= r_small < 0.5 r_big`: outside
    /// that a class is empty, or so small that sampling it would take practically forever.
    ///
    /// ```
    /// use circuitgrad::{XorshiftStar, data::YinYang};
    /// let splits = YinYang { n: 30, ..YinYang::default() }.generate(&mut XorshiftStar::new(1))?;
    /// assert!(splits.train.points.iter().flatten().all(|c| (-2.0..=2.0).contains(c)));
    /// # Ok::<(), circuitgrad::data::BadYinYang>(())
    /// ```
    pub fn generate(&self, rng: &mut XorshiftStar) -> Result<Splits, BadYinYang> {
        let (r_small, r_big) = (self.r_small, self.r_big);
        let valid =
            r_big.is_finite() && r_big > 0.0 && r_small >= 0.01 * r_big && r_small < 0.5 * r_big;
        if !valid {
            return Err(BadYinYang { r_small, r_big });
        }
        let mut all = Dataset::new(3);
        for i in 0..self.n {
            let goal = i % 3;
            loop {
                let x = rng.uniform(0.0, 2.0 * r_big);
                let y = rng.uniform(0.0, 2.0 * r_big);
                if distance(x - r_big, y - r_big) > r_big {
                    continue;
                }
                if self.class_of(x, y) == goal {
                    let scale = |c: f64| (c / r_big - 1.0) * 2.0;
                    all.points.push([scale(x), scale(y)]);
                    all.labels.push(goal);
                    break;
                }
            }
        }
        // As Python's int(0.8 * n): the product rounded, then truncated.
        let cut_train = (0.8 * self.n as f64) as usize;
        let cut_val = (0.9 * self.n as f64) as usize;
        Ok(Splits {
            train: all.slice(0..cut_train),
            val: all.slice(cut_train..cut_val),
            test: all.slice(cut_val..self.n),
        })
    }

    /// The class of a point of the disc, in the original's unscaled coordinates (`[0, 2 r_big]²`):
    /// 2 for the dots, 0 for the yin, 1 for the yang.
    ///
    /// ```
    /// use circuitgrad::data::YinYang;
    /// let yy = YinYang::default();
    /// assert_eq!(yy.class_of(0.75, 0.5), 2); // the centre of the right dot
    /// assert_eq!(yy.class_of(0.5, 0.9), 0);  // top half, away from the right dot: yin
    /// assert_eq!(yy.class_of(0.5, 0.1), 1);  // bottom half: yang
    /// ```
    pub fn class_of(&self, x: f64, y: f64) -> usize {
        let (r_small, r_big) = (self.r_small, self.r_big);
        let d_right = distance(x - 1.5 * r_big, y - r_big);
        let d_left = distance(x - 0.5 * r_big, y - r_big);
        let in_right_dot = d_right <= r_small;
        let around_left_dot = d_left > r_small && d_left <= 0.5 * r_big;
        let top_away_from_right = y > r_big && d_right > 0.5 * r_big;
        if d_right < r_small || d_left < r_small {
            2
        } else if in_right_dot || around_left_dot || top_away_from_right {
            0
        } else {
            1
        }
    }
}

/// `(dx² + dy²)^0.5`, with the original's operations (`pow`, not `hypot` or `sqrt`), so that
/// points on a class boundary fall on the same side as there.
fn distance(dx: f64, dy: f64) -> f64 {
    (dx.powf(2.0) + dy.powf(2.0)).powf(0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_radii_are_refused_before_sampling() {
        for (r_small, r_big) in [(0.0, 0.5), (0.25, 0.5), (0.1, f64::INFINITY), (0.1, -1.0)] {
            let yy = YinYang {
                n: 3,
                r_small,
                r_big,
            };
            let mut rng = XorshiftStar::new(1);
            assert_eq!(yy.generate(&mut rng), Err(BadYinYang { r_small, r_big }));
            assert_eq!(rng, XorshiftStar::new(1), "nothing drawn");
        }
    }
}
