//! Lists shared by a page, the API and the files: each module holds one list's query
//! string, its checks, its count and its rows, so `pages` and `api` never import each other.

pub mod dues;
pub mod floating;
pub mod gaps;
pub mod members;
pub mod organizations;
pub mod transfers;
pub mod zones;
