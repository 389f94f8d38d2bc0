-- Key the chain. Entries from keyed_from on are hashed with HMAC-SHA256
-- under the audit key; the entries before it were written by an earlier
-- build with plain SHA-256 and keep that hash. mac is the HMAC of the head
-- (seq, hash and keyed_from) under the same key, or '' until a gateway
-- with the key first signs it.

ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 1;
ALTER TABLE audit_head ADD COLUMN mac TEXT NOT NULL DEFAULT '';

-- Every entry written from now on is keyed.
UPDATE audit_head SET keyed_from = seq + 1;
