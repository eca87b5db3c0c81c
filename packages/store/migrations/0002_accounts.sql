-- OpenRLA store, schema version 2: accounts, sessions, login throttling and audit-board credentials
-- (packages/server/src/auth, docs/decisions/0008-accounts-and-sessions.md). Times are written from the
-- server's clock (so tests can pin it), never from now().

-- People who sign in with an email and a password: state and jurisdiction administrators.
CREATE TABLE users (
  user_id       text PRIMARY KEY,
  -- lower-cased; the login name
  email         text NOT NULL UNIQUE,
  name          text NOT NULL,
  role          text NOT NULL CHECK (role IN ('state-admin', 'jurisdiction-admin')),
  -- the jurisdiction a jurisdiction administrator may act on; NULL for a state administrator
  jurisdiction  text,
  -- argon2id PHC string
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL,
  disabled_at   timestamptz,
  CHECK ((role = 'jurisdiction-admin') = (jurisdiction IS NOT NULL))
);

-- One-time sign-in secrets of audit boards, one per board and round; a board has at most one live
-- credential (issuing a new one, for the same or the next round, replaces the old one).
CREATE TABLE audit_board_credentials (
  credential_id   text PRIMARY KEY,
  board_id        text NOT NULL,
  jurisdiction    text NOT NULL,
  round           integer NOT NULL CHECK (round >= 1),
  -- argon2id PHC string of the passphrase (the link carries the same passphrase)
  passphrase_hash text NOT NULL,
  issued_by       text NOT NULL REFERENCES users (user_id),
  issued_at       timestamptz NOT NULL,
  -- set when the board signs in: the passphrase works once
  used_at         timestamptz,
  -- set when a newer credential for the same board and round replaces this one
  replaced_at     timestamptz,
  -- the members who signed in: JSON array of { name, party }
  members         text
);
CREATE INDEX audit_board_credentials_board ON audit_board_credentials (board_id, round);
CREATE UNIQUE INDEX audit_board_credentials_live ON audit_board_credentials (board_id)
  WHERE replaced_at IS NULL;

-- Sessions: only the SHA-256 of the cookie's random token is kept.
CREATE TABLE sessions (
  token_hash    text PRIMARY KEY,
  role          text NOT NULL CHECK (role IN ('state-admin', 'jurisdiction-admin', 'audit-board')),
  user_id       text REFERENCES users (user_id),
  credential_id text REFERENCES audit_board_credentials (credential_id),
  jurisdiction  text,
  board_id      text,
  round         integer,
  created_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  revoked_at    timestamptz,
  CHECK ((user_id IS NULL) <> (credential_id IS NULL))
);
CREATE INDEX sessions_user ON sessions (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX sessions_credential ON sessions (credential_id) WHERE credential_id IS NOT NULL;

-- Failed sign-ins per key ('account:<email>', 'ip:<address>', 'board:<id>'), shared by every app server.
CREATE TABLE login_throttle (
  throttle_key    text PRIMARY KEY,
  failures        integer NOT NULL,
  last_failure_at timestamptz NOT NULL
);
