//! Documents drawn from liangxin's data. The same code serves pages and documents: a chart
//! on the dashboard is the chart in a bulletin.

pub mod brief;
pub mod bulletin;
mod extent;
pub mod form;
pub mod sheet;
pub mod svg;
mod workbook;
pub mod xlsx;
