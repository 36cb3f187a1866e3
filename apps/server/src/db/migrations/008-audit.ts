// Schema v8 (issue 8 point 9): the audit log. Append-only, enforced by the database itself: a
// trigger refuses UPDATE, DELETE and TRUNCATE, so neither a bug nor a stray query in the server
// can rewrite history. (A superuser can still drop the trigger; that act is outside the server.)
// The function body stays on one line: migrate.ts splits statements at a `;` ending a line.
export const up = /* sql */ `
CREATE TABLE audit_log (
  id       bigserial PRIMARY KEY,
  at       timestamptz NOT NULL,
  actor    text,
  action   text NOT NULL,
  target   text,
  address  text,
  outcome  text NOT NULL DEFAULT 'ok',
  details  jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_actor ON audit_log (lower(actor), id DESC);
CREATE INDEX audit_log_action ON audit_log (action, id DESC);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
`;
