// Schema v18 (issue 12 points 5 and 7): the histories' keyset paging, the report's device-verified
// count, and users an admin can disable.
export const up = /* sql */ `
-- GET /api/work-orders pages on (created_at, number) newest first: with both in one index the
-- next page starts where the last ended instead of re-reading the orders of the same instant.
CREATE INDEX work_orders_created_number ON work_orders (created_at DESC, number DESC);

-- The work-order report tells device-verified orders from called-back ones by the system's verify
-- entry: a small partial index instead of reading every order's timeline.
CREATE INDEX work_order_events_device_verify ON work_order_events (work_order_id) WHERE action = 'verify' AND by = 'system';

-- A disabled user cannot sign in and their tokens stop working; the row (and the audit trail's
-- name) stays, unlike DELETE.
ALTER TABLE users ADD COLUMN disabled_at timestamptz, ADD COLUMN disabled_by text, ADD COLUMN password_changed_at timestamptz;
`;
