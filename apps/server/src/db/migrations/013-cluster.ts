// Schema v13: several servers on one database (issue 11). Work is split by leases on the
// database's clock (cluster/README.md): an MQTT shard, a handler's pipeline or a timer is held by
// one server at a time, until it lets go or its lease expires.
export const up = /* sql */ `
CREATE TABLE cluster_leases (
  -- 'mqtt:{shard}', 'handler:{name}', 'timer:{name}'
  name text PRIMARY KEY,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL,
  -- Grows by one each time the lease changes hands: the log and /api/health show takeovers.
  epoch bigint NOT NULL DEFAULT 1,
  acquired_at timestamptz NOT NULL DEFAULT now()
);

-- Servers that renewed within a lease's time: each takes its fair share (work units / live servers).
CREATE TABLE cluster_members (
  node text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now(),
  seen_at timestamptz NOT NULL
);

-- @socket.io/postgres-adapter sends a live event over NOTIFY; one over its 8,000-byte payload
-- limit goes through this table (the adapter's documented schema).
CREATE TABLE IF NOT EXISTS socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload bytea
);
`;
