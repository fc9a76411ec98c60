//! What every page shares: the layout (user, scope breadcrumb, menu), and the way numbers,
//! rates and dates are written (UI.md: counts with units, dates as 2026年11月27日).

use std::sync::Arc;

use askama::Template;
use axum::response::Html;
use liangxin_domain::registry::Key;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;

/// The frame around every signed-in page.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub user: String,
    pub role: &'static str,
    pub breadcrumb: Vec<String>,
    pub csrf: String,
    pub active: &'static str,
    pub printed: String,
    /// Shows the menu entries for those who work with the tree (not a member's own view).
    pub staff: bool,
    /// A committee's staff (city, county, town): the menu offers what only they do.
    pub committee: bool,
    /// The database holds the demo city (演示数据).
    pub demo: bool,
    /// A 系统管理员: the menu is account administration only.
    pub admin: bool,
    /// A 安全审计员: the menu is the audit log only.
    pub auditor: bool,
    /// A 安全管理员: the menu is the rule parameters only.
    pub security_admin: bool,
    /// May read the rule parameters (the 安全管理员, the city's committee).
    pub rules: bool,
    /// What the action that led here saved (已保存 …), shown above the page.
    pub saved: Option<&'static str>,
    /// The next step offered beside that message: its words and where it is.
    pub next: Option<(String, String)>,
    /// Where the page stands (当前位置): from the scope's root down the tree to the object,
    /// each step a link but the last. Empty on pages that are not about one object.
    pub trail: Vec<Crumb>,
}

/// One step of [`Layout::trail`].
#[derive(Debug, Clone)]
pub struct Crumb {
    pub name: String,
    pub href: Option<String>,
}

impl Crumb {
    pub fn link(name: impl Into<String>, href: impl Into<String>) -> Crumb {
        Crumb {
            name: name.into(),
            href: Some(href.into()),
        }
    }

    pub fn here(name: impl Into<String>) -> Crumb {
        Crumb {
            name: name.into(),
            href: None,
        }
    }
}

/// The message of a `?saved=` code a save redirects with; an unknown code shows nothing.
fn saved_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "member" => "已保存：党员信息已更新。",
        "leave" => "已保存：党员减少已登记，记录保留。",
        "standard" => "已保存：当年党费交纳标准已确定。",
        "dues" => "已保存：党费已登记。",
        "meeting" => "已保存：会议记录和出席情况已入台账。",
        "correction" => "已保存：更正记录已记入党费台账。",
        "return" => "已保存：返回已登记，外出记录结束。",
        "transfer_issued" => "已保存：介绍信已开具，对方接收前本组织仍负责该党员。",
        "transfer_received" => "已保存：转接已办结。",
        "transfer_returned" => "已保存：介绍信已退回开具的党组织。",
        "transfer_cancelled" => "已保存：介绍信已撤销。",
        "appraisal_closed" => "已保存：投票已结束，唱票结果公告已生成，请支委会进行组织评定。",
        "appraisal_decided" => "已保存：组织评定已记入各党员的评议结果。",
        "rectification_opened" => "已保存：整顿已立案，请支部按措施整改并记录进展。",
        "rectification_noted" => "已保存：整改进展已记录。",
        "rectification_accepted" => "已保存：已验收销号。",
        "stars_self" => "已保存：自评已提交，待小镇（园区）党工委评分。",
        "stars_scored" => "已保存：评分已提交，待县两新工委审核。",
        "stars_reviewed" => "已保存：审核已完成，待市两新工委确认。",
        "stars_confirmed" => "已保存：星级已确认。",
        "correction_opened" => "已保存：限期改正已登记，期满后请复查并记录处置结果。",
        "correction_closed" => "已保存：处置结果已记录。",
        "member_record" => "已保存：记录已登记，先锋指数已按记录重新计算。",
        "fund_line" => "已保存：已记入党建经费账。",
        "fund_reversed" => "已保存：已冲销，原账目和冲销账目都保留在账上。",
        "fund_budget" => "已保存：年度预算已更新。",
        "zone_item" => "已保存：清单项目已更新。",
        "task" => "已保存：任务已下达，责任单位在本页记录进展。",
        "task_progress" => "已保存：进展已记录。",
        "task_done" => "已保存：任务已完成。",
        "spot_published" => "已公布：随机种子和抽查方案已记录，下一步抽取。",
        "spot_drawn" => "已抽取：样本按公布的种子和名录生成并保存，任何人可以复核。",
        "spot_inspected" => "已保存：检查结果已记录。",
        "spot_finding" => "已保存：整改要求已提出。",
        "spot_closed" => "已验收销号。",
        "charge" => "已保存：包干已安排，包干党组织的待办显示在本页。",
        "charge_ended" => "已保存：包干已结束。",
        "center" => "已保存：党群服务中心已登记，党组织可以预约使用。",
        "center_closed" => "已保存：中心已停用。",
        "center_booked" => "已预约：当天本组织记录的会议计为在中心开展的活动。",
        "center_cancelled" => "已取消预约。",
        "worker" => "已保存：党务工作者已登记。",
        "worker_ended" => "已保存：党务工作者已离岗。",
        "course" => "已保存：培训班次已登记，请登记参训人员。",
        "investor" => "已保存：出资人已登记。",
        "investor_ended" => "已保存：出资人已退出，以前的联系记录保留。",
        "investor_event" => "已保存：联系教育活动已登记，计入所联系出资人的本年联系次数。",
        "project" => "已保存：领办项目已登记，请按节点推进。",
        "milestone" => "已保存：节点已完成。",
        "project_noted" => "已保存：推进情况已记录。",
        "project_closed" => "已保存：项目已结项。",
        "assessment_criterion" => "已保存：考核指标已制定，自本版本起按它评分。",
        "assessment_score" => "已保存：得分和评分依据已记录。",
        "assessment_final" => "已保存：最终得分已确定，与计算得分分开保存。",
        "trainees" => "已保存：参训人员已登记，学时计入本人。",
        "trainee_removed" => "已移出参训名单。",
        "review_filed" => "已提交：述职报告已送评议党委，评议前可以重新提交。",
        "review_meeting" => "已保存：述职评议会已记录，下一步在各份报告上评定等次。",
        "review_graded" => "已保存：评议等次和意见已记录，需要整改的请列出整改事项。",
        "review_rectification" => "已保存：整改事项已列出，由述职的党组织完成后填写整改情况。",
        "review_done" => "已保存：整改事项已完成。",
        "exemplar" => "已保存：先进典型已记录，待党委、党工委发布。",
        "exemplar_published" => "已发布：先进典型显示在所在园区小镇的页面上。",
        "exemplar_withdrawn" => "已撤回：先进典型不再显示。",
        "member_record_withdrawn" => "已撤销：这条记录不再计分，撤销理由已记录。",
        "checkup" => "已保存：党性体检自查已提交，待党支部评议；评议前可以修改。",
        "checkup_review" => "已保存：支部评议已记录。",
        "self_assessment" => "已保存：个人自评已记录，组织评定前可以修改。",
        _ => return None,
    })
}

/// The query string a page reads its 已保存 message from.
#[derive(Debug, Default, serde::Deserialize)]
pub struct SavedQuery {
    pub saved: Option<String>,
}

impl Layout {
    pub async fn new(
        state: &Arc<AppState>,
        auth: &Auth,
        title: &str,
        active: &'static str,
    ) -> Result<Layout, WebError> {
        let path = auth.scope.party_path.clone();
        let mut breadcrumb = state
            .pool
            .run(move |store| Ok(store.names_on_path(&path)?))
            .await?;
        if breadcrumb.is_empty() {
            breadcrumb.push(auth.user.display_name.clone());
        }
        Ok(Layout {
            title: title.to_owned(),
            user: auth.user.display_name.clone(),
            role: auth.role.label(),
            breadcrumb,
            csrf: auth.csrf.clone().unwrap_or_default(),
            active,
            printed: crate::today().format("%Y年%m月%d日").to_string(),
            staff: crate::routes::Who::Staff.admits(auth.role),
            committee: crate::routes::Who::Committees.admits(auth.role),
            demo: state.config.demo,
            admin: crate::routes::Who::Admins.admits(auth.role),
            auditor: crate::routes::Who::Auditors.admits(auth.role),
            security_admin: auth.role == liangxin_domain::kinds::Role::SecurityAdmin,
            rules: crate::routes::Who::RuleKeepers.admits(auth.role),
            saved: None,
            next: None,
            trail: Vec::new(),
        })
    }

    /// The page is about `org` or something of it: the trail runs from the scope's root
    /// down to `org` (the organizations above the scope are the top bar's), then `below`
    /// (a member, then what is done to it). The last step is where one stands, unlinked.
    pub async fn at(
        mut self,
        state: &Arc<AppState>,
        auth: &Auth,
        org: Key,
        below: Vec<Crumb>,
    ) -> Result<Layout, WebError> {
        let trail = state
            .pool
            .run(move |store| Ok(store.trail_to(org)?))
            .await?;
        self.trail = trail
            .into_iter()
            .filter(|(_, _, path)| auth.scope.contains_path(path))
            .map(|(k, name, _)| Crumb::link(name, format!("/party-orgs/{}/{}", k.county, k.id)))
            .chain(below)
            .collect();
        if let Some(last) = self.trail.last_mut() {
            last.href = None;
        }
        Ok(self)
    }

    /// The page shows the message of what was just saved (`?saved=`).
    pub fn saved(mut self, q: &SavedQuery) -> Layout {
        self.saved = q.saved.as_deref().and_then(saved_message);
        self
    }

    /// A step on one member (党员减少, 外出登记, 党费 …): the trail runs down to the member's
    /// branch, then the member, then the step.
    pub async fn at_member(
        self,
        state: &Arc<AppState>,
        auth: &Auth,
        m: &liangxin_store::people::MemberView,
        step: &str,
    ) -> Result<Layout, WebError> {
        let member = Crumb::link(&m.name, format!("/members/{}/{}", m.key.county, m.key.id));
        self.at(state, auth, m.party_org, vec![member, Crumb::here(step)])
            .await
    }

    /// With the 已保存 message, the step that usually comes next (a meeting's dues sheet).
    pub fn then(mut self, words: String, href: String) -> Layout {
        if self.saved.is_some() {
            self.next = Some((words, href));
        }
        self
    }
}

/// Renders a template into a page.
pub fn render<T: Template>(t: &T) -> Result<Html<String>, WebError> {
    t.render().map(Html).map_err(WebError::internal)
}

/// The answer to a form's POST: on success, a redirect to `to` (which names what was
/// saved); on bad input naming its field, the form's page again with the message, as 422;
/// anything else (not found, forbidden, a failure) as it is.
pub async fn after_post<T, F, Fut>(
    done: Result<(), WebError>,
    to: String,
    again: F,
) -> Result<axum::response::Response, WebError>
where
    T: Template,
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Result<T, WebError>>,
{
    use axum::http::StatusCode;
    use axum::response::{IntoResponse, Redirect};
    match done {
        Ok(()) => Ok(Redirect::to(&to).into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let page = again(e.message).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// A form's call into the store, once the form is parsed: run on the pool as the
/// signed-in user (the actor) in their scope.
pub type StoreCall = Box<
    dyn FnOnce(&mut liangxin_store::Store, &str, &liangxin_store::Scope) -> Result<(), WebError>
        + Send,
>;

/// One form POST from start to end: its token checked, its fields parsed by `parse` (given
/// today), the store called, then [`after_post`]: a redirect to `to` when done, or the page
/// `again` builds from the fields typed and the field's message, as 422.
pub async fn form_post<P, T, G, Fut>(
    state: &Arc<AppState>,
    auth: &Auth,
    body: &[u8],
    to: String,
    parse: P,
    again: G,
) -> Result<axum::response::Response, WebError>
where
    P: FnOnce(&[(String, String)], chrono::NaiveDate) -> Result<StoreCall, WebError>,
    T: Template,
    G: FnOnce(Vec<(String, String)>, String) -> Fut,
    Fut: Future<Output = Result<T, WebError>>,
{
    let pairs = crate::params::form_pairs(body)?;
    auth.check_csrf(&crate::params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let done = match parse(&pairs, today) {
        Ok(call) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| call(store, &actor, &scope))
                .await
        }
        Err(e) => Err(e),
    };
    after_post(done, to, |message| again(pairs, message)).await
}

/// 2026年11月27日
pub fn cn_day(d: chrono::NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

/// 12,345
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "12,345个"
pub fn count(n: u64, unit: &str) -> String {
    format!("{}{unit}", thousands(n))
}

/// A count as the page shows it, with the list of exactly those rows where one exists.
#[derive(Debug)]
pub struct Figure {
    pub text: String,
    pub n: u64,
    pub href: Option<String>,
}

impl Figure {
    /// `n` units, listed at `/organizations` with `base` (a group's filter) and `filter`.
    pub fn units(n: u64, base: &str, filter: &str) -> Figure {
        let q: Vec<&str> = [base, filter]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let href = if q.is_empty() {
            "/organizations".to_owned()
        } else {
            format!("/organizations?{}", q.join("&"))
        };
        Figure {
            text: count(n, "个"),
            n,
            href: Some(href),
        }
    }
}

/// "20.6%", or "—" for an empty group.
pub fn rate(r: Option<f64>) -> String {
    r.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

/// An option of a select box.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Builds a query string from pairs, leaving out empty values.
pub fn query(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", crate::auth::urlencode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The choices of a coded enumeration for a `<select>`, the one whose code is `selected`
/// marked.
pub fn choices<T: liangxin_domain::kinds::Coded>(selected: &str) -> Vec<Choice> {
    T::all()
        .iter()
        .map(|x| Choice {
            value: x.code().into(),
            label: x.label().into(),
            selected: selected == x.code(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_for_people() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(count(60000, "个"), "60,000个");
        assert_eq!(rate(Some(20.55)), "20.6%");
        assert_eq!(rate(None), "—");
        assert_eq!(
            query(&[("q", "红木 家具".into()), ("page", String::new())]),
            "?q=%E7%BA%A2%E6%9C%A8%20%E5%AE%B6%E5%85%B7"
        );
    }
}

/// A list's pages: previous and next, and a jump to any page that keeps the list's filters.
#[derive(Debug, Clone)]
pub struct Pager {
    /// The list's path (`/dues`).
    pub action: String,
    /// The filters to keep, the page left out.
    pub fields: Vec<(&'static str, String)>,
    pub page: i64,
    pub pages: i64,
    /// Rows a page holds.
    pub size: usize,
}

impl Pager {
    /// Page `page` of `rows` rows at `size` a page; a page past the end shows the last.
    pub fn new(
        action: &str,
        fields: Vec<(&'static str, String)>,
        page: i64,
        rows: usize,
        size: usize,
    ) -> Pager {
        let pages = i64::try_from(rows.div_ceil(size.max(1)).max(1)).unwrap_or(i64::MAX);
        Pager {
            action: action.to_owned(),
            fields: fields.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
            page: page.clamp(1, pages),
            pages,
            size: size.max(1),
        }
    }

    /// Where the page's rows start.
    pub fn offset(&self) -> usize {
        usize::try_from(self.page - 1).unwrap_or(0) * self.size
    }

    /// The page's rows of the whole list `all`.
    pub fn rows<'a, T>(&self, all: &'a [T]) -> &'a [T] {
        let from = self.offset().min(all.len());
        &all[from..(from + self.size).min(all.len())]
    }

    /// The link of page `page` with the same filters.
    pub fn link(&self, page: i64) -> String {
        let mut pairs = self.fields.clone();
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        format!("{}{}", self.action, query(&pairs))
    }

    pub fn prev(&self) -> Option<String> {
        (self.page > 1).then(|| self.link(self.page - 1))
    }

    pub fn next(&self) -> Option<String> {
        (self.page < self.pages).then(|| self.link(self.page + 1))
    }
}

/// The years a page's year selector offers: this year and the two before, and the year
/// shown if it is older.
pub fn year_choices(today: chrono::NaiveDate, shown: i32) -> Vec<i32> {
    use chrono::Datelike;
    let mut years: Vec<i32> = (today.year() - 2..=today.year()).rev().collect();
    if !years.contains(&shown) {
        years.push(shown);
    }
    years
}
