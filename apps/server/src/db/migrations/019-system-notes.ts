// Schema v19 (issue 12.2): the system's timeline notes in a language-neutral form beside the zh-CN
// note API clients read, so each screen can compose them in its reader's language. People's entries
// leave both empty; entries written before this migration keep only their note.
export const up = /* sql */ `
ALTER TABLE work_order_events ADD COLUMN note_key text, ADD COLUMN note_params jsonb;
`;
