-- Old password hashes upgraded on login (issue 12 item 4). A configured PasswordHash with fewer than 600,000 PBKDF2
-- iterations (but at least the legacy floor, 100,000) is accepted; the first successful login re-hashes the password at
-- 600,000 and keeps the new hash here, tied to the configured hash it replaces. From then on that user's logins are
-- checked against the upgraded hash for as long as configuration still holds the same old hash; a new hash in
-- configuration (the operator replaces it, as the start-up warning asks) makes the row stale and it is ignored.
CREATE TABLE dashboard_credential (
    name            text        PRIMARY KEY,
    configured_hash text        NOT NULL,
    password_hash   text        NOT NULL,
    upgraded_at     timestamptz NOT NULL
);
