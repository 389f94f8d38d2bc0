-- The audit trail of personal-data reads: append-only and hash-chained.
-- Each entry stores the hash of the entry before it and its own SHA-256
-- over a canonical encoding, so an edited, deleted or reordered entry
-- breaks the chain. Times are RFC 3339 text in UTC.

CREATE TABLE audit_entries (
    seq          BIGINT PRIMARY KEY,  -- 1, 2, 3 … without gaps
    at           TEXT NOT NULL,
    officer_id   TEXT NOT NULL,
    role         TEXT NOT NULL,
    unit         TEXT NOT NULL,       -- officer's commune or province code, or ''
    province     TEXT NOT NULL,       -- province of the officer's unit, or ''
    citizen_id   TEXT NOT NULL,
    fields       TEXT NOT NULL,       -- field names read, comma-separated, sorted
    purpose      TEXT NOT NULL,       -- dossier code, or ''
    request_id   TEXT NOT NULL,
    operation    TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,       -- hex SHA-256 of entry seq-1, '' for the first
    hash         TEXT NOT NULL
);

CREATE INDEX audit_entries_citizen ON audit_entries (citizen_id, seq);
CREATE INDEX audit_entries_officer ON audit_entries (officer_id, seq);
CREATE INDEX audit_entries_province ON audit_entries (province, seq);

-- The head of the chain: one row, locked by every append so that several
-- gateways writing to one PostgreSQL trail keep a single chain.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY,
    seq   BIGINT NOT NULL,
    hash  TEXT NOT NULL
);

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
