//! Every route in one table. The router is built from it, and the role × endpoint leak
//! test walks it, so a new endpoint is covered by that test the moment it exists.

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, WebError};
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodRouter, get, post};
use liangxin_domain::kinds::Role;

use crate::{AppState, api, auth, ops, pages};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in, health, metrics, the stylesheet, the API document).
    Public,
    /// A signed-in user; otherwise redirected to the sign-in page.
    Page,
    /// A signed-in user or a bearer token; otherwise 401 JSON.
    Api,
}

/// What the route's path parameters address, for the leak test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Object {
    None,
    /// `{county}/{id}` of a two-new organization.
    Organization,
    /// `{county}/{id}` of a party organization.
    PartyOrg,
    /// `{county}/{id}` of a member.
    Member,
    /// `{county}/{id}` of a meeting.
    Meeting,
    /// `{county}/{id}` of an audit finding (only POST routes address one).
    Finding,
    /// `{id}` of a transfer (global: it joins two counties).
    Transfer,
    /// `{id}` of a floating member's record (only POST routes address one).
    Floating,
    /// `{id}` of a file uploaded for import.
    Upload,
    /// `{id}` of a committed import.
    Import,
    /// `{id}` of an account (global: accounts are not keyed by county).
    Account,
    /// `{id}` of a park or town.
    Zone,
    /// `{county}/{id}` of a 民主评议 round.
    Appraisal,
    /// `{county}/{id}` of a 软弱涣散 rectification case.
    Rectification,
    /// `{county}/{id}` of a 双强六好 star assessment.
    Star,
    /// `{county}/{id}` of a 随机抽查 round.
    SpotCheck,
    /// `{county}/{id}` of a 书记抓党建述职 report.
    SecretaryReport,
    /// `{county}/{id}` of a 党群服务中心.
    Center,
    /// `{county}/{id}` of a training course (培训班次).
    TrainingCourse,
    /// `{county}/{id}` of a 书记领办项目.
    LedProject,
    /// `{kind}/{id}` of a group assessed: `county/330825`, `zone/7`.
    Assessee,
}

/// Which signed-in roles may use a route (the others get 403).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Any signed-in account, the administrators included: signing out, one's password.
    Anyone,
    /// Every working role (not the administrators, who see no member data by their role).
    Everyone,
    /// 市、县两新工委 and 小镇园区党工委: those who register organizations.
    Committees,
    /// The staff and the members (a member sees their own record): not instructors.
    StaffAndMembers,
    /// Those whose scope is a party-organization subtree (committees and secretaries; an
    /// instructor's scope is units, a member's is themselves).
    Staff,
    /// 系统管理员: account administration.
    Admins,
    /// 安全审计员: the audit log.
    Auditors,
    /// 安全管理员 and the city's committee: the rule parameters.
    RuleKeepers,
    /// 市、县两新工委: those who register parks and towns in their region.
    RegionCommittees,
}

impl Who {
    pub fn admits(self, role: Role) -> bool {
        match self {
            Who::Anyone => true,
            Who::Everyone => !role.is_administrative(),
            Who::Admins => role == Role::SystemAdmin,
            Who::Auditors => role == Role::SecurityAuditor,
            Who::RuleKeepers => matches!(role, Role::SecurityAdmin | Role::City),
            Who::RegionCommittees => matches!(role, Role::City | Role::County),
            Who::Committees => matches!(role, Role::City | Role::County | Role::Zone),
            Who::Staff => matches!(
                role,
                Role::City | Role::County | Role::Zone | Role::Secretary
            ),
            Who::StaffAndMembers => Who::Staff.admits(role) || role == Role::Member,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub object: Object,
    pub who: Who,
}

const fn r(method: &'static str, path: &'static str, access: Access, object: Object) -> Route {
    Route {
        method,
        path,
        access,
        object,
        who: Who::Everyone,
    }
}

const fn staff(method: &'static str, path: &'static str, object: Object) -> Route {
    Route {
        method,
        path,
        access: Access::Page,
        object,
        who: Who::Staff,
    }
}

const fn api_staff(method: &'static str, path: &'static str, object: Object) -> Route {
    Route {
        method,
        path,
        access: Access::Api,
        object,
        who: Who::Staff,
    }
}

const fn anyone(method: &'static str, path: &'static str) -> Route {
    Route {
        method,
        path,
        access: Access::Page,
        object: Object::None,
        who: Who::Anyone,
    }
}

const fn admins(method: &'static str, path: &'static str, object: Object) -> Route {
    Route {
        method,
        path,
        access: Access::Page,
        object,
        who: Who::Admins,
    }
}

const fn committee_object(method: &'static str, path: &'static str, object: Object) -> Route {
    Route {
        method,
        path,
        access: Access::Page,
        object,
        who: Who::Committees,
    }
}

const fn committees(method: &'static str, path: &'static str) -> Route {
    Route {
        method,
        path,
        access: Access::Page,
        object: Object::None,
        who: Who::Committees,
    }
}

pub const ROUTES: &[Route] = &[
    r("GET", "/login", Access::Public, Object::None),
    r("POST", "/login", Access::Public, Object::None),
    r("GET", "/healthz", Access::Public, Object::None),
    r("GET", "/metrics", Access::Public, Object::None),
    r("GET", "/static/app.css", Access::Public, Object::None),
    r("GET", "/api/v1/openapi.json", Access::Public, Object::None),
    anyone("POST", "/logout"),
    anyone("GET", "/login/2fa"),
    anyone("POST", "/login/2fa"),
    anyone("GET", "/account/2fa"),
    anyone("POST", "/account/2fa/start"),
    anyone("POST", "/account/2fa/confirm"),
    anyone("POST", "/account/2fa/disable"),
    anyone("GET", "/"),
    anyone("GET", "/account/password"),
    anyone("POST", "/account/password"),
    r("GET", "/account/tokens", Access::Page, Object::None),
    r("POST", "/account/tokens", Access::Page, Object::None),
    r("POST", "/account/tokens/revoke", Access::Page, Object::None),
    Route {
        method: "GET",
        path: "/audit-log",
        access: Access::Page,
        object: Object::None,
        who: Who::Auditors,
    },
    Route {
        method: "POST",
        path: "/audit-log/verify",
        access: Access::Page,
        object: Object::None,
        who: Who::Auditors,
    },
    Route {
        method: "GET",
        path: "/rules",
        access: Access::Page,
        object: Object::None,
        who: Who::RuleKeepers,
    },
    Route {
        method: "POST",
        path: "/rules/versions",
        access: Access::Page,
        object: Object::None,
        who: Who::RuleKeepers,
    },
    admins("GET", "/accounts", Object::None),
    admins("GET", "/accounts/new", Object::None),
    admins("POST", "/accounts/new", Object::None),
    admins("POST", "/accounts/secretaries", Object::None),
    admins("GET", "/accounts/{id}", Object::Account),
    admins("POST", "/accounts/{id}/disable", Object::Account),
    admins("POST", "/accounts/{id}/enable", Object::Account),
    admins("POST", "/accounts/{id}/reset", Object::Account),
    r("GET", "/organizations", Access::Page, Object::None),
    r("GET", "/organizations.csv", Access::Page, Object::None),
    r("GET", "/organizations.xlsx", Access::Page, Object::None),
    staff("GET", "/party-orgs", Object::None),
    staff("GET", "/party-orgs.csv", Object::None),
    staff("GET", "/party-orgs.xlsx", Object::None),
    staff("GET", "/party-orgs/{county}/{id}", Object::PartyOrg),
    staff("GET", "/life", Object::None),
    staff("GET", "/life.csv", Object::None),
    staff("GET", "/life.xlsx", Object::None),
    staff("GET", "/audit", Object::None),
    staff("GET", "/audit.xlsx", Object::None),
    staff("GET", "/audit.csv", Object::None),
    staff("POST", "/audit/run", Object::None),
    staff(
        "POST",
        "/audit/findings/{county}/{id}/close",
        Object::Finding,
    ),
    staff("GET", "/party-orgs/{county}/{id}/life", Object::PartyOrg),
    staff("GET", "/party-orgs/{county}/{id}/dues", Object::PartyOrg),
    staff("POST", "/party-orgs/{county}/{id}/dues", Object::PartyOrg),
    r(
        "GET",
        "/members/{county}/{id}/dues",
        Access::Page,
        Object::Member,
    ),
    staff("POST", "/members/{county}/{id}/dues", Object::Member),
    staff("POST", "/members/{county}/{id}/archive", Object::Member),
    staff(
        "POST",
        "/members/{county}/{id}/dues/correct",
        Object::Member,
    ),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/meetings/new",
        Object::PartyOrg,
    ),
    staff(
        "POST",
        "/party-orgs/{county}/{id}/meetings/new",
        Object::PartyOrg,
    ),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/appraisals",
        Object::PartyOrg,
    ),
    staff(
        "POST",
        "/party-orgs/{county}/{id}/appraisals",
        Object::PartyOrg,
    ),
    staff("GET", "/appraisals/{county}/{id}", Object::Appraisal),
    staff("POST", "/appraisals/{county}/{id}/close", Object::Appraisal),
    staff(
        "POST",
        "/appraisals/{county}/{id}/decide",
        Object::Appraisal,
    ),
    staff(
        "GET",
        "/appraisals/{county}/{id}/bulletin.txt",
        Object::Appraisal,
    ),
    staff("GET", "/party-orgs/{county}/{id}/stars", Object::PartyOrg),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/checkups",
        Object::PartyOrg,
    ),
    staff("GET", "/party-orgs/{county}/{id}/funds", Object::PartyOrg),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/funds.xlsx",
        Object::PartyOrg,
    ),
    staff("POST", "/party-orgs/{county}/{id}/funds", Object::PartyOrg),
    staff(
        "POST",
        "/party-orgs/{county}/{id}/funds/reverse",
        Object::PartyOrg,
    ),
    staff(
        "POST",
        "/party-orgs/{county}/{id}/funds/budget",
        Object::PartyOrg,
    ),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/vanguard",
        Object::PartyOrg,
    ),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/evaluation-tables",
        Object::PartyOrg,
    ),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/evaluation-tables.xlsx",
        Object::PartyOrg,
    ),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/statistics",
        Object::PartyOrg,
    ),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/statistics.xlsx",
        Object::PartyOrg,
    ),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/statistics/cell",
        Object::PartyOrg,
    ),
    staff("POST", "/party-orgs/{county}/{id}/stars", Object::PartyOrg),
    staff("GET", "/stars", Object::None),
    staff("GET", "/stars.xlsx", Object::None),
    staff("GET", "/stars.csv", Object::None),
    staff("GET", "/stars/{county}/{id}", Object::Star),
    staff("POST", "/stars/{county}/{id}/score", Object::Star),
    staff("POST", "/stars/{county}/{id}/review", Object::Star),
    staff("POST", "/stars/{county}/{id}/confirm", Object::Star),
    Route {
        method: "GET",
        path: "/members/{county}/{id}/vanguard",
        access: Access::Page,
        object: Object::Member,
        who: Who::StaffAndMembers,
    },
    staff("POST", "/members/{county}/{id}/vanguard", Object::Member),
    staff(
        "POST",
        "/members/{county}/{id}/vanguard/withdraw",
        Object::Member,
    ),
    Route {
        method: "GET",
        path: "/members/{county}/{id}/self-assessment",
        access: Access::Page,
        object: Object::Member,
        who: Who::StaffAndMembers,
    },
    Route {
        method: "POST",
        path: "/members/{county}/{id}/self-assessment",
        access: Access::Page,
        object: Object::Member,
        who: Who::StaffAndMembers,
    },
    Route {
        method: "GET",
        path: "/members/{county}/{id}/checkup",
        access: Access::Page,
        object: Object::Member,
        who: Who::StaffAndMembers,
    },
    Route {
        method: "POST",
        path: "/members/{county}/{id}/checkup",
        access: Access::Page,
        object: Object::Member,
        who: Who::StaffAndMembers,
    },
    staff(
        "POST",
        "/members/{county}/{id}/checkup/review",
        Object::Member,
    ),
    staff("GET", "/members/{county}/{id}/correction", Object::Member),
    staff("POST", "/members/{county}/{id}/correction", Object::Member),
    staff(
        "POST",
        "/members/{county}/{id}/correction/close",
        Object::Member,
    ),
    staff("GET", "/tasks", Object::None),
    staff("POST", "/tasks", Object::None),
    staff("POST", "/tasks/record", Object::None),
    staff("GET", "/charges", Object::None),
    staff("POST", "/charges", Object::None),
    staff("POST", "/charges/{county}/{id}/end", Object::None),
    staff("GET", "/centers", Object::None),
    staff("POST", "/centers", Object::None),
    staff("POST", "/centers/bookings", Object::None),
    staff(
        "POST",
        "/centers/bookings/{county}/{id}/cancel",
        Object::None,
    ),
    staff("GET", "/centers/{county}/{id}", Object::Center),
    staff("POST", "/centers/{county}/{id}/close", Object::Center),
    committees("GET", "/bulletin"),
    committees("GET", "/bulletin.docx"),
    committees("GET", "/bulletin.xlsx"),
    committees("GET", "/effectiveness"),
    committees("GET", "/assessment"),
    committees("GET", "/assessment.xlsx"),
    committees("GET", "/assessment.csv"),
    committees("POST", "/assessment/criteria"),
    committee_object("GET", "/assessment/{kind}/{id}", Object::Assessee),
    committee_object("POST", "/assessment/{kind}/{id}/scores", Object::Assessee),
    committee_object("POST", "/assessment/{kind}/{id}/final", Object::Assessee),
    staff("GET", "/workforce", Object::None),
    staff("GET", "/workforce.xlsx", Object::None),
    staff("GET", "/workforce.csv", Object::None),
    staff("POST", "/workforce/workers", Object::None),
    staff("POST", "/workforce/workers/{county}/{id}/end", Object::None),
    staff("POST", "/workforce/courses", Object::None),
    staff(
        "GET",
        "/workforce/courses/{county}/{id}",
        Object::TrainingCourse,
    ),
    staff(
        "POST",
        "/workforce/courses/{county}/{id}/attendees",
        Object::TrainingCourse,
    ),
    staff(
        "POST",
        "/workforce/courses/{county}/{id}/attendees/{row}/remove",
        Object::TrainingCourse,
    ),
    staff("GET", "/projects", Object::None),
    staff("GET", "/projects.xlsx", Object::None),
    staff("GET", "/projects.csv", Object::None),
    staff("POST", "/projects", Object::None),
    staff("GET", "/projects/{county}/{id}", Object::LedProject),
    staff(
        "POST",
        "/projects/{county}/{id}/milestones/{row}/done",
        Object::LedProject,
    ),
    staff("POST", "/projects/{county}/{id}/notes", Object::LedProject),
    staff("POST", "/projects/{county}/{id}/close", Object::LedProject),
    staff("GET", "/investors", Object::None),
    staff("GET", "/investors.xlsx", Object::None),
    staff("GET", "/investors.csv", Object::None),
    staff("POST", "/investors", Object::None),
    staff("POST", "/investors/events", Object::None),
    staff("POST", "/investors/{county}/{id}/end", Object::None),
    staff("GET", "/reviews", Object::None),
    staff("GET", "/reviews.xlsx", Object::None),
    staff("GET", "/reviews.csv", Object::None),
    staff("POST", "/reviews/report", Object::None),
    staff("POST", "/reviews/meetings", Object::None),
    staff("GET", "/reviews/{county}/{id}", Object::SecretaryReport),
    staff(
        "GET",
        "/reviews/{county}/{id}/file",
        Object::SecretaryReport,
    ),
    staff(
        "POST",
        "/reviews/{county}/{id}/grade",
        Object::SecretaryReport,
    ),
    staff(
        "POST",
        "/reviews/{county}/{id}/rectifications",
        Object::SecretaryReport,
    ),
    staff(
        "POST",
        "/reviews/{county}/{id}/rectifications/done",
        Object::SecretaryReport,
    ),
    staff("GET", "/exemplars", Object::None),
    staff("GET", "/exemplars.xlsx", Object::None),
    staff("GET", "/exemplars.csv", Object::None),
    staff("POST", "/exemplars", Object::None),
    staff("POST", "/exemplars/{county}/{id}/publish", Object::None),
    staff("POST", "/exemplars/{county}/{id}/withdraw", Object::None),
    staff("GET", "/spot-checks", Object::None),
    staff("POST", "/spot-checks", Object::None),
    staff("GET", "/spot-checks/{county}/{id}", Object::SpotCheck),
    staff(
        "GET",
        "/spot-checks/{county}/{id}/sample.xlsx",
        Object::SpotCheck,
    ),
    staff(
        "GET",
        "/spot-checks/{county}/{id}/sample.csv",
        Object::SpotCheck,
    ),
    staff("POST", "/spot-checks/{county}/{id}/draw", Object::SpotCheck),
    staff(
        "POST",
        "/spot-checks/{county}/{id}/inspect",
        Object::SpotCheck,
    ),
    staff(
        "POST",
        "/spot-checks/{county}/{id}/findings",
        Object::SpotCheck,
    ),
    staff(
        "POST",
        "/spot-checks/{county}/{id}/close",
        Object::SpotCheck,
    ),
    staff("GET", "/weak", Object::None),
    staff("GET", "/weak.xlsx", Object::None),
    staff("GET", "/weak.csv", Object::None),
    staff("GET", "/weak/cases.xlsx", Object::None),
    staff("GET", "/weak/new", Object::None),
    staff("POST", "/weak/new", Object::None),
    staff(
        "GET",
        "/rectifications/{county}/{id}",
        Object::Rectification,
    ),
    staff(
        "POST",
        "/rectifications/{county}/{id}/notes",
        Object::Rectification,
    ),
    staff(
        "POST",
        "/rectifications/{county}/{id}/accept",
        Object::Rectification,
    ),
    // A voter casts with the credential on their slip, signed in or not.
    r("GET", "/ballot/{county}/{id}", Access::Public, Object::None),
    r(
        "POST",
        "/ballot/{county}/{id}",
        Access::Public,
        Object::None,
    ),
    staff("GET", "/meetings/{county}/{id}", Object::Meeting),
    staff("GET", "/meetings/{county}/{id}/correct", Object::Meeting),
    staff("POST", "/meetings/{county}/{id}/correct", Object::Meeting),
    staff("GET", "/meetings/{county}/{id}/withdraw", Object::Meeting),
    staff("POST", "/meetings/{county}/{id}/withdraw", Object::Meeting),
    staff("GET", "/transfers", Object::None),
    staff("GET", "/transfers.csv", Object::None),
    staff("GET", "/transfers.xlsx", Object::None),
    r("GET", "/transfers/{id}", Access::Page, Object::Transfer),
    staff("POST", "/transfers/{id}/receive", Object::Transfer),
    staff("POST", "/transfers/{id}/return", Object::Transfer),
    staff("POST", "/transfers/{id}/cancel", Object::Transfer),
    staff("GET", "/transfers/{id}/letter", Object::Transfer),
    staff("POST", "/transfers/{id}/letter", Object::Transfer),
    staff("GET", "/members/{county}/{id}/transfer", Object::Member),
    staff("POST", "/members/{county}/{id}/transfer", Object::Member),
    staff("GET", "/members/{county}/{id}/leave", Object::Member),
    staff("GET", "/floating", Object::None),
    staff("GET", "/floating.csv", Object::None),
    staff("GET", "/floating.xlsx", Object::None),
    staff("GET", "/dues", Object::None),
    staff("GET", "/dues.csv", Object::None),
    staff("GET", "/dues.xlsx", Object::None),
    staff("GET", "/dues/members", Object::None),
    staff("GET", "/dues/members.csv", Object::None),
    staff("GET", "/dues/members.xlsx", Object::None),
    staff("POST", "/floating/{id}/end", Object::Floating),
    staff("GET", "/members/{county}/{id}/outflow", Object::Member),
    staff("POST", "/members/{county}/{id}/outflow", Object::Member),
    staff("POST", "/members/{county}/{id}/leave", Object::Member),
    staff("GET", "/imports", Object::None),
    staff("POST", "/imports", Object::None),
    staff("GET", "/imports/templates/members.xlsx", Object::None),
    staff("GET", "/imports/templates/organizations.xlsx", Object::None),
    staff("GET", "/imports/templates/party-orgs.xlsx", Object::None),
    staff("GET", "/imports/templates/assignments.xlsx", Object::None),
    staff("GET", "/imports/templates/payments.xlsx", Object::None),
    staff("GET", "/imports/templates/meetings.xlsx", Object::None),
    staff("GET", "/imports/templates/zones.xlsx", Object::None),
    staff("GET", "/imports/templates/posts.xlsx", Object::None),
    staff("GET", "/imports/uploads/{id}", Object::Upload),
    staff("GET", "/imports/uploads/{id}/problems.csv", Object::Upload),
    staff("POST", "/imports/uploads/{id}/commit", Object::Upload),
    staff("POST", "/imports/uploads/{id}/discard", Object::Upload),
    staff("GET", "/imports/{id}/undo", Object::Import),
    staff("POST", "/imports/{id}/undo", Object::Import),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/committee",
        Object::PartyOrg,
    ),
    staff(
        "POST",
        "/party-orgs/{county}/{id}/committee",
        Object::PartyOrg,
    ),
    staff(
        "POST",
        "/party-orgs/{county}/{id}/committee/end",
        Object::PartyOrg,
    ),
    staff(
        "POST",
        "/party-orgs/{county}/{id}/records-start",
        Object::PartyOrg,
    ),
    staff("GET", "/party-orgs/{county}/{id}/edit", Object::PartyOrg),
    staff("POST", "/party-orgs/{county}/{id}/edit", Object::PartyOrg),
    staff("GET", "/party-orgs/{county}/{id}/new", Object::PartyOrg),
    staff("POST", "/party-orgs/{county}/{id}/new", Object::PartyOrg),
    staff(
        "GET",
        "/party-orgs/{county}/{id}/members/new",
        Object::PartyOrg,
    ),
    staff(
        "POST",
        "/party-orgs/{county}/{id}/members/new",
        Object::PartyOrg,
    ),
    r("GET", "/members", Access::Page, Object::None),
    r("GET", "/members.csv", Access::Page, Object::None),
    r("GET", "/members.xlsx", Access::Page, Object::None),
    staff("POST", "/members/find", Object::None),
    r(
        "GET",
        "/members/{county}/{id}",
        Access::Page,
        Object::Member,
    ),
    staff("GET", "/members/{county}/{id}/edit", Object::Member),
    staff("POST", "/members/{county}/{id}/resident-id", Object::Member),
    staff("POST", "/members/{county}/{id}/edit", Object::Member),
    committees("GET", "/organizations/new"),
    committees("POST", "/organizations/new"),
    Route {
        method: "GET",
        path: "/organizations/{county}/{id}/edit",
        access: Access::Page,
        object: Object::Organization,
        who: Who::Committees,
    },
    Route {
        method: "POST",
        path: "/organizations/{county}/{id}/edit",
        access: Access::Page,
        object: Object::Organization,
        who: Who::Committees,
    },
    Route {
        method: "GET",
        path: "/organizations/{county}/{id}/instructor",
        access: Access::Page,
        object: Object::Organization,
        who: Who::Committees,
    },
    Route {
        method: "POST",
        path: "/organizations/{county}/{id}/instructor",
        access: Access::Page,
        object: Object::Organization,
        who: Who::Committees,
    },
    r(
        "GET",
        "/organizations/{county}/{id}",
        Access::Page,
        Object::Organization,
    ),
    r("GET", "/gaps", Access::Page, Object::None),
    staff("GET", "/zones", Object::None),
    Route {
        method: "GET",
        path: "/zones/new",
        access: Access::Page,
        object: Object::None,
        who: Who::RegionCommittees,
    },
    Route {
        method: "POST",
        path: "/zones/new",
        access: Access::Page,
        object: Object::None,
        who: Who::RegionCommittees,
    },
    Route {
        method: "GET",
        path: "/zones/{id}",
        access: Access::Page,
        object: Object::Zone,
        who: Who::Committees,
    },
    Route {
        method: "POST",
        path: "/zones/{id}/items",
        access: Access::Page,
        object: Object::Zone,
        who: Who::Committees,
    },
    Route {
        method: "GET",
        path: "/zones/{id}/edit",
        access: Access::Page,
        object: Object::Zone,
        who: Who::Committees,
    },
    Route {
        method: "POST",
        path: "/zones/{id}/edit",
        access: Access::Page,
        object: Object::Zone,
        who: Who::Committees,
    },
    staff("GET", "/zones.csv", Object::None),
    staff("GET", "/zones.xlsx", Object::None),
    r("GET", "/gaps.csv", Access::Page, Object::None),
    r("GET", "/gaps.xlsx", Access::Page, Object::None),
    r("GET", "/api/v1/coverage", Access::Api, Object::None),
    r("GET", "/api/v1/coverage/trend", Access::Api, Object::None),
    r("GET", "/api/v1/zones", Access::Api, Object::None),
    r("GET", "/api/v1/life", Access::Api, Object::None),
    r("GET", "/api/v1/transfers", Access::Api, Object::None),
    r("GET", "/api/v1/floating", Access::Api, Object::None),
    r("GET", "/api/v1/dues", Access::Api, Object::None),
    r("GET", "/api/v1/dues/members", Access::Api, Object::None),
    Route {
        method: "GET",
        path: "/api/v1/party-orgs/{county}/{id}",
        access: Access::Api,
        object: Object::PartyOrg,
        who: Who::Staff,
    },
    api_staff("GET", "/api/v1/weak", Object::None),
    api_staff("GET", "/api/v1/stars", Object::None),
    api_staff("GET", "/api/v1/rectifications", Object::None),
    api_staff(
        "GET",
        "/api/v1/party-orgs/{county}/{id}/funds",
        Object::PartyOrg,
    ),
    api_staff(
        "GET",
        "/api/v1/party-orgs/{county}/{id}/statistics",
        Object::PartyOrg,
    ),
    api_staff("GET", "/api/v1/exemplars", Object::None),
    api_staff("GET", "/api/v1/reviews", Object::None),
    api_staff("GET", "/api/v1/centers", Object::None),
    api_staff("GET", "/api/v1/workforce", Object::None),
    api_staff("GET", "/api/v1/investors", Object::None),
    api_staff("GET", "/api/v1/projects", Object::None),
    Route {
        method: "GET",
        path: "/api/v1/assessment",
        access: Access::Api,
        object: Object::None,
        who: Who::Committees,
    },
    Route {
        method: "GET",
        path: "/api/v1/bulletin",
        access: Access::Api,
        object: Object::None,
        who: Who::Committees,
    },
    api_staff("GET", "/api/v1/spot-checks", Object::None),
    api_staff(
        "GET",
        "/api/v1/spot-checks/{county}/{id}",
        Object::SpotCheck,
    ),
    Route {
        method: "GET",
        path: "/api/v1/zones/{id}/profile",
        access: Access::Api,
        object: Object::Zone,
        who: Who::Committees,
    },
    api_staff(
        "GET",
        "/api/v1/party-orgs/{county}/{id}/vanguard",
        Object::PartyOrg,
    ),
    api_staff(
        "GET",
        "/api/v1/party-orgs/{county}/{id}/evaluation-tables",
        Object::PartyOrg,
    ),
    api_staff("GET", "/api/v1/imports", Object::None),
    api_staff("POST", "/api/v1/imports", Object::None),
    api_staff("GET", "/api/v1/imports/uploads/{id}", Object::Upload),
    api_staff(
        "GET",
        "/api/v1/imports/uploads/{id}/problems",
        Object::Upload,
    ),
    api_staff(
        "POST",
        "/api/v1/imports/uploads/{id}/commit",
        Object::Upload,
    ),
    api_staff("POST", "/api/v1/imports/{id}/undo", Object::Import),
    r("GET", "/api/v1/members", Access::Api, Object::None),
    r("GET", "/api/v1/gaps", Access::Api, Object::None),
    r("GET", "/api/v1/organizations", Access::Api, Object::None),
    r(
        "GET",
        "/api/v1/organizations/{county}/{id}",
        Access::Api,
        Object::Organization,
    ),
];

fn handler(route: &Route) -> MethodRouter<Arc<AppState>> {
    match (route.method, route.path) {
        ("GET", "/login") => get(pages::login::show),
        ("POST", "/login") => post(pages::login::submit),
        ("GET", "/healthz") => get(ops::healthz),
        ("GET", "/metrics") => get(ops::metrics),
        ("GET", "/static/app.css") => get(ops::css),
        ("GET", "/api/v1/openapi.json") => get(api::openapi::get),
        ("POST", "/logout") => post(pages::logout::submit),
        ("GET", "/") => get(pages::dashboard::show),
        ("GET", "/account/password") => get(pages::password::show),
        ("GET", "/login/2fa") => get(pages::second_factor::show_code),
        ("POST", "/login/2fa") => post(pages::second_factor::submit_code),
        ("GET", "/account/2fa") => get(pages::second_factor::show_setup),
        ("POST", "/account/2fa/start") => post(pages::second_factor::start),
        ("POST", "/account/2fa/confirm") => post(pages::second_factor::confirm),
        ("POST", "/account/2fa/disable") => post(pages::second_factor::disable),
        ("GET", "/account/tokens") => get(pages::tokens::show),
        ("POST", "/account/tokens") => post(pages::tokens::create),
        ("POST", "/account/tokens/revoke") => post(pages::tokens::revoke),
        ("GET", "/rules") => get(pages::rules::show),
        ("POST", "/rules/versions") => post(pages::rules::add_version),
        ("GET", "/audit-log") => get(pages::audit_log::show),
        ("POST", "/audit-log/verify") => post(pages::audit_log::verify),
        ("GET", "/accounts") => get(pages::accounts::list),
        ("GET", "/accounts/new") => get(pages::accounts::show_new),
        ("POST", "/accounts/new") => post(pages::accounts::submit_new),
        ("POST", "/accounts/secretaries") => post(pages::accounts::secretaries),
        ("GET", "/accounts/{id}") => get(pages::accounts::show),
        ("POST", "/accounts/{id}/disable") => post(pages::accounts::disable),
        ("POST", "/accounts/{id}/enable") => post(pages::accounts::enable),
        ("POST", "/accounts/{id}/reset") => post(pages::accounts::reset),
        ("POST", "/account/password") => post(pages::password::submit),
        ("GET", "/organizations") => get(pages::organizations::show),
        ("GET", "/organizations.csv") => get(pages::organizations::csv),
        ("GET", "/organizations.xlsx") => get(pages::organizations::xlsx),
        ("GET", "/party-orgs") => get(pages::party_org::root),
        ("GET", "/party-orgs.csv") => get(pages::party_org::csv),
        ("GET", "/party-orgs.xlsx") => get(pages::party_org::xlsx),
        ("GET", "/party-orgs/{county}/{id}") => get(pages::party_org::show),
        ("GET", "/life") => get(pages::life_overview::show),
        ("GET", "/life.csv") => get(pages::life_overview::csv),
        ("GET", "/life.xlsx") => get(pages::life_overview::xlsx),
        ("GET", "/audit") => get(pages::audit::show),
        ("GET", "/audit.xlsx") => get(pages::audit::xlsx),
        ("GET", "/audit.csv") => get(pages::audit::csv),
        ("POST", "/audit/run") => post(pages::audit::run),
        ("POST", "/audit/findings/{county}/{id}/close") => post(pages::audit::close),
        ("GET", "/party-orgs/{county}/{id}/life") => get(pages::life::show),
        ("GET", "/party-orgs/{county}/{id}/dues") => get(pages::dues_sheet::show),
        ("POST", "/party-orgs/{county}/{id}/dues") => post(pages::dues_sheet::submit),
        ("GET", "/members/{county}/{id}/dues") => get(pages::member_dues::show),
        ("POST", "/members/{county}/{id}/dues") => post(pages::member_dues::set_standard),
        ("POST", "/members/{county}/{id}/archive") => post(pages::members::record_archive),
        ("POST", "/members/{county}/{id}/resident-id") => post(pages::member_reveal::submit),
        ("POST", "/members/find") => post(pages::members::find),
        ("POST", "/members/{county}/{id}/dues/correct") => post(pages::member_dues::correct),
        ("GET", "/party-orgs/{county}/{id}/meetings/new") => get(pages::meeting_new::show),
        ("POST", "/party-orgs/{county}/{id}/meetings/new") => post(pages::meeting_new::submit),
        ("GET", "/party-orgs/{county}/{id}/appraisals") => get(pages::appraisals::show),
        ("POST", "/party-orgs/{county}/{id}/appraisals") => post(pages::appraisals::open),
        ("GET", "/appraisals/{county}/{id}") => get(pages::appraisal::show),
        ("POST", "/appraisals/{county}/{id}/close") => post(pages::appraisal::close),
        ("POST", "/appraisals/{county}/{id}/decide") => post(pages::appraisal::decide),
        ("GET", "/appraisals/{county}/{id}/bulletin.txt") => get(pages::appraisal::bulletin),
        ("GET", "/party-orgs/{county}/{id}/stars") => get(pages::stars::show),
        ("GET", "/party-orgs/{county}/{id}/checkups") => get(pages::checkups::show),
        ("GET", "/party-orgs/{county}/{id}/funds") => get(pages::funds::show),
        ("GET", "/party-orgs/{county}/{id}/funds.xlsx") => get(pages::funds::xlsx),
        ("POST", "/party-orgs/{county}/{id}/funds") => post(pages::funds::enter),
        ("POST", "/party-orgs/{county}/{id}/funds/reverse") => post(pages::funds::reverse),
        ("POST", "/party-orgs/{county}/{id}/funds/budget") => post(pages::funds::budget),
        ("GET", "/api/v1/weak") => get(api::evaluation::weak),
        ("GET", "/api/v1/stars") => get(api::evaluation::stars),
        ("GET", "/api/v1/rectifications") => get(api::evaluation::rectifications),
        ("GET", "/api/v1/party-orgs/{county}/{id}/funds") => get(api::funds::get),
        ("GET", "/api/v1/party-orgs/{county}/{id}/statistics") => get(api::statistics::get),
        ("GET", "/api/v1/zones/{id}/profile") => get(api::town::profile),
        ("GET", "/api/v1/exemplars") => get(api::exemplars::list),
        ("GET", "/api/v1/reviews") => get(api::reviews::list),
        ("GET", "/api/v1/centers") => get(api::centers::list),
        ("GET", "/api/v1/workforce") => get(api::workforce::list),
        ("GET", "/api/v1/investors") => get(api::investors::list),
        ("GET", "/api/v1/projects") => get(api::projects::list),
        ("GET", "/api/v1/assessment") => get(api::assessment::list),
        ("GET", "/api/v1/bulletin") => get(api::bulletin::get),
        ("GET", "/api/v1/spot-checks") => get(api::spot_checks::list),
        ("GET", "/api/v1/spot-checks/{county}/{id}") => get(api::spot_checks::get),
        ("GET", "/api/v1/party-orgs/{county}/{id}/vanguard") => get(api::evaluation::vanguard),
        ("GET", "/api/v1/party-orgs/{county}/{id}/evaluation-tables") => {
            get(api::evaluation::tables)
        }
        ("GET", "/party-orgs/{county}/{id}/vanguard") => get(pages::vanguard_bands::show),
        ("GET", "/party-orgs/{county}/{id}/evaluation-tables") => {
            get(pages::evaluation_tables::show)
        }
        ("GET", "/party-orgs/{county}/{id}/statistics") => get(pages::statistics::show),
        ("GET", "/party-orgs/{county}/{id}/statistics.xlsx") => get(pages::statistics::xlsx),
        ("GET", "/party-orgs/{county}/{id}/statistics/cell") => get(pages::statistics::cell),
        ("GET", "/party-orgs/{county}/{id}/evaluation-tables.xlsx") => {
            get(pages::evaluation_tables::xlsx)
        }
        ("POST", "/party-orgs/{county}/{id}/stars") => post(pages::stars::self_assess),
        ("GET", "/stars") => get(pages::star_list::show),
        ("GET", "/stars.xlsx") => get(pages::star_list::xlsx),
        ("GET", "/stars.csv") => get(pages::star_list::csv),
        ("GET", "/stars/{county}/{id}") => get(pages::stars::show_assessment),
        ("POST", "/stars/{county}/{id}/score") => post(pages::stars::score),
        ("POST", "/stars/{county}/{id}/review") => post(pages::stars::review),
        ("POST", "/stars/{county}/{id}/confirm") => post(pages::stars::confirm),
        ("GET", "/members/{county}/{id}/vanguard") => get(pages::vanguard::show),
        ("POST", "/members/{county}/{id}/vanguard") => post(pages::vanguard::enter),
        ("POST", "/members/{county}/{id}/vanguard/withdraw") => post(pages::vanguard::withdraw),
        ("GET", "/members/{county}/{id}/self-assessment") => get(pages::self_assessment::show),
        ("POST", "/members/{county}/{id}/self-assessment") => post(pages::self_assessment::save),
        ("GET", "/members/{county}/{id}/checkup") => get(pages::checkup::show),
        ("POST", "/members/{county}/{id}/checkup") => post(pages::checkup::submit),
        ("POST", "/members/{county}/{id}/checkup/review") => post(pages::checkup::review),
        ("GET", "/members/{county}/{id}/correction") => get(pages::correction::show),
        ("POST", "/members/{county}/{id}/correction") => post(pages::correction::open),
        ("POST", "/members/{county}/{id}/correction/close") => post(pages::correction::close),
        ("GET", "/tasks") => get(pages::tasks::show),
        ("POST", "/tasks") => post(pages::tasks::assign),
        ("POST", "/tasks/record") => post(pages::tasks::record),
        ("GET", "/charges") => get(pages::charges::show),
        ("POST", "/charges") => post(pages::charges::assign),
        ("POST", "/charges/{county}/{id}/end") => post(pages::charges::end),
        ("GET", "/centers") => get(pages::centers::show),
        ("POST", "/centers") => post(pages::centers::register),
        ("POST", "/centers/bookings") => post(pages::centers::book),
        ("POST", "/centers/bookings/{county}/{id}/cancel") => post(pages::centers::cancel),
        ("GET", "/centers/{county}/{id}") => get(pages::centers::show_one),
        ("POST", "/centers/{county}/{id}/close") => post(pages::centers::close),
        ("GET", "/bulletin") => get(pages::bulletin::show),
        ("GET", "/bulletin.docx") => get(pages::bulletin::docx),
        ("GET", "/bulletin.xlsx") => get(pages::bulletin::xlsx),
        ("GET", "/effectiveness") => get(pages::bulletin::effectiveness),
        ("GET", "/projects") => get(pages::projects::show),
        ("GET", "/assessment") => get(pages::assessment::show),
        ("GET", "/assessment.xlsx") => get(pages::assessment::xlsx),
        ("GET", "/assessment.csv") => get(pages::assessment::csv),
        ("POST", "/assessment/criteria") => post(pages::assessment::adopt),
        ("GET", "/assessment/{kind}/{id}") => get(pages::assessment::show_sheet),
        ("POST", "/assessment/{kind}/{id}/scores") => post(pages::assessment::score),
        ("POST", "/assessment/{kind}/{id}/final") => post(pages::assessment::decide),
        ("GET", "/projects.xlsx") => get(pages::projects::xlsx),
        ("GET", "/projects.csv") => get(pages::projects::csv),
        ("POST", "/projects") => post(pages::projects::take_on),
        ("GET", "/projects/{county}/{id}") => get(pages::projects::show_project),
        ("POST", "/projects/{county}/{id}/milestones/{row}/done") => {
            post(pages::projects::complete)
        }
        ("POST", "/projects/{county}/{id}/notes") => post(pages::projects::note),
        ("POST", "/projects/{county}/{id}/close") => post(pages::projects::close),
        ("GET", "/investors") => get(pages::investors::show),
        ("GET", "/investors.xlsx") => get(pages::investors::xlsx),
        ("GET", "/investors.csv") => get(pages::investors::csv),
        ("POST", "/investors") => post(pages::investors::register),
        ("POST", "/investors/events") => post(pages::investors::record),
        ("POST", "/investors/{county}/{id}/end") => post(pages::investors::end),
        ("GET", "/workforce") => get(pages::workforce::show),
        ("GET", "/workforce.xlsx") => get(pages::workforce::xlsx),
        ("GET", "/workforce.csv") => get(pages::workforce::csv),
        ("POST", "/workforce/workers") => post(pages::workforce::register),
        ("POST", "/workforce/workers/{county}/{id}/end") => post(pages::workforce::end),
        ("POST", "/workforce/courses") => post(pages::workforce::record),
        ("GET", "/workforce/courses/{county}/{id}") => get(pages::workforce::show_course),
        ("POST", "/workforce/courses/{county}/{id}/attendees") => post(pages::workforce::add),
        ("POST", "/workforce/courses/{county}/{id}/attendees/{row}/remove") => {
            post(pages::workforce::remove)
        }
        ("GET", "/reviews") => get(pages::reviews::show),
        ("GET", "/reviews.xlsx") => get(pages::reviews::xlsx),
        ("GET", "/reviews.csv") => get(pages::reviews::csv),
        ("POST", "/reviews/report") => post(pages::reviews::file),
        ("POST", "/reviews/meetings") => post(pages::reviews::meeting),
        ("GET", "/reviews/{county}/{id}") => get(pages::reviews::report),
        ("GET", "/reviews/{county}/{id}/file") => get(pages::reviews::attachment),
        ("POST", "/reviews/{county}/{id}/grade") => post(pages::reviews::grade),
        ("POST", "/reviews/{county}/{id}/rectifications") => post(pages::reviews::raise),
        ("POST", "/reviews/{county}/{id}/rectifications/done") => post(pages::reviews::done),
        ("GET", "/exemplars") => get(pages::exemplars::show),
        ("GET", "/exemplars.xlsx") => get(pages::exemplars::xlsx),
        ("GET", "/exemplars.csv") => get(pages::exemplars::csv),
        ("POST", "/exemplars") => post(pages::exemplars::record),
        ("POST", "/exemplars/{county}/{id}/publish") => post(pages::exemplars::publish),
        ("POST", "/exemplars/{county}/{id}/withdraw") => post(pages::exemplars::withdraw),
        ("GET", "/spot-checks") => get(pages::spot_checks::list),
        ("POST", "/spot-checks") => post(pages::spot_checks::publish),
        ("GET", "/spot-checks/{county}/{id}") => get(pages::spot_checks::show),
        ("GET", "/spot-checks/{county}/{id}/sample.xlsx") => get(pages::spot_checks::xlsx),
        ("GET", "/spot-checks/{county}/{id}/sample.csv") => get(pages::spot_checks::csv),
        ("POST", "/spot-checks/{county}/{id}/draw") => post(pages::spot_checks::draw),
        ("POST", "/spot-checks/{county}/{id}/inspect") => post(pages::spot_checks::inspect),
        ("POST", "/spot-checks/{county}/{id}/findings") => post(pages::spot_checks::raise),
        ("POST", "/spot-checks/{county}/{id}/close") => post(pages::spot_checks::close),
        ("GET", "/weak") => get(pages::weak::show),
        ("GET", "/weak.xlsx") => get(pages::weak::xlsx),
        ("GET", "/weak.csv") => get(pages::weak::csv),
        ("GET", "/weak/cases.xlsx") => get(pages::weak::cases_xlsx),
        ("GET", "/weak/new") => get(pages::weak::show_new),
        ("POST", "/weak/new") => post(pages::weak::submit_new),
        ("GET", "/rectifications/{county}/{id}") => get(pages::rectification::show),
        ("POST", "/rectifications/{county}/{id}/notes") => post(pages::rectification::note),
        ("POST", "/rectifications/{county}/{id}/accept") => post(pages::rectification::accept),
        ("GET", "/ballot/{county}/{id}") => get(pages::ballot::show),
        ("POST", "/ballot/{county}/{id}") => post(pages::ballot::submit),
        ("GET", "/meetings/{county}/{id}") => get(pages::meeting::show),
        ("GET", "/meetings/{county}/{id}/correct") => get(pages::meeting_correct::show),
        ("POST", "/meetings/{county}/{id}/correct") => post(pages::meeting_correct::submit),
        ("GET", "/meetings/{county}/{id}/withdraw") => get(pages::meeting_correct::show_withdraw),
        ("POST", "/meetings/{county}/{id}/withdraw") => post(pages::meeting_correct::withdraw),
        ("GET", "/transfers") => get(pages::transfers::list),
        ("GET", "/transfers.csv") => get(pages::transfers::csv),
        ("GET", "/transfers.xlsx") => get(pages::transfers::xlsx),
        ("GET", "/transfers/{id}") => get(pages::transfers::show),
        ("POST", "/transfers/{id}/receive") => post(pages::transfers::receive),
        ("POST", "/transfers/{id}/return") => post(pages::transfers::return_letter),
        ("POST", "/transfers/{id}/cancel") => post(pages::transfers::cancel),
        ("GET", "/transfers/{id}/letter") => get(pages::transfer_letter::show),
        ("POST", "/transfers/{id}/letter") => post(pages::transfer_letter::reveal),
        ("GET", "/members/{county}/{id}/transfer") => get(pages::transfer_new::show),
        ("POST", "/members/{county}/{id}/transfer") => post(pages::transfer_new::submit),
        ("GET", "/members/{county}/{id}/leave") => get(pages::member_leave::show),
        ("GET", "/floating") => get(pages::floating::list),
        ("GET", "/floating.csv") => get(pages::floating::csv),
        ("GET", "/floating.xlsx") => get(pages::floating::xlsx),
        ("GET", "/dues") => get(pages::dues_overview::show),
        ("GET", "/dues.csv") => get(pages::dues_overview::csv),
        ("GET", "/dues.xlsx") => get(pages::dues_overview::xlsx),
        ("GET", "/dues/members") => get(pages::dues_members::show),
        ("GET", "/dues/members.csv") => get(pages::dues_members::csv),
        ("GET", "/dues/members.xlsx") => get(pages::dues_members::xlsx),
        ("POST", "/floating/{id}/end") => post(pages::floating::end),
        ("GET", "/members/{county}/{id}/outflow") => get(pages::outflow_new::show),
        ("POST", "/members/{county}/{id}/outflow") => post(pages::outflow_new::submit),
        ("POST", "/members/{county}/{id}/leave") => post(pages::member_leave::submit),
        ("GET", "/imports") => get(pages::imports::list),
        ("POST", "/imports") => post(pages::imports::upload),
        ("GET", "/imports/templates/members.xlsx") => get(pages::imports::member_template),
        ("GET", "/imports/templates/organizations.xlsx") => {
            get(pages::imports::organization_template)
        }
        ("GET", "/imports/templates/party-orgs.xlsx") => get(pages::imports::party_org_template),
        ("GET", "/imports/templates/assignments.xlsx") => get(pages::imports::assignment_template),
        ("GET", "/imports/templates/payments.xlsx") => get(pages::imports::payment_template),
        ("GET", "/imports/templates/meetings.xlsx") => get(pages::imports::meeting_template),
        ("GET", "/imports/templates/zones.xlsx") => get(pages::imports::zone_template),
        ("GET", "/imports/templates/posts.xlsx") => get(pages::imports::post_template),
        ("GET", "/imports/uploads/{id}") => get(pages::imports::show),
        ("GET", "/imports/uploads/{id}/problems.csv") => get(pages::imports::problems_csv),
        ("POST", "/imports/uploads/{id}/commit") => post(pages::imports::commit),
        ("POST", "/imports/uploads/{id}/discard") => post(pages::imports::discard),
        ("GET", "/imports/{id}/undo") => get(pages::imports::undo_confirm),
        ("POST", "/imports/{id}/undo") => post(pages::imports::undo),
        ("GET", "/party-orgs/{county}/{id}/committee") => get(pages::committee::show),
        ("POST", "/party-orgs/{county}/{id}/committee") => post(pages::committee::appoint),
        ("POST", "/party-orgs/{county}/{id}/committee/end") => post(pages::committee::end),
        ("POST", "/party-orgs/{county}/{id}/records-start") => post(pages::records_start::submit),
        ("GET", "/party-orgs/{county}/{id}/edit") => get(pages::party_org_edit::show),
        ("POST", "/party-orgs/{county}/{id}/edit") => post(pages::party_org_edit::submit),
        ("GET", "/party-orgs/{county}/{id}/new") => get(pages::party_org_new::show),
        ("POST", "/party-orgs/{county}/{id}/new") => post(pages::party_org_new::submit),
        ("GET", "/party-orgs/{county}/{id}/members/new") => get(pages::member_form::show_new),
        ("POST", "/party-orgs/{county}/{id}/members/new") => post(pages::member_form::submit_new),
        ("GET", "/members") => get(pages::members::list),
        ("GET", "/members.csv") => get(pages::members::csv),
        ("GET", "/members.xlsx") => get(pages::members::xlsx),
        ("GET", "/members/{county}/{id}") => get(pages::members::show),
        ("GET", "/members/{county}/{id}/edit") => get(pages::member_form::show_edit),
        ("POST", "/members/{county}/{id}/edit") => post(pages::member_form::submit_edit),
        ("GET", "/organizations/new") => get(pages::organization_form::show_new),
        ("POST", "/organizations/new") => post(pages::organization_form::submit_new),
        ("GET", "/organizations/{county}/{id}/edit") => get(pages::organization_form::show_edit),
        ("POST", "/organizations/{county}/{id}/edit") => {
            post(pages::organization_form::submit_edit)
        }
        ("GET", "/organizations/{county}/{id}/instructor") => get(pages::instructor_assign::show),
        ("POST", "/organizations/{county}/{id}/instructor") => {
            post(pages::instructor_assign::submit)
        }
        ("GET", "/organizations/{county}/{id}") => get(pages::organization::show),
        ("GET", "/gaps") => get(pages::gaps::show),
        ("GET", "/zones") => get(pages::zones::show),
        ("GET", "/zones/new") => get(pages::zone_form::show_new),
        ("POST", "/zones/new") => post(pages::zone_form::submit_new),
        ("GET", "/zones/{id}") => get(pages::zone::show),
        ("POST", "/zones/{id}/items") => post(pages::zone::set_item),
        ("GET", "/zones/{id}/edit") => get(pages::zone_form::show_edit),
        ("POST", "/zones/{id}/edit") => post(pages::zone_form::submit_edit),
        ("GET", "/zones.csv") => get(pages::zones::csv),
        ("GET", "/zones.xlsx") => get(pages::zones::xlsx),
        ("GET", "/gaps.csv") => get(pages::gaps::csv),
        ("GET", "/gaps.xlsx") => get(pages::gaps::xlsx),
        ("GET", "/api/v1/coverage") => get(api::coverage::get),
        ("GET", "/api/v1/coverage/trend") => get(api::trend::get),
        ("GET", "/api/v1/zones") => get(api::zones::list),
        ("GET", "/api/v1/life") => get(api::life::get),
        ("GET", "/api/v1/transfers") => get(api::transfers::list),
        ("GET", "/api/v1/floating") => get(api::floating::list),
        ("GET", "/api/v1/dues") => get(api::dues::get),
        ("GET", "/api/v1/dues/members") => get(api::dues::members),
        ("GET", "/api/v1/party-orgs/{county}/{id}") => get(api::party_org::get),
        ("GET", "/api/v1/imports") => get(api::imports::list),
        ("POST", "/api/v1/imports") => post(api::imports::create),
        ("GET", "/api/v1/imports/uploads/{id}") => get(api::imports::get),
        ("GET", "/api/v1/imports/uploads/{id}/problems") => get(api::imports::problems),
        ("POST", "/api/v1/imports/uploads/{id}/commit") => post(api::imports::commit),
        ("POST", "/api/v1/imports/{id}/undo") => post(api::imports::undo),
        ("GET", "/api/v1/members") => get(api::members::list),
        ("GET", "/api/v1/gaps") => get(api::gaps::list),
        ("GET", "/api/v1/organizations") => get(api::organizations::list),
        ("GET", "/api/v1/organizations/{county}/{id}") => get(api::organization::get),
        (m, p) => unreachable!("route {m} {p} is in ROUTES but has no handler"),
    }
}

/// The page action each kind of import stands for. Importing a sheet of a kind (on the page
/// or through the API), committing it and undoing it need exactly the right of that action,
/// as its route in [`ROUTES`] declares it: one right, one rule, on every path.
pub const IMPORT_ACTIONS: &[(&str, &str, &str)] = &[
    ("members", "POST", "/party-orgs/{county}/{id}/members/new"),
    ("organizations", "POST", "/organizations/new"),
    ("party_orgs", "POST", "/party-orgs/{county}/{id}/new"),
    (
        "assignments",
        "POST",
        "/organizations/{county}/{id}/instructor",
    ),
    ("payments", "POST", "/party-orgs/{county}/{id}/dues"),
    ("meetings", "POST", "/party-orgs/{county}/{id}/meetings/new"),
    ("zones", "POST", "/zones/new"),
    ("posts", "POST", "/party-orgs/{county}/{id}/committee"),
];

/// Who may import a kind: the roles of the page action it stands for. `None` for a kind
/// that is not one.
pub fn import_right(kind: &str) -> Option<Who> {
    let (_, method, path) = IMPORT_ACTIONS.iter().find(|(k, _, _)| *k == kind)?;
    ROUTES
        .iter()
        .find(|r| r.method == *method && r.path == *path)
        .map(|r| r.who)
}

/// 403 unless the user's role may do what a sheet of `kind` does.
pub fn require_import_right(role: Role, kind: &str) -> Result<(), WebError> {
    match import_right(kind) {
        Some(who) if who.admits(role) => Ok(()),
        Some(_) => {
            let label = liangxin_store::uploads::KINDS
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(kind, |(_, l)| l);
            Err(WebError::forbidden(format!(
                "您的角色不能在页面上办理这项业务，也就不能导入{label}"
            )))
        }
        None => Err(WebError::bad_field("导入类型", format!("不支持“{kind}”"))),
    }
}

/// 403 for a signed-in role the route is not for.
async fn require_role(
    State((who, access)): State<(Who, Access)>,
    req: Request,
    next: Next,
) -> Response {
    match req.extensions().get::<auth::Auth>() {
        Some(a) if who.admits(a.role) => next.run(req).await,
        _ => {
            let e = WebError::forbidden("您的角色不能使用此功能");
            if access == Access::Api {
                ApiError(e).into_response()
            } else {
                e.into_response()
            }
        }
    }
}

/// The router of [`ROUTES`], each route behind the check its access calls for.
pub fn router(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    let mut router = Router::new();
    for route in ROUTES {
        let mut h = handler(route);
        if route.method == "POST" && matches!(route.path, "/imports" | "/api/v1/imports") {
            // A spreadsheet, not a form: its own limit, above the default for forms.
            h = h.layer(DefaultBodyLimit::max(pages::imports::UPLOAD_LIMIT));
        }
        if route.method == "POST" && route.path == "/reviews/report" {
            // A report with its attachment.
            h = h.layer(DefaultBodyLimit::max(pages::reviews::REPORT_LIMIT));
        }
        // The role check runs inside the sign-in check (the last layer added runs first).
        let h = if route.access == Access::Public || route.who == Who::Anyone {
            h
        } else {
            h.route_layer(from_fn_with_state((route.who, route.access), require_role))
        };
        let h = match route.access {
            Access::Public => h,
            Access::Page => {
                h.route_layer(from_fn_with_state(state.clone(), auth::require_page_user))
            }
            Access::Api => h.route_layer(from_fn_with_state(state.clone(), auth::require_api_user)),
        };
        router = router.route(route.path, h);
    }
    router
}
