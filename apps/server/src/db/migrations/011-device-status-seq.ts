// Schema v11: the devices handler applies statuses once per seq (issue 9.1). Until now a status
// replayed after a crash was recognised only by its receive time, which it repeats: the offline
// alert of a replayed last will counted again. The seq of the last status applied is kept as the
// other device rows keep theirs (006).
export const up = /* sql */ `
ALTER TABLE devices ADD COLUMN status_seq bigint NOT NULL DEFAULT 0;
`;
