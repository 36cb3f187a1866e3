// Schema v20 (issue 9.6): whether a device verified the order, stored on the order. The work-order
// report counted it by looking for the system's verify entry in the timeline: a hashed set of
// every such entry ever written, rebuilt on each report (22,000 a year on the year bench: 8 ms of
// its 70, and growing with the history); the board (issue 12.5) joined the timeline for it too.
// The flag says who made the verification that stands: WorkOrderStore.addEvent writes it with
// every verify entry (true for the system's, false for a person's), so an order a device verified,
// reopened and then verified by a callback reads as called back, on the board and in the report.
export const up = /* sql */ `
ALTER TABLE work_orders ADD COLUMN verified_by_device boolean NOT NULL DEFAULT false;
UPDATE work_orders o SET verified_by_device = true
FROM (SELECT DISTINCT ON (work_order_id) work_order_id, by FROM work_order_events WHERE action = 'verify'
      ORDER BY work_order_id, at DESC, id DESC) last_verify
WHERE o.id = last_verify.work_order_id AND last_verify.by = 'system';
-- Only the report read it (018), to find those entries.
DROP INDEX IF EXISTS work_order_events_device_verify;
`;
