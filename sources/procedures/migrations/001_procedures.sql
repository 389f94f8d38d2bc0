-- The national catalogue of administrative procedures and the provinces'
-- dossiers. Dates are ISO 8601 text; times are RFC 3339 text in UTC, so that
-- both engines order and compare them the same way.

CREATE TABLE procedures (
    code                  TEXT PRIMARY KEY,  -- national code such as 1.001193
    name                  TEXT NOT NULL,
    name_key              TEXT NOT NULL,     -- name folded for search
    sector                TEXT NOT NULL,     -- lĩnh vực; several joined with '; '
    levels                TEXT NOT NULL,     -- central;province;commune;other
    managing_agency       TEXT NOT NULL,
    processing_time_text  TEXT NOT NULL,
    processing_days       DOUBLE PRECISION,  -- NULL when the catalogue gives no time
    fee_amount            BIGINT,            -- NULL when the catalogue gives no fee
    fee_currency          TEXT,
    fee_text              TEXT NOT NULL,
    channels              TEXT NOT NULL,     -- in_person;online;postal
    online_service_level  TEXT NOT NULL,     -- full | partial | none
    status                TEXT NOT NULL,     -- in_force | amended | abolished
    decision_no           TEXT NOT NULL,
    issued_on             TEXT NOT NULL,
    amended_on            TEXT,
    abolished_on          TEXT
);

CREATE INDEX procedures_sector ON procedures (sector);
CREATE INDEX procedures_status ON procedures (status);

CREATE TABLE dossiers (
    code               TEXT PRIMARY KEY,  -- receiving unit id, reception date and daily sequence
    procedure_code     TEXT NOT NULL,
    applicant_id       TEXT NOT NULL,     -- personal id as entered at reception
    applicant_name     TEXT NOT NULL,
    receiving_commune  TEXT NOT NULL,     -- commune code as entered at reception
    province_code      TEXT NOT NULL,
    channel            TEXT NOT NULL,     -- online | in_person | postal
    status             TEXT NOT NULL,     -- received | supplement_requested | processing | result_ready |
                                          -- returned | rejected | withdrawn
    received_at        TEXT NOT NULL,
    due_at             TEXT NOT NULL,
    completed_at       TEXT,
    returned_at        TEXT
);

CREATE INDEX dossiers_applicant ON dossiers (applicant_id, received_at);
CREATE INDEX dossiers_procedure ON dossiers (procedure_code, received_at);
CREATE INDEX dossiers_commune ON dossiers (receiving_commune, received_at);
CREATE INDEX dossiers_province ON dossiers (province_code, received_at);
CREATE INDEX dossiers_status ON dossiers (status, received_at);
CREATE INDEX dossiers_received ON dossiers (received_at);

CREATE TABLE dossier_events (
    dossier_code  TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    status        TEXT NOT NULL,
    at            TEXT NOT NULL,
    note          TEXT,
    PRIMARY KEY (dossier_code, seq)
);
