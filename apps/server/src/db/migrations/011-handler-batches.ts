// Schema v11: handlers apply batches (issue 9.1).
// - devices.status_seq: statuses are applied once per seq, as the other device rows keep theirs
//   (006). Until now a replayed status was recognised only by its receive time, which it repeats,
//   so the offline alert of a replayed last will counted again.
// - patrol_taps.pending_effects: the alert effects of a tap (raise late, clear missed, …) stored
//   with it in the batch's transaction and set to NULL once they followed. A crash in between
//   leaves them here, and the replay of the tap follows them (a round's later taps have moved its
//   state on, so the effects cannot be derived from it again).
export const up = /* sql */ `
ALTER TABLE devices ADD COLUMN status_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE patrol_taps ADD COLUMN pending_effects jsonb;
`;
