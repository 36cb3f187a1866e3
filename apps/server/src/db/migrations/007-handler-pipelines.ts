// Schema v7: one cursor per handler (ingest/handler-pipeline.ts). `applied` counts the messages of
// the handler's kinds it has handled up to `seq`, so "applied = stored" can be checked at any time.
// A message a handler failed on after every retry is recorded, never skipped in silence.
export const up = /* sql */ `
ALTER TABLE ingest_cursor ADD COLUMN applied bigint NOT NULL DEFAULT 0;

CREATE TABLE handler_failures (
  handler    text NOT NULL,
  seq        bigint NOT NULL,
  site_id    text NOT NULL,
  device_id  text NOT NULL,
  stream     text NOT NULL,
  error      text NOT NULL,
  attempts   integer NOT NULL,
  failed_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (handler, seq)
);

-- The urgent lane reads one device's pending messages by seq.
CREATE INDEX device_messages_device_seq ON device_messages (site_id, device_id, seq);
`;
