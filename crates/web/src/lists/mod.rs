//! Lists shared by a page, the API and the files: each module holds one list's query
//! string, its checks, its count, its rows and its files, so `pages` and `api` never import
//! each other.

pub mod assessment;
pub mod bulletin;
pub mod dues;
pub mod floating;
pub mod gaps;
pub mod investors;
pub mod members;
pub mod organizations;
pub mod projects;
pub mod stars;
pub mod transfers;
pub mod zones;

#[cfg(test)]
mod tests {
    /// The rule this module exists for, read from the sources: an API module names no page
    /// module, and no page module names the API.
    #[test]
    fn pages_and_the_api_never_import_each_other() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for (dir, other) in [("api", "crate::pages"), ("pages", "crate::api")] {
            let mut read = 0;
            for entry in std::fs::read_dir(src.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                read += 1;
                assert!(
                    !text.contains(other),
                    "{} names {other}: shared code belongs in crate::lists",
                    path.display()
                );
            }
            assert!(read > 10, "{dir}: {read} files");
        }
    }
}
