// SQLite schema of the embedded metadata store, applied as numbered migrations in a transaction.
// Keys are TEXT compared with BINARY collation: byte order of UTF-8, which is S3's listing order.

export const migrations: readonly string[] = [
  `
  CREATE TABLE buckets (
    name TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    encryption_config TEXT
  );
  CREATE TABLE objects (
    bucket TEXT NOT NULL REFERENCES buckets(name),
    key TEXT NOT NULL,
    version_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    multipart INTEGER NOT NULL,
    content_headers TEXT NOT NULL,
    user_metadata TEXT NOT NULL,
    segments TEXT NOT NULL,
    checksum TEXT,
    encryption TEXT,
    PRIMARY KEY (bucket, key)
  ) WITHOUT ROWID;
  CREATE TABLE uploads (
    upload_id TEXT PRIMARY KEY,
    bucket TEXT NOT NULL REFERENCES buckets(name),
    key TEXT NOT NULL,
    version_id TEXT NOT NULL,
    initiated INTEGER NOT NULL,
    content_headers TEXT NOT NULL,
    user_metadata TEXT NOT NULL,
    checksum_algorithm TEXT,
    encryption TEXT
  );
  CREATE INDEX uploads_by_key ON uploads (bucket, key, upload_id);
  CREATE TABLE parts (
    upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
    part_number INTEGER NOT NULL,
    size INTEGER NOT NULL,
    stored_size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    blob_id TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    salt TEXT,
    checksum TEXT,
    PRIMARY KEY (upload_id, part_number)
  ) WITHOUT ROWID;
  `,
  `
  CREATE TABLE credentials (
    access_key TEXT PRIMARY KEY,
    sealed_secret TEXT NOT NULL,
    user_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  // Identity (Keystone subset): projects and users of the Default domain, role assignments, tokens
  // (only their SHA-256), and the key store's secrets (payload sealed under the master key).
  `
  CREATE TABLE identity_projects (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain_id TEXT NOT NULL,
    description TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (domain_id, name)
  );
  CREATE TABLE identity_users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    domain_id TEXT NOT NULL,
    password_hash TEXT,
    default_project_id TEXT,
    enabled INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (domain_id, name)
  );
  CREATE TABLE identity_role_assignments (
    user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES identity_projects(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, project_id, role)
  ) WITHOUT ROWID;
  CREATE INDEX identity_role_assignments_by_project ON identity_role_assignments (project_id);
  CREATE TABLE identity_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES identity_users(id) ON DELETE CASCADE,
    project_id TEXT,
    methods TEXT NOT NULL,
    audit_id TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX identity_tokens_by_user ON identity_tokens (user_id);
  CREATE INDEX identity_tokens_by_expiry ON identity_tokens (expires_at);
  CREATE INDEX credentials_by_user ON credentials (user_id, created_at);
  CREATE TABLE key_store_secrets (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    creator_id TEXT NOT NULL,
    name TEXT,
    algorithm TEXT,
    bit_length INTEGER,
    mode TEXT,
    secret_type TEXT NOT NULL,
    content_type TEXT,
    sealed_payload TEXT,
    expires_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX key_store_secrets_by_project ON key_store_secrets (project_id, created_at, id);
  `,
  `
  -- Small objects live inline in their metadata row: no file to create and fsync (see domain/objects.ts).
  ALTER TABLE objects ADD COLUMN inline_data BLOB;
  `,
  `
  -- Inline bytes move to a table of their own, keyed by rowid, that new rows append to. In the
  -- objects B-tree (clustered on bucket and key) a 4 KiB cell split pages and spilled to overflow
  -- pages at random places: ~150 µs of CPU per 4 KiB insert against ~85-92 µs split
  -- (bench/micro/inline-rows.ts: random keys, batches of 5). Object rows stay small.
  CREATE TABLE inline_blobs (id INTEGER PRIMARY KEY, data BLOB NOT NULL);
  ALTER TABLE objects ADD COLUMN inline_id INTEGER;
  CREATE TEMP TABLE inline_moves AS
    SELECT bucket, key, row_number() OVER (ORDER BY bucket, key) AS id FROM objects WHERE inline_data IS NOT NULL;
  INSERT INTO inline_blobs (id, data)
    SELECT m.id, o.inline_data FROM inline_moves m JOIN objects o ON o.bucket = m.bucket AND o.key = m.key;
  UPDATE objects SET inline_id = (SELECT m.id FROM inline_moves m WHERE m.bucket = objects.bucket AND m.key = objects.key)
    WHERE inline_data IS NOT NULL;
  DROP TABLE inline_moves;
  ALTER TABLE objects DROP COLUMN inline_data;
  `,
];
