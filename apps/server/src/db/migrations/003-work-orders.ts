// Schema v3: work orders (派工单), their alerts and their timeline (CONTRACT §5).
export const up = /* sql */ `
CREATE SEQUENCE work_order_number_seq;

CREATE TABLE work_orders (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  number             text NOT NULL UNIQUE,
  site_id            text NOT NULL,
  source             text NOT NULL CHECK (source IN ('alert', 'patrol', 'complaint', 'inspection')),
  status             text NOT NULL CHECK (status IN ('new', 'dispatched', 'accepted', 'in_progress', 'resolved', 'verified', 'closed', 'reopened')),
  department         text NOT NULL,
  assignee           text,
  priority           text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  title              text NOT NULL,
  description        text NOT NULL,
  reporter           jsonb,
  channel            text,
  -- What raised it: (alert type, subject), or the patrol round; one open order per key.
  origin_key         text,
  -- Each deadline escalates once: past accept_by still unaccepted, past resolve_by still unresolved.
  escalated          boolean NOT NULL DEFAULT false,
  accept_escalated_at  timestamptz,
  resolve_escalated_at timestamptz,
  accept_by          timestamptz NOT NULL,
  resolve_by         timestamptz NOT NULL,
  created_at         timestamptz NOT NULL,
  created_by         text NOT NULL,
  dispatched_at      timestamptz,
  accepted_at        timestamptz,
  started_at         timestamptz,
  resolved_at        timestamptz,
  verified_at        timestamptz,
  closed_at          timestamptz,
  updated_at         timestamptz NOT NULL,
  callback_due_at    timestamptz,
  callback_at        timestamptz,
  callback_satisfied boolean,
  callback_overdue   boolean NOT NULL DEFAULT false
);
CREATE UNIQUE INDEX work_orders_one_open_per_origin ON work_orders (site_id, origin_key)
  WHERE origin_key IS NOT NULL AND status NOT IN ('verified', 'closed');
CREATE INDEX work_orders_status ON work_orders (status, created_at DESC);
CREATE INDEX work_orders_department ON work_orders (department, created_at DESC);
CREATE INDEX work_orders_created ON work_orders (created_at);
-- The escalation sweep looks only at orders still open against a deadline.
CREATE INDEX work_orders_deadlines ON work_orders (accept_by, resolve_by) WHERE status NOT IN ('resolved', 'verified', 'closed');
-- ... and at resolved complaints still waiting for their callback.
CREATE INDEX work_orders_callbacks ON work_orders (callback_due_at) WHERE status = 'resolved' AND NOT callback_overdue;

CREATE TABLE work_order_alerts (
  work_order_id uuid NOT NULL REFERENCES work_orders (id),
  alert_id      uuid NOT NULL REFERENCES alerts (id),
  attached_at   timestamptz NOT NULL,
  PRIMARY KEY (work_order_id, alert_id)
);
CREATE INDEX work_order_alerts_alert ON work_order_alerts (alert_id);

CREATE TABLE work_order_events (
  id            bigserial PRIMARY KEY,
  work_order_id uuid NOT NULL REFERENCES work_orders (id),
  at            timestamptz NOT NULL,
  by            text NOT NULL,
  action        text NOT NULL,
  note          text,
  from_status   text,
  to_status     text,
  -- dispatch: where the order went
  department    text,
  assignee      text
);
CREATE INDEX work_order_events_order ON work_order_events (work_order_id, id);
`;
