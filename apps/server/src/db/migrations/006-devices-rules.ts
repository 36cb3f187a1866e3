// Schema v6: state of the device rules — parking (lots, gates, remote commands), dispensers and
// sensor limits. Each device row keeps the last ingest seq it applied: a message replayed after a
// crash (accepted-message.ts) is recognised and applied once.
export const up = /* sql */ `
CREATE TABLE parking_lots (
  site_id              text NOT NULL,
  lot_id               text NOT NULL,
  occupancy            integer NOT NULL DEFAULT 0 CHECK (occupancy >= 0),
  is_full              boolean NOT NULL DEFAULT false,
  -- Since when occupancy has been above capacity without a break (the nightly check flags hours of it).
  over_capacity_since  timestamptz,
  updated_at           timestamptz,
  last_reconciled_day  text,
  last_reconciled_at   timestamptz,
  last_flags           jsonb NOT NULL DEFAULT '[]'::jsonb,
  PRIMARY KEY (site_id, lot_id)
);

CREATE TABLE parking_gates (
  site_id          text NOT NULL,
  gate_id          text NOT NULL,
  last_seq         bigint NOT NULL DEFAULT 0,
  barrier          text CHECK (barrier IN ('open', 'closed', 'fault')),
  fault            text,
  barrier_since    timestamptz,
  barrier_at       timestamptz,
  stuck_raised     boolean NOT NULL DEFAULT false,
  last_pass_at     timestamptz,
  last_pass        jsonb,
  PRIMARY KEY (site_id, gate_id)
);

-- Count anomalies, e.g. an out pass that found the lot empty (clamped at 0).
CREATE TABLE parking_anomalies (
  id        bigserial PRIMARY KEY,
  site_id   text NOT NULL,
  lot_id    text NOT NULL,
  gate_id   text,
  kind      text NOT NULL,
  at        timestamptz NOT NULL,
  seq       bigint,
  details   jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX parking_anomalies_lot ON parking_anomalies (site_id, lot_id, at);
CREATE UNIQUE INDEX parking_anomalies_seq ON parking_anomalies (seq, kind) WHERE seq IS NOT NULL;

-- Every remote command to a gate: who, when, why, and what the gate answered (CONTRACT §6).
CREATE TABLE gate_commands (
  id        text PRIMARY KEY,
  site_id   text NOT NULL,
  gate_id   text NOT NULL,
  action    text NOT NULL,
  by        text NOT NULL,
  reason    text,
  sent_at   timestamptz NOT NULL,
  result    text NOT NULL CHECK (result IN ('pending', 'acked', 'refused', 'timeout', 'failed')),
  error     text,
  acked_at  timestamptz
);
CREATE INDEX gate_commands_gate ON gate_commands (site_id, gate_id, sent_at DESC);

CREATE TABLE dispenser_states (
  site_id       text NOT NULL,
  dispenser_id  text NOT NULL,
  last_seq      bigint NOT NULL DEFAULT 0,
  level         real,
  level_at      timestamptz,
  battery       real,
  last_refill_at timestamptz,
  PRIMARY KEY (site_id, dispenser_id)
);

-- Recent level samples for the consumption rate; pruned after a week.
CREATE TABLE dispenser_levels (
  site_id       text NOT NULL,
  dispenser_id  text NOT NULL,
  seq           bigint NOT NULL,
  at            timestamptz NOT NULL,
  level         real NOT NULL,
  PRIMARY KEY (site_id, dispenser_id, seq)
);
CREATE INDEX dispenser_levels_at ON dispenser_levels (site_id, dispenser_id, at);

CREATE TABLE sensor_states (
  site_id      text NOT NULL,
  sensor_id    text NOT NULL,
  last_seq     bigint NOT NULL DEFAULT 0,
  readings     jsonb NOT NULL DEFAULT '{}'::jsonb,
  readings_at  timestamptz,
  faults       jsonb NOT NULL DEFAULT '[]'::jsonb,
  PRIMARY KEY (site_id, sensor_id)
);

-- One row per (sensor, metric with a limit): a pending forSec window survives a restart.
CREATE TABLE sensor_limit_states (
  site_id     text NOT NULL,
  sensor_id   text NOT NULL,
  metric      text NOT NULL,
  status      text NOT NULL CHECK (status IN ('ok', 'pending', 'raised')),
  out_since   timestamptz,
  last_at     timestamptz,
  last_value  jsonb,
  PRIMARY KEY (site_id, sensor_id, metric)
);
`;
