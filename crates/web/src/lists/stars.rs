//! The 双强六好 ratings list's filters, shared by `/stars`, its files and `/api/v1/stars`:
//! by step (or `yours`, those whose next step is the user's) or by confirmed stars.

use liangxin_store::stars::{StarListLine, Step};

use crate::error::WebError;
use crate::params;

/// What the filters keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    All,
    Yours,
    Step(Step),
    Stars(u8),
}

impl Filter {
    /// From `step` (`yours` or a step's code) and `stars` (0 to 5), one of them at most.
    pub fn parse(step: &Option<String>, stars: &Option<String>) -> Result<Filter, WebError> {
        match (
            params::text(step).as_deref(),
            params::text(stars).as_deref(),
        ) {
            (None, None) => Ok(Filter::All),
            (Some("yours"), None) => Ok(Filter::Yours),
            (Some(code), None) => Step::from_code(code).map(Filter::Step).ok_or_else(|| {
                WebError::bad_field("环节", "应为 yours、self、scored、reviewed 或 confirmed")
            }),
            (None, Some(n)) => n
                .parse::<u8>()
                .ok()
                .filter(|n| *n <= 5)
                .map(Filter::Stars)
                .ok_or_else(|| WebError::bad_field("星级", "应为0（一票否决）到5")),
            (Some(_), Some(_)) => Err(WebError::bad_field("星级", "按环节或按星级筛选，二者选一")),
        }
    }

    pub fn keeps(self, l: &StarListLine) -> bool {
        match self {
            Filter::All => true,
            Filter::Yours => l.yours,
            Filter::Step(s) => l.summary.step == s,
            Filter::Stars(n) => l.summary.step == Step::Confirmed && l.summary.stars == Some(n),
        }
    }
}
