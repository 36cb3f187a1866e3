// Schema v1: sites, devices, ingest (dedup, raw messages, cursor, rejections), users, alerts.
export const up = /* sql */ `
CREATE TABLE sites (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  timezone      text NOT NULL,
  heartbeat_sec integer NOT NULL,
  config        jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE devices (
  site_id        text NOT NULL,
  id             text NOT NULL,
  kind           text NOT NULL,
  name           text NOT NULL,
  online         boolean NOT NULL DEFAULT false,
  last_seen_at   timestamptz,
  last_status_at timestamptz,
  last_values    jsonb NOT NULL DEFAULT '{}'::jsonb,
  fw             text,
  battery        real,
  rssi           real,
  clock_skew_ms  integer,
  retired        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (site_id, id)
);

-- Dedup by (device, id), CONTRACT §1: kept longer than the 24 h a device may buffer.
CREATE TABLE message_ids (
  site_id     text NOT NULL,
  device_id   text NOT NULL,
  msg_id      text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (site_id, device_id, msg_id)
);
CREATE INDEX message_ids_received_at ON message_ids (received_at);

-- Every accepted device message, in arrival order. A hypertable on received_at under TimescaleDB.
CREATE TABLE device_messages (
  seq         bigserial NOT NULL,
  site_id     text NOT NULL,
  device_id   text NOT NULL,
  kind        text NOT NULL,
  stream      text NOT NULL,
  msg_id      text,
  observed_at timestamptz,
  received_at timestamptz NOT NULL,
  payload     jsonb NOT NULL,
  PRIMARY KEY (seq, received_at)
);
CREATE INDEX device_messages_device ON device_messages (site_id, device_id, received_at DESC);

-- How far each consumer has handed stored messages to the domain: a restart resumes after it.
CREATE TABLE ingest_cursor (
  consumer text PRIMARY KEY,
  seq      bigint NOT NULL
);

-- Rejected messages, per claimed (site, device) whether or not the device is known.
CREATE TABLE device_rejections (
  site_id     text NOT NULL,
  device_id   text NOT NULL,
  count       bigint NOT NULL DEFAULT 0,
  last_reason text NOT NULL,
  last_topic  text,
  last_at     timestamptz NOT NULL,
  PRIMARY KEY (site_id, device_id)
);

-- Server-wide values that must survive a restart (e.g. the generated token-signing secret).
CREATE TABLE settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE users (
  username      text PRIMARY KEY,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('operator', 'supervisor', 'admin')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  created_by    text
);

CREATE TABLE alerts (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  site_id         text NOT NULL,
  type            text NOT NULL,
  subject         text NOT NULL,
  severity        text NOT NULL,
  status          text NOT NULL CHECK (status IN ('active', 'acknowledged', 'cleared')),
  message         text NOT NULL,
  count           integer NOT NULL DEFAULT 1,
  raised_at       timestamptz NOT NULL,
  last_seen_at    timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  ack_note        text,
  cleared_at      timestamptz,
  cleared_by      text,
  clear_note      text,
  work_order_id   text,
  details         jsonb NOT NULL DEFAULT '{}'::jsonb
);
-- CONTRACT §4: one open alert per (type, subject). "Open" = not cleared, or cleared but never acknowledged.
CREATE UNIQUE INDEX alerts_one_open ON alerts (site_id, type, subject) WHERE cleared_at IS NULL;
CREATE INDEX alerts_raised ON alerts (raised_at DESC);
CREATE INDEX alerts_status ON alerts (status, raised_at DESC);
`;
