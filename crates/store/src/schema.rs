//! The diesel schema, shared by both backends (the migrations per backend agree on it).

diesel::table! {
    liangxin_meta (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::table! {
    id_alloc (name) {
        name -> Text,
        next_id -> BigInt,
    }
}

diesel::table! {
    rule_parameters (key, version) {
        key -> Text,
        version -> Integer,
        value -> BigInt,
        effective_from -> Date,
        title -> Text,
        source -> Text,
    }
}

diesel::table! {
    regions (code) {
        code -> Integer,
        name -> Text,
        parent_code -> Nullable<Integer>,
        level -> Text,
    }
}

diesel::table! {
    zones (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        kind -> Text,
        class -> Nullable<Text>,
        level -> Nullable<Text>,
        county_code -> Integer,
        town_code -> Nullable<Integer>,
    }
}

diesel::table! {
    organizations (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        name -> Text,
        credit_code -> Nullable<Text>,
        credit_code_check_failed -> Bool,
        kind -> Text,
        sectors -> BigInt,
        town_code -> Nullable<Integer>,
        zone_id -> Nullable<BigInt>,
        employees -> Nullable<Integer>,
        dissolved_on -> Nullable<Date>,
        registered_on -> Nullable<Date>,
        /// Raised by the database on every change (a form saved over another version is a conflict).
        row_version -> BigInt,
    }
}

diesel::table! {
    party_orgs (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        parent_county -> Nullable<Integer>,
        parent_id -> Nullable<BigInt>,
        path -> Text,
        name -> Text,
        org_type -> Text,
        formation_mode -> Nullable<Text>,
        zone_id -> Nullable<BigInt>,
        has_committee -> Bool,
        term_started -> Nullable<Date>,
        dissolved_on -> Nullable<Date>,
        records_start -> Date,
        /// Raised by the database on every change (a form saved over another version is a conflict).
        row_version -> BigInt,
    }
}

diesel::table! {
    party_org_coverage (county_code, organization_id, party_org_county, party_org_id) {
        county_code -> Integer,
        organization_id -> BigInt,
        party_org_county -> Integer,
        party_org_id -> BigInt,
        since -> Date,
    }
}

diesel::table! {
    coverage_ended (county_code, organization_id, party_org_county, party_org_id, since) {
        county_code -> Integer,
        organization_id -> BigInt,
        party_org_county -> Integer,
        party_org_id -> BigInt,
        since -> Date,
        until -> Date,
    }
}

diesel::table! {
    instructors (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        name -> Text,
        phone -> Nullable<Text>,
    }
}

diesel::table! {
    instructor_assignments (county_code, organization_id, instructor_county, instructor_id, since) {
        county_code -> Integer,
        organization_id -> BigInt,
        instructor_county -> Integer,
        instructor_id -> BigInt,
        since -> Date,
        until -> Nullable<Date>,
    }
}

diesel::table! {
    members (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        name -> Text,
        sex -> Text,
        birth_year -> Integer,
        status -> Text,
        joined_on -> Date,
        confirmed_on -> Nullable<Date>,
        workplace_county -> Nullable<Integer>,
        workplace_org_id -> Nullable<BigInt>,
        flow -> Text,
        flow_destination -> Nullable<Text>,
        left_on -> Nullable<Date>,
        leave_reason -> Nullable<Text>,
        arrived_on -> Nullable<Date>,
        ethnicity -> Nullable<Text>,
        education -> Nullable<Text>,
        occupation -> Nullable<Text>,
        /// Raised by the database on every change (a form saved over another version is a conflict).
        row_version -> BigInt,
    }
}

diesel::table! {
    member_profiles (county_code, member_id) {
        county_code -> Integer,
        member_id -> BigInt,
        resident_id_cipher -> Binary,
        resident_id_hash -> Text,
        resident_id_masked -> Text,
        phone -> Nullable<Text>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        entity -> Text,
        county_code -> Integer,
        entity_id -> BigInt,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
        key_id -> Text,
    }
}

diesel::table! {
    meetings (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        kind -> Text,
        held_on -> Date,
        place -> Text,
        host -> Text,
        recorder -> Text,
        topic -> Text,
        agenda -> Text,
        minutes -> Text,
        decisions -> Text,
        entered_on -> Date,
        entered_by -> Text,
        late -> Bool,
        quorate -> Nullable<Bool>,
    }
}

diesel::table! {
    meeting_attendance (county_code, meeting_id, member_county, member_id) {
        county_code -> Integer,
        meeting_id -> BigInt,
        member_county -> Integer,
        member_id -> BigInt,
        voter -> Bool,
        attendance -> Text,
        reason -> Nullable<Text>,
        held_on -> Nullable<Date>,
    }
}

diesel::table! {
    dues_standards (county_code, member_id, year) {
        county_code -> Integer,
        member_id -> BigInt,
        year -> Integer,
        category -> Text,
        base_fen -> Nullable<BigInt>,
        monthly_fen -> BigInt,
        reduced_fen -> Nullable<BigInt>,
        reduction_approval -> Nullable<Text>,
        set_on -> Date,
        set_by -> Text,
    }
}

diesel::table! {
    member_activity (county_code, member_id) {
        county_code -> Integer,
        member_id -> BigInt,
        last_present_on -> Nullable<Date>,
        last_absent_on -> Nullable<Date>,
        last_excused_on -> Nullable<Date>,
        last_paid_month -> Nullable<Date>,
        previous_paid_month -> Nullable<Date>,
        last_paid_on -> Nullable<Date>,
        archive_items -> BigInt,
        archive_last_received_on -> Nullable<Date>,
    }
}

diesel::table! {
    dues_payments (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        member_id -> BigInt,
        month -> Date,
        amount_fen -> BigInt,
        kind -> Text,
        paid_on -> Date,
        note -> Nullable<Text>,
        entered_by -> Text,
    }
}

diesel::table! {
    audit_runs (id) {
        id -> BigInt,
        scope_path -> Text,
        run_on -> Date,
        run_by -> Text,
        found -> Integer,
        opened -> Integer,
        resolved -> Integer,
    }
}

diesel::table! {
    audit_findings (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        responsible_id -> BigInt,
        subject_type -> Text,
        subject_id -> BigInt,
        subject_name -> Text,
        kind -> Text,
        severity -> Text,
        detail -> Text,
        rule_key -> Text,
        rule_version -> Integer,
        dedupe_key -> Text,
        first_found_on -> Date,
        closed_on -> Nullable<Date>,
        closed_by -> Nullable<Text>,
        close_note -> Nullable<Text>,
    }
}

diesel::table! {
    member_archive_items (county_code, member_id, item) {
        county_code -> Integer,
        member_id -> BigInt,
        item -> Text,
        received_on -> Date,
        recorded_by -> Text,
    }
}

diesel::table! {
    transfers (id) {
        id -> BigInt,
        member_county -> Integer,
        member_id -> BigInt,
        from_party_org_id -> BigInt,
        to_county -> Nullable<Integer>,
        to_party_org_id -> Nullable<BigInt>,
        to_outside -> Nullable<Text>,
        letter_kind -> Text,
        reason -> Text,
        issued_on -> Date,
        valid_until -> Date,
        dues_paid_through -> Nullable<Text>,
        state -> Text,
        closed_on -> Nullable<Date>,
        new_member_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    transfer_events (transfer_id, seq) {
        transfer_id -> BigInt,
        seq -> Integer,
        on_date -> Date,
        action -> Text,
        actor -> Text,
        note -> Text,
    }
}

diesel::joinable!(transfer_events -> transfers (transfer_id));

diesel::table! {
    imports (id) {
        id -> BigInt,
        kind -> Text,
        file_name -> Text,
        file_sha256 -> Text,
        actor -> Text,
        scope_path -> Text,
        imported_at -> Timestamp,
        rows_read -> Integer,
        created -> Integer,
        skipped -> Integer,
        undone_at -> Nullable<Timestamp>,
        undone_by -> Nullable<Text>,
        updated -> Integer,
        first_id -> Nullable<BigInt>,
        last_id -> Nullable<BigInt>,
        links -> Integer,
    }
}

diesel::table! {
    import_updates (import_id, county_code, record_id) {
        import_id -> BigInt,
        county_code -> Integer,
        record_id -> BigInt,
        old_values -> Text,
        new_values -> Text,
    }
}

diesel::joinable!(import_updates -> imports (import_id));

diesel::table! {
    import_assignments (import_id, seq) {
        import_id -> BigInt,
        seq -> Integer,
        county_code -> Integer,
        organization_id -> BigInt,
        instructor_county -> Integer,
        instructor_id -> BigInt,
        since -> Date,
        until -> Nullable<Date>,
    }
}

diesel::table! {
    import_uploads (id) {
        id -> BigInt,
        kind -> Text,
        file_name -> Text,
        file_sha256 -> Text,
        actor -> Text,
        scope_path -> Text,
        uploaded_at -> Timestamp,
        content -> Binary,
        state -> Text,
        done_rows -> Integer,
        total_rows -> Integer,
        updated_at -> Timestamp,
        preview -> Nullable<Text>,
        message -> Nullable<Text>,
        import_id -> Nullable<BigInt>,
        file_size -> BigInt,
    }
}

diesel::table! {
    import_upload_problems (upload_id) {
        upload_id -> BigInt,
        problems -> Binary,
    }
}

diesel::joinable!(import_uploads -> imports (import_id));

diesel::table! {
    floating_members (id) {
        id -> BigInt,
        member_county -> Integer,
        member_id -> BigInt,
        host_county -> Nullable<Integer>,
        host_party_org_id -> Nullable<BigInt>,
        destination -> Text,
        certificate_no -> Nullable<Text>,
        certificate_valid_until -> Nullable<Date>,
        out_on -> Date,
        back_on -> Nullable<Date>,
        note -> Text,
        transfer_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    /// 民主评议党员: one round per branch and year.
    appraisal_rounds (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        year -> Integer,
        title -> Text,
        opened_on -> Date,
        opened_by -> Text,
        salt -> Text,
        eligible -> Integer,
        closed_on -> Nullable<Date>,
        closed_by -> Nullable<Text>,
        bulletin -> Nullable<Text>,
        bulletin_hash -> Nullable<Text>,
        previous_hash -> Nullable<Text>,
        decided_on -> Nullable<Date>,
        decided_by -> Nullable<Text>,
    }
}

diesel::table! {
    appraisal_roll (county_code, round_id, position) {
        county_code -> Integer,
        round_id -> BigInt,
        position -> Integer,
        member_county -> Integer,
        member_id -> BigInt,
        name -> Text,
        self_assessment -> Nullable<Text>,
        grade -> Nullable<Text>,
    }
}

diesel::table! {
    /// No member column, by design: see the migration.
    appraisal_credentials (county_code, round_id, digest) {
        county_code -> Integer,
        round_id -> BigInt,
        digest -> Text,
        used -> Bool,
    }
}

diesel::table! {
    appraisal_ballots (county_code, round_id, tracker) {
        county_code -> Integer,
        round_id -> BigInt,
        tracker -> Text,
        marks -> Text,
    }
}

diesel::table! {
    /// 软弱涣散基层党组织整顿
    rectification_cases (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        year -> Integer,
        basis -> Text,
        reasons -> Text,
        causes -> Text,
        measures -> Text,
        leader -> Text,
        instructor_county -> Nullable<Integer>,
        instructor_id -> Nullable<BigInt>,
        deadline -> Date,
        opened_on -> Date,
        opened_by -> Text,
        closed_on -> Nullable<Date>,
        closed_by -> Nullable<Text>,
        acceptance -> Nullable<Text>,
    }
}

diesel::table! {
    rectification_notes (county_code, case_id, seq) {
        county_code -> Integer,
        case_id -> BigInt,
        seq -> Integer,
        noted_on -> Date,
        noted_by -> Text,
        note -> Text,
    }
}

diesel::table! {
    /// 双强六好 评星晋级
    star_assessments (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        year -> Integer,
        state -> Text,
        self_on -> Date,
        self_by -> Text,
        scored_on -> Nullable<Date>,
        scored_by -> Nullable<Text>,
        vetoes -> Nullable<Text>,
        record_items -> Nullable<Text>,
        total -> Nullable<Integer>,
        stars -> Nullable<Integer>,
        reviewed_on -> Nullable<Date>,
        reviewed_by -> Nullable<Text>,
        review_note -> Nullable<Text>,
        confirmed_on -> Nullable<Date>,
        confirmed_by -> Nullable<Text>,
        previous_stars -> Nullable<Integer>,
        demonstration -> Bool,
    }
}

diesel::table! {
    star_items (county_code, assessment_id, indicator) {
        county_code -> Integer,
        assessment_id -> BigInt,
        indicator -> Text,
        self_points -> Integer,
        evidence -> Text,
        points -> Nullable<Integer>,
        note -> Nullable<Text>,
        reviewed_points -> Nullable<Integer>,
    }
}

diesel::table! {
    /// 先锋岗、责任区、承诺践诺、比武、攻关、志愿服务、表彰、处分
    member_records (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        member_county -> Integer,
        member_id -> BigInt,
        kind -> Text,
        happened_on -> Date,
        until -> Nullable<Date>,
        title -> Text,
        evidence -> Text,
        entered_on -> Date,
        entered_by -> Text,
        withdrawn_on -> Nullable<Date>,
        withdrawn_by -> Nullable<Text>,
        withdrawn_reason -> Nullable<Text>,
    }
}

diesel::table! {
    /// 不合格党员处置
    correction_cases (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        member_county -> Integer,
        member_id -> BigInt,
        source -> Text,
        grounds -> Text,
        measures -> Text,
        helper -> Text,
        deadline -> Date,
        opened_on -> Date,
        opened_by -> Text,
        outcome -> Nullable<Text>,
        review -> Nullable<Text>,
        decision -> Nullable<Text>,
        approval -> Nullable<Text>,
        closed_on -> Nullable<Date>,
        closed_by -> Nullable<Text>,
    }
}

diesel::table! {
    checkups (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        member_county -> Integer,
        member_id -> BigInt,
        year -> Integer,
        state -> Text,
        submitted_on -> Date,
        submitted_by -> Text,
        review -> Nullable<Text>,
        reviewed_on -> Nullable<Date>,
        reviewed_by -> Nullable<Text>,
    }
}

diesel::table! {
    checkup_areas (county_code, checkup_id, area) {
        county_code -> Integer,
        checkup_id -> BigInt,
        area -> Text,
        rule_key -> Text,
        rule_version -> Integer,
        finding -> Text,
        problem -> Nullable<Text>,
        rectification -> Nullable<Text>,
        due -> Nullable<Date>,
        review_note -> Nullable<Text>,
    }
}

diesel::table! {
    /// 党建经费 ledger: receipts by source, spending by use, reversals by new lines.
    fund_lines (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        booked_on -> Date,
        direction -> Text,
        category -> Text,
        amount_fen -> BigInt,
        note -> Text,
        evidence -> Text,
        reverses -> Nullable<BigInt>,
        entered_on -> Date,
        entered_by -> Text,
    }
}

diesel::table! {
    /// 党建经费 budget of a year.
    fund_budgets (county_code, party_org_id, year) {
        county_code -> Integer,
        party_org_id -> BigInt,
        year -> Integer,
        amount_fen -> BigInt,
        set_on -> Date,
        set_by -> Text,
    }
}

diesel::table! {
    /// A town's profile items entered with their evidence (五个一, 五个同步, class checklist).
    zone_items (zone_id, item) {
        zone_id -> BigInt,
        item -> Text,
        state -> Text,
        evidence -> Text,
        updated_on -> Date,
        updated_by -> Text,
    }
}

diesel::table! {
    /// 责任清单: tasks a committee gives to an organization below or a named unit.
    duty_tasks (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        assigner_id -> BigInt,
        owner_county -> Nullable<Integer>,
        owner_id -> Nullable<BigInt>,
        owner_name -> Text,
        title -> Text,
        detail -> Text,
        deadline -> Date,
        assigned_on -> Date,
        assigned_by -> Text,
        progress -> Nullable<Text>,
        done_on -> Nullable<Date>,
        done_by -> Nullable<Text>,
        evidence -> Nullable<Text>,
    }
}

diesel::table! {
    /// 随机抽查: a round as published and drawn.
    spot_check_rounds (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        owner_id -> BigInt,
        region -> Nullable<Integer>,
        zone_id -> Nullable<BigInt>,
        title -> Text,
        population -> Text,
        strata -> Text,
        size -> Integer,
        seed -> BigInt,
        as_of -> Date,
        published_on -> Date,
        published_by -> Text,
        drawn_on -> Nullable<Date>,
        drawn_by -> Nullable<Text>,
        frame_size -> Nullable<Integer>,
        frame_digest -> Nullable<Text>,
    }
}

diesel::table! {
    /// A drawn item of a round and its inspection.
    spot_check_items (county_code, round_id, seq) {
        county_code -> Integer,
        round_id -> BigInt,
        seq -> Integer,
        stratum -> Text,
        stratum_label -> Text,
        item_code -> Text,
        item_name -> Text,
        item_rank -> Text,
        inspected_on -> Nullable<Date>,
        inspectors -> Nullable<Text>,
        result -> Nullable<Text>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    /// A problem an inspection found and the rectification it demands.
    spot_check_findings (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        round_id -> BigInt,
        seq -> Integer,
        problem -> Text,
        demand -> Text,
        deadline -> Date,
        raised_on -> Date,
        raised_by -> Text,
        closed_on -> Nullable<Date>,
        closed_by -> Nullable<Text>,
        closing_note -> Nullable<Text>,
    }
}

diesel::table! {
    /// 先进典型: an organization, member, worker or practice held up as an example.
    exemplars (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        kind -> Text,
        party_org_id -> BigInt,
        member_county -> Nullable<Integer>,
        member_id -> Nullable<BigInt>,
        title -> Text,
        summary -> Text,
        evidence -> Text,
        recognized_by -> Text,
        year -> Integer,
        recorded_on -> Date,
        recorded_by -> Text,
        published_on -> Nullable<Date>,
        published_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// 划片包干: a committee's cadre answering for an organization below it.
    area_charges (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        committee_id -> BigInt,
        cadre -> Text,
        post -> Text,
        party_org_county -> Integer,
        party_org_id -> BigInt,
        since -> Date,
        until -> Nullable<Date>,
        assigned_by -> Text,
    }
}

diesel::table! {
    /// 党群服务中心
    service_centers (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        zone_id -> BigInt,
        name -> Text,
        address -> Text,
        area_m2 -> Integer,
        opening_hours -> Text,
        open_days_per_week -> Integer,
        staff_full_time -> Integer,
        staff_part_time -> Integer,
        opened_on -> Date,
        closed_on -> Nullable<Date>,
        registered_by -> Text,
    }
}

diesel::table! {
    /// 党群服务中心预约
    center_bookings (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        center_id -> BigInt,
        party_org_county -> Integer,
        party_org_id -> BigInt,
        booked_for -> Date,
        purpose -> Text,
        booked_on -> Date,
        booked_by -> Text,
        cancelled_on -> Nullable<Date>,
    }
}

diesel::table! {
    /// 述职评议会
    review_meetings (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        committee_id -> BigInt,
        year -> Integer,
        held_on -> Date,
        place -> Text,
        attendance -> Text,
        recorded_by -> Text,
    }
}

diesel::table! {
    /// 书记抓党建述职报告 and its 评议
    secretary_reports (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        year -> Integer,
        secretary_id -> Nullable<BigInt>,
        secretary_name -> Text,
        body -> Text,
        file_name -> Nullable<Text>,
        file_sha256 -> Nullable<Text>,
        reported_on -> Date,
        reported_by -> Text,
        meeting_county -> Nullable<Integer>,
        meeting_id -> Nullable<BigInt>,
        grade -> Nullable<Text>,
        comments -> Nullable<Text>,
        graded_by -> Nullable<Text>,
    }
}

diesel::table! {
    secretary_report_files (county_code, report_id) {
        county_code -> Integer,
        report_id -> BigInt,
        content -> Binary,
    }
}

diesel::table! {
    /// 述职评议整改事项
    review_rectifications (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        report_id -> BigInt,
        problem -> Text,
        measure -> Text,
        deadline -> Date,
        raised_on -> Date,
        raised_by -> Text,
        done_on -> Nullable<Date>,
        done_note -> Nullable<Text>,
        done_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// 党务工作者
    party_workers (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        name -> Text,
        member_id -> Nullable<BigInt>,
        duty -> Text,
        source -> Text,
        qualification -> Text,
        since -> Date,
        until -> Nullable<Date>,
        registered_by -> Text,
    }
}

diesel::table! {
    /// 培训班次
    training_courses (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        title -> Text,
        kind -> Text,
        level -> Text,
        starts_on -> Date,
        ends_on -> Date,
        hours -> Integer,
        place -> Text,
        recorded_by -> Text,
    }
}

diesel::table! {
    /// 参训记录
    training_attendance (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        course_id -> BigInt,
        person_county -> Integer,
        member_id -> Nullable<BigInt>,
        worker_id -> Nullable<BigInt>,
        hours -> Integer,
    }
}

diesel::table! {
    /// 出资人
    unit_investors (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        organization_id -> BigInt,
        name -> Text,
        birth_year -> Integer,
        role -> Text,
        political_status -> Text,
        registered_on -> Date,
        registered_by -> Text,
        ended_on -> Nullable<Date>,
    }
}

diesel::table! {
    /// 联系和教育出资人的活动
    investor_events (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        kind -> Text,
        held_on -> Date,
        title -> Text,
        content -> Text,
        recorded_on -> Date,
        recorded_by -> Text,
    }
}

diesel::table! {
    investor_event_attendance (county_code, event_id, investor_county, investor_id) {
        county_code -> Integer,
        event_id -> BigInt,
        investor_county -> Integer,
        investor_id -> BigInt,
    }
}

diesel::table! {
    /// 书记领办项目
    led_projects (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        leader_id -> BigInt,
        title -> Text,
        goal -> Text,
        taken_on -> Date,
        due_on -> Date,
        recorded_by -> Text,
        closed_on -> Nullable<Date>,
        outcome -> Nullable<Text>,
        result -> Nullable<Text>,
        closed_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// 项目节点
    project_milestones (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        project_id -> BigInt,
        title -> Text,
        due_on -> Date,
        done_on -> Nullable<Date>,
        evidence -> Nullable<Text>,
        done_by -> Nullable<Text>,
    }
}

diesel::table! {
    /// 项目推进记录
    project_notes (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        project_id -> BigInt,
        noted_on -> Date,
        note -> Text,
        noted_by -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    imports,
    import_updates,
    import_uploads,
    import_upload_problems,
    floating_members,
    transfers,
    transfer_events,
    member_archive_items,
    audit_findings,
    dues_standards,
    dues_payments,
    meetings,
    meeting_attendance,
    member_activity,
    regions,
    zones,
    organizations,
    party_orgs,
    party_org_coverage,
    coverage_ended,
    instructors,
    instructor_assignments,
    members,
    member_profiles,
    appraisal_rounds,
    appraisal_roll,
    rectification_cases,
    rectification_notes,
    star_assessments,
    member_records,
    correction_cases,
    checkups,
    fund_lines,
    fund_budgets,
    zone_items,
    duty_tasks,
    checkup_areas,
    spot_check_rounds,
    spot_check_items,
    spot_check_findings,
    exemplars,
    area_charges,
    review_meetings,
    secretary_reports,
    secretary_report_files,
    review_rectifications,
    service_centers,
    center_bookings,
    party_workers,
    training_courses,
    training_attendance,
    unit_investors,
    investor_events,
    investor_event_attendance,
    led_projects,
    project_milestones,
    project_notes,
);

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        party_org_county -> Nullable<Integer>,
        party_org_id -> Nullable<BigInt>,
        region -> Nullable<Integer>,
        zone_id -> Nullable<BigInt>,
        instructor_county -> Nullable<Integer>,
        instructor_id -> Nullable<BigInt>,
        member_county -> Nullable<Integer>,
        member_id -> Nullable<BigInt>,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        must_change_password -> Bool,
        last_login_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        second_factor_pending -> Bool,
    }
}

diesel::table! {
    account_totp (user_id) {
        user_id -> BigInt,
        secret -> Binary,
        confirmed_at -> Nullable<Timestamp>,
        last_step -> BigInt,
    }
}

diesel::table! {
    account_recovery_codes (user_id, code_hash) {
        user_id -> BigInt,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_tokens (token_hash) {
        token_hash -> Text,
        user_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked -> Bool,
        read_only -> Bool,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        ip -> Text,
        username -> Text,
        at -> Timestamp,
        success -> Bool,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(users, sessions, api_tokens);
// An account's node, joined by account administration.
diesel::allow_tables_to_appear_in_same_query!(users, party_orgs);
diesel::allow_tables_to_appear_in_same_query!(users, members);
diesel::allow_tables_to_appear_in_same_query!(users, instructors);
diesel::allow_tables_to_appear_in_same_query!(users, account_totp);

diesel::table! {
    /// 支部委员会 posts and 党小组 leaders, each for a term.
    party_org_posts (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        party_org_id -> BigInt,
        post -> Text,
        member_id -> BigInt,
        since -> Date,
        until -> Nullable<Date>,
    }
}

diesel::allow_tables_to_appear_in_same_query!(party_org_posts, members);
diesel::allow_tables_to_appear_in_same_query!(party_org_posts, party_orgs);

diesel::table! {
    /// Secretary accounts disabled because their 书记 left the post.
    secretary_handovers (user_id) {
        user_id -> BigInt,
        county_code -> Integer,
        post_id -> BigInt,
    }
}
diesel::allow_tables_to_appear_in_same_query!(users, secretary_handovers);

diesel::table! {
    /// 考核清单's entered criteria, every version per year.
    assessment_criteria (id) {
        id -> BigInt,
        year -> Integer,
        code -> Text,
        version -> Integer,
        label -> Text,
        points -> Integer,
        guide -> Text,
        source -> Text,
        adopted_on -> Date,
        adopted_by -> Text,
    }
}

diesel::table! {
    /// Entered scores with their evidence, append-only.
    assessment_scores (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        year -> Integer,
        assessee_kind -> Text,
        assessee_id -> BigInt,
        criterion_id -> BigInt,
        points_tenths -> Integer,
        evidence -> Text,
        entered_on -> Date,
        entered_by -> Text,
    }
}

diesel::table! {
    /// Final scores decided, append-only.
    assessment_finals (county_code, id) {
        county_code -> Integer,
        id -> BigInt,
        year -> Integer,
        assessee_kind -> Text,
        assessee_id -> BigInt,
        score_tenths -> Integer,
        computed_tenths -> Integer,
        reason -> Text,
        decided_on -> Date,
        decided_by -> Text,
    }
}

diesel::joinable!(assessment_scores -> assessment_criteria (criterion_id));
diesel::allow_tables_to_appear_in_same_query!(assessment_scores, assessment_criteria);

diesel::table! {
    /// Scheduled jobs claimed per day by one server.
    job_claims (job, day) {
        job -> Text,
        day -> Date,
        claimed_by -> Text,
    }
}
