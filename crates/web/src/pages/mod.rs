//! Server-rendered pages, one file per action. Every page works without JavaScript.

pub mod audit;
pub mod dashboard;
pub mod dues_sheet;
pub mod gaps;
pub mod instructor_assign;
pub mod life;
pub mod life_overview;
pub mod login;
pub mod logout;
pub mod meeting;
pub mod meeting_new;
pub mod member_dues;
pub mod member_form;
pub mod member_home;
pub mod member_leave;
pub mod members;
pub mod organization;
pub mod organization_form;
pub mod organizations;
pub mod party_org;
pub mod party_org_edit;
pub mod party_org_new;
pub mod password;
pub mod transfer_new;
pub mod transfers;
pub mod zones;
