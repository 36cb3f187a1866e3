// Schema v14 (issue 12.4): a critical alert keeps sounding until acknowledged, unless someone
// snoozed it for a while with a reason. `events` is the alert's own timeline of such actions
// (acknowledge and clear keep their columns); the audit log records them too.
export const up = /* sql */ `
ALTER TABLE alerts ADD COLUMN snoozed_until timestamptz;
ALTER TABLE alerts ADD COLUMN events jsonb NOT NULL DEFAULT '[]'::jsonb;
`;
