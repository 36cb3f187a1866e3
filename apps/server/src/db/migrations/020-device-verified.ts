// Schema v20 (issue 9.6): whether a device verified the order, stored on the order. The work-order
// report counted it by looking for the system's verify entry in the timeline: a hashed set of
// every such entry ever written, rebuilt on each report (22,000 a year on the year bench: 8 ms of
// its 70, and growing with the history). A timeline entry is never removed, so once true the fact
// never changes: WorkOrderStore.addEvent sets it in the statement that writes the entry.
export const up = /* sql */ `
ALTER TABLE work_orders ADD COLUMN verified_by_device boolean NOT NULL DEFAULT false;
UPDATE work_orders SET verified_by_device = true
WHERE id IN (SELECT work_order_id FROM work_order_events WHERE action = 'verify' AND by = 'system');
-- Only the report read it (018), to find those entries.
DROP INDEX IF EXISTS work_order_events_device_verify;
`;
