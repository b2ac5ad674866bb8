-- Raw tables: what was received and what it said, with provenance. Append-only across versions;
-- the transform builds everything else from them.

create table if not exists raw_submissions (
    submission_id     integer primary key,
    file_name         varchar not null,
    source_path       varchar,
    sha256            varchar not null,
    size_bytes        bigint not null,
    received_at       timestamp not null,
    kind              varchar not null,
    ingest_status     varchar not null,  -- loaded, partially_loaded, duplicate, rejected
    duplicate_of      integer,
    municipality_code varchar,
    year              integer,
    submitted_at      timestamp,
    rows_loaded       integer,
    rows_rejected     integer,
    run_id            integer not null
);

create table if not exists raw_issues (
    submission_id integer not null,
    severity      varchar not null,
    code          varchar not null,
    sheet         varchar,
    "row"         integer,
    field         varchar,
    message       varchar not null,
    expected      varchar,
    value         varchar
);

-- columns added after the first release: older warehouses gain them on their next ingest
alter table raw_issues add column if not exists label varchar;

create table if not exists raw_reports (
    submission_id                 integer not null,
    municipality_code             varchar not null,
    reporting_year                integer not null,
    submitted_at                  timestamp not null,
    received_at                   timestamp not null,
    council_exists                boolean,
    council_name                  varchar,
    council_established_year      integer,
    council_chair                 varchar,
    council_members               varchar[],
    council_meetings_held         integer,
    council_coordinator_fte       double,
    council_coordination_models   varchar[],
    situation_report_exists       boolean,
    situation_report_updated_year integer,
    action_plan_exists            boolean,
    action_plan_adopted_date      date,
    agreement_exists              boolean,
    agreement_signed_date         date,
    agreement_valid_from          date,
    agreement_valid_to            date,
    agreement_police_area         varchar,
    agreement_focus_areas         varchar[],
    agreement_followed_up         boolean,
    measures                      varchar[]
);

create table if not exists raw_promises (
    submission_id    integer not null,
    promise_no       integer not null,
    promise_id       varchar not null,
    title            varchar not null,
    focus_area       varchar not null,
    start_date       date not null,
    end_date         date,
    dialogue_methods varchar[] not null,
    status           varchar not null,
    followed_up      boolean not null,
    published        boolean not null
);

create table if not exists raw_projects (
    submission_id    integer not null,
    project_no       integer not null,
    grant_id         varchar not null,
    title            varchar not null,
    category         varchar not null,
    spent_sek        double not null,
    co_funding_sek   double,
    status           varchar not null,
    effect_evaluated boolean not null,
    grant_id_sheet   varchar,  -- where the grant id sits in an XLSX report (sheet, row, header)
    grant_id_row     integer,
    grant_id_label   varchar
);

-- columns added after the first release: older warehouses gain them on their next ingest
alter table raw_projects add column if not exists grant_id_sheet varchar;
alter table raw_projects add column if not exists grant_id_row integer;
alter table raw_projects add column if not exists grant_id_label varchar;

create table if not exists raw_grants (
    submission_id      integer not null,
    line_no            integer not null,
    grant_id           varchar not null,
    decision_date      date not null,
    funding_year       integer not null,
    municipality_code  varchar,
    county_code        varchar not null,
    project_title      varchar not null,
    category           varchar not null,
    amount_applied_sek double not null,
    amount_granted_sek double not null,
    amount_paid_sek    double not null
);

create table if not exists raw_runs (
    run_id      integer primary key,
    started_at  timestamp not null,
    synthetic   boolean not null
);
