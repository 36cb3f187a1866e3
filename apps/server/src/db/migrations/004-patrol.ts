// Schema v4: patrol rounds (CONTRACT §3), the taps counted into them, and when each site's monitoring began.
export const up = /* sql */ `
-- Rounds that started before a site was first seen are never created: a fresh install must not
-- open with a morning of misses. A restart keeps the first moment.
CREATE TABLE patrol_monitoring (
  site_id text PRIMARY KEY,
  since   timestamptz NOT NULL
);

-- One row per round. The round object (checkpoints, visits, flags) is the jsonb; the columns are
-- what queries select on and what the daily report reads (site_id, local_date, start, status, compliance).
CREATE TABLE patrol_rounds (
  id           text PRIMARY KEY,
  site_id      text NOT NULL,
  route_id     text NOT NULL,
  local_date   date NOT NULL,
  start        timestamptz NOT NULL,
  window_start timestamptz NOT NULL,
  window_end   timestamptz NOT NULL,
  status       text NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'completed')),
  compliance   double precision NOT NULL DEFAULT 0,
  -- When the sweep must next look at it (a window opens or closes); null once completed.
  due_at       timestamptz,
  round        jsonb NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX patrol_rounds_site_date ON patrol_rounds (site_id, local_date, start);
CREATE INDEX patrol_rounds_start ON patrol_rounds (site_id, start);
CREATE INDEX patrol_rounds_due ON patrol_rounds (due_at) WHERE due_at IS NOT NULL;

-- Every checkpoint tap once (a replayed or re-sent message is recognised by its id), with the
-- round it was counted into: none for an unknown card or a tap no round of that day has.
CREATE TABLE patrol_taps (
  site_id       text NOT NULL,
  device_id     text NOT NULL,
  msg_id        text NOT NULL,
  seq           bigint NOT NULL,
  card          text NOT NULL,
  guard_id      text,
  tapped_at     timestamptz NOT NULL,
  received_at   timestamptz NOT NULL,
  round_id      text,
  PRIMARY KEY (site_id, device_id, msg_id)
);
CREATE INDEX patrol_taps_round ON patrol_taps (round_id) WHERE round_id IS NOT NULL;
`;
