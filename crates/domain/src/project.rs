//! 项目领办清单 (三单一表之二): a project a party organization's 书记 takes on (书记领办), with
//! its goal, its 节点 (milestones, each with a day it is due), progress notes and, at the
//! end, its result. A project is late (逾期) when a 节点 or the project itself is past its
//! day and not done; that is the organization's 待办 and its committee's to follow.

use chrono::NaiveDate;

use crate::kinds::ProjectOutcome;

/// Milestones a project may plan.
pub const MILESTONES_MAX: usize = 12;
/// How far ahead a project may be planned, in days (three years).
pub const HORIZON_DAYS: u64 = 3 * 366;

/// A 节点 as the state rule needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MilestoneDates {
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

/// Where a project stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProjectState {
    /// 推进中: nothing past its day.
    Open,
    /// 逾期: the project, or this many 节点, past their day and not done.
    Late { project: bool, milestones: usize },
    /// 已结项, with how it ended.
    Closed(ProjectOutcome),
}

impl ProjectState {
    /// The state of a project due on `due_on`, closed with `outcome` if it was, on `today`.
    /// A day is past once it is over: due today is not yet late.
    pub fn of(
        due_on: NaiveDate,
        outcome: Option<ProjectOutcome>,
        milestones: &[MilestoneDates],
        today: NaiveDate,
    ) -> Self {
        if let Some(o) = outcome {
            return ProjectState::Closed(o);
        }
        let late = milestones
            .iter()
            .filter(|m| m.done_on.is_none() && m.due_on < today)
            .count();
        let project = due_on < today;
        if project || late > 0 {
            ProjectState::Late {
                project,
                milestones: late,
            }
        } else {
            ProjectState::Open
        }
    }

    pub fn is_late(self) -> bool {
        matches!(self, ProjectState::Late { .. })
    }

    pub fn label(self) -> String {
        match self {
            ProjectState::Open => "推进中".into(),
            ProjectState::Late {
                project: true,
                milestones: 0,
            } => "逾期未结项".into(),
            ProjectState::Late {
                project: true,
                milestones: n,
            } => format!("逾期未结项，{n}个节点逾期"),
            ProjectState::Late { milestones: n, .. } => format!("{n}个节点逾期"),
            ProjectState::Closed(o) => format!("已结项（{}）", o.label()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn a_project_is_late_by_its_own_day_or_a_milestones() {
        let ms = [
            MilestoneDates {
                due_on: d(3, 31),
                done_on: Some(d(4, 2)),
            },
            MilestoneDates {
                due_on: d(6, 30),
                done_on: None,
            },
        ];
        assert_eq!(
            ProjectState::of(d(12, 31), None, &ms, d(6, 30)),
            ProjectState::Open
        );
        assert_eq!(
            ProjectState::of(d(12, 31), None, &ms, d(7, 1)),
            ProjectState::Late {
                project: false,
                milestones: 1
            }
        );
        assert_eq!(
            ProjectState::of(d(6, 30), None, &ms[..1], d(7, 1)).label(),
            "逾期未结项"
        );
        assert_eq!(
            ProjectState::of(d(6, 30), Some(ProjectOutcome::Partly), &ms, d(7, 1)),
            ProjectState::Closed(ProjectOutcome::Partly)
        );
        assert_eq!(
            ProjectState::of(d(6, 30), None, &ms, d(7, 1)).label(),
            "逾期未结项，1个节点逾期"
        );
    }
}
