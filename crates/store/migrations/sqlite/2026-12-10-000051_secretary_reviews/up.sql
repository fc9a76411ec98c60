-- 书记抓党建述职评议考核: every year the secretary of each party organization reports on its
-- party building to the nearest committee above (述职); the committee reviews the reports at
-- a meeting (述职评议会), grades each 好/较好/一般/差 with comments, and lists the problems to
-- rectify; a rectification still open is carried into the next year's report.
CREATE TABLE review_meetings (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    committee_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    held_on DATE NOT NULL,
    place TEXT NOT NULL,
    attendance TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, committee_id) REFERENCES party_orgs (county_code, id)
);
CREATE INDEX review_meetings_committee ON review_meetings (county_code, committee_id, year);

CREATE TABLE secretary_reports (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    party_org_id BIGINT NOT NULL,
    year INTEGER NOT NULL,
    -- Who reported: the 书记 on the register that day (a member of the organization's
    -- county), or, with none recorded, the name typed (a committee's 书记 who is not on the
    -- two-new register, the 副书记 who stands in for a vacant post).
    secretary_id BIGINT,
    secretary_name TEXT NOT NULL,
    body TEXT NOT NULL,
    file_name TEXT,
    file_sha256 TEXT,
    reported_on DATE NOT NULL,
    reported_by TEXT NOT NULL,
    meeting_county INTEGER,
    meeting_id BIGINT,
    grade TEXT,
    comments TEXT,
    graded_by TEXT,
    PRIMARY KEY (county_code, id),
    UNIQUE (county_code, party_org_id, year),
    FOREIGN KEY (county_code, party_org_id) REFERENCES party_orgs (county_code, id),
    FOREIGN KEY (county_code, secretary_id) REFERENCES members (county_code, id),
    FOREIGN KEY (meeting_county, meeting_id) REFERENCES review_meetings (county_code, id)
);
CREATE INDEX secretary_reports_year ON secretary_reports (year, county_code);

-- The attachment apart, so lists never read it.
CREATE TABLE secretary_report_files (
    county_code INTEGER NOT NULL,
    report_id BIGINT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (county_code, report_id),
    FOREIGN KEY (county_code, report_id) REFERENCES secretary_reports (county_code, id)
);

CREATE TABLE review_rectifications (
    county_code INTEGER NOT NULL,
    id BIGINT NOT NULL,
    report_id BIGINT NOT NULL,
    problem TEXT NOT NULL,
    measure TEXT NOT NULL,
    deadline DATE NOT NULL,
    raised_on DATE NOT NULL,
    raised_by TEXT NOT NULL,
    done_on DATE,
    done_note TEXT,
    done_by TEXT,
    PRIMARY KEY (county_code, id),
    FOREIGN KEY (county_code, report_id) REFERENCES secretary_reports (county_code, id)
);
CREATE INDEX review_rectifications_report ON review_rectifications (county_code, report_id);

INSERT INTO id_alloc (name, next_id) VALUES ('review_meetings', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('secretary_reports', 1);
INSERT INTO id_alloc (name, next_id) VALUES ('review_rectifications', 1);
