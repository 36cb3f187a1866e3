// Schema v16: a revision per patrol round (issue 10 point 5). The live `patrol` event and
// GET /api/patrol/rounds carry it, and a screen keeps whichever copy of a round has the higher one,
// so a list answered after a push never undoes the push. Rounds change without a device message (the
// sweep marks misses), so no ingest seq can serve; one sequence for the table instead of a per-row
// counter: it only grows across every server on the database, and a round removed and planned
// again (a site-file reload) still gets a higher revision than any copy a screen holds.
export const up = /* sql */ `
CREATE SEQUENCE patrol_round_revisions;
ALTER TABLE patrol_rounds ADD COLUMN revision bigint NOT NULL DEFAULT nextval('patrol_round_revisions');
`;
