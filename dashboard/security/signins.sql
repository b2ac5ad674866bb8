-- The statements of dashboard/security/signins.py (SQLite), each after a "-- name:" line; parameters by name.

-- name: schema
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,          -- SHA-256 of the random id the session cookie holds
    account TEXT NOT NULL,
    fingerprint TEXT NOT NULL,    -- of the password hash at sign-in: a new password ends it
    since REAL NOT NULL,          -- sign-in (unix seconds)
    seen REAL NOT NULL            -- last request, written at most every 30 s
);
CREATE INDEX IF NOT EXISTS sessions_account ON sessions (account);
-- One row per failed (or still unverified) sign-in attempt, under each key it counts for.
CREATE TABLE IF NOT EXISTS failures (
    key TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS failures_key ON failures (key, at);
CREATE INDEX IF NOT EXISTS failures_at ON failures (at);
-- An account past its failures from unknown browsers: the next attempt it accepts from one.
CREATE TABLE IF NOT EXISTS slowed (
    account TEXT PRIMARY KEY,
    next_at REAL NOT NULL
);
-- Browsers that signed in to an account (the device cookie holds the random id).
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,          -- SHA-256 of the id
    account TEXT NOT NULL,
    created REAL NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS devices_account ON devices (account);

-- name: session_open
INSERT INTO sessions (id, account, fingerprint, since, seen)
VALUES (:id, :account, :fingerprint, :now, :now);

-- name: session_get
SELECT account, fingerprint, since, seen FROM sessions WHERE id = :id;

-- name: session_touch
UPDATE sessions SET seen = :now WHERE id = :id;

-- name: session_end
DELETE FROM sessions WHERE id = :id;

-- name: sessions_expired
DELETE FROM sessions WHERE seen < :idle_before OR since < :age_before;

-- name: account_sessions_end
DELETE FROM sessions WHERE account = :account;

-- name: account_devices_end
DELETE FROM devices WHERE account = :account;

-- name: failures_old
DELETE FROM failures WHERE at <= :before;

-- name: failures_count
SELECT count(*), min(at) FROM failures WHERE key = :key AND at > :before;

-- name: failure_add
INSERT INTO failures (key, at) VALUES (:key, :now);

-- name: failure_drop
DELETE FROM failures WHERE rowid = :rowid;

-- name: slowed_get
SELECT next_at FROM slowed WHERE account = :account;

-- name: slowed_set
INSERT INTO slowed (account, next_at) VALUES (:account, :next_at)
ON CONFLICT (account) DO UPDATE SET next_at = excluded.next_at;

-- name: slowed_old
DELETE FROM slowed WHERE next_at <= :before;

-- name: device_add
INSERT INTO devices (id, account, created) VALUES (:id, :account, :now);

-- name: device_claim
-- A trusted attempt counts as a failure of the browser until it succeeds; five and it is no
-- longer trusted.
UPDATE devices SET failures = failures + 1
WHERE id = :id AND account = :account AND created > :before AND failures < :most;

-- name: device_end
DELETE FROM devices WHERE id = :id;

-- name: devices_old
DELETE FROM devices WHERE created <= :before;
