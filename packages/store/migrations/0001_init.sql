-- OpenRLA store, schema version 1. Plain SQL shared by PGlite and the PostgreSQL server
-- (PostgreSQL 15 and later). Applied once, in file-name order, recorded in schema_migrations.

-- Audits and their event logs ---------------------------------------------------------------

CREATE TABLE audits (
  audit_id   text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- the last event's seq and hash (0 and 64 zeros for an empty log); appenders lock this row
  head_seq   integer NOT NULL DEFAULT 0,
  head_hash  text NOT NULL DEFAULT repeat('0', 64)
);

CREATE TABLE events (
  audit_id  text NOT NULL REFERENCES audits (audit_id),
  seq       integer NOT NULL CHECK (seq >= 1),
  type      text NOT NULL,
  -- canonical JSON text, kept verbatim because it is hashed (jsonb would reorder keys)
  payload   text NOT NULL,
  author    text NOT NULL,
  at        text NOT NULL,
  prev_hash text NOT NULL,
  hash      text NOT NULL,
  PRIMARY KEY (audit_id, seq)
);

-- The log is append-only: the database itself refuses to change or remove an event.
CREATE FUNCTION openrla_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit event log is append-only (% refused)', TG_OP;
END
$$;

CREATE TRIGGER events_append_only_rows BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION openrla_events_append_only();
CREATE TRIGGER events_append_only_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION openrla_events_append_only();

-- Content-addressed files, in chunks --------------------------------------------------------

CREATE TABLE files (
  sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  blob_id     text NOT NULL UNIQUE,
  name        text NOT NULL,
  media_type  text NOT NULL,
  size        bigint NOT NULL,
  chunk_count integer NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE file_chunks (
  blob_id text NOT NULL,
  idx     integer NOT NULL,
  data    bytea NOT NULL,
  PRIMARY KEY (blob_id, idx)
);
-- CVR exports are mostly zip files already: do not spend time compressing chunks again
ALTER TABLE file_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Cast vote records -------------------------------------------------------------------------

CREATE TABLE cvr_imports (
  import_id    serial PRIMARY KEY,
  audit_id     text NOT NULL REFERENCES audits (audit_id),
  jurisdiction text NOT NULL,
  file_sha256  text NOT NULL,
  cards        integer NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (audit_id, jurisdiction)
);

-- One row per card, one partition per import: `cvrs_<import_id>`, created by the import itself,
-- loaded with COPY, indexed afterwards (building a b-tree once is far faster than growing it row by
-- row), and attached at the end of the import's transaction. Each partition's primary key is
-- (tabulator, batch, position); removing an import's cards is dropping its partition.
CREATE TABLE cvrs (
  import_id    integer NOT NULL,
  tabulator    text COLLATE "C" NOT NULL,
  batch        text COLLATE "C" NOT NULL,
  position     integer NOT NULL,
  cvr_id       text NOT NULL,
  imprinted_id text,
  ballot_style text,
  votes        text NOT NULL
) PARTITION BY LIST (import_id);

-- Jobs --------------------------------------------------------------------------------------

CREATE TABLE jobs (
  id             bigserial PRIMARY KEY,
  kind           text NOT NULL,
  audit_id       text,
  payload        text NOT NULL,
  state          text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  progress_done  bigint NOT NULL DEFAULT 0,
  progress_total bigint,
  result         text NOT NULL DEFAULT 'null',
  error          text,
  worker         text,
  attempts       integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX jobs_claimable ON jobs (state, id) WHERE state IN ('queued', 'running');
