// Schema v15: the guards' phone page (issue 12 point 8). A `guard` account is one patrol guard of a
// site file (CONTRACT §2 `guards:`): the user row holds which (site, guard id), so a login name is the
// person's own and the card and guard id can change without a new account. Findings' photos are
// stored in the database with their order (bytea): one backup, one transaction with the order, the
// same on PostgreSQL and PGlite, and every server of a cluster serves them (a DATA_DIR is per server).
export const up = /* sql */ `
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('operator', 'supervisor', 'admin', 'guard'));
ALTER TABLE users ADD COLUMN guard_site_id text;
ALTER TABLE users ADD COLUMN guard_id text;
ALTER TABLE users ADD CONSTRAINT users_guard_is_someone CHECK (role <> 'guard' OR (guard_site_id IS NOT NULL AND guard_id IS NOT NULL));
-- One account per guard: two phones signed in as one guard would make their taps and findings nobody's.
CREATE UNIQUE INDEX users_one_account_per_guard ON users (guard_site_id, guard_id) WHERE role = 'guard';

CREATE TABLE work_order_photos (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  work_order_id uuid NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
  content_type  text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  bytes         integer NOT NULL,
  data          bytea NOT NULL,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL
);
CREATE INDEX work_order_photos_order ON work_order_photos (work_order_id, created_at);
`;
