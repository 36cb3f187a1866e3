// Constants the dashboard needs at run time, free of zod: the dashboard bundle must not carry zod,
// whose eval probe (`new Function`) the content-security policy reports as a violation. The modules
// that own them (api.ts, guard.ts, history.ts) re-export them; the dashboard imports this file.

/** CONTRACT §6 roles (api.ts documents the ranks). */
export const ROLES = ['operator', 'supervisor', 'admin', 'guard'] as const;

/** What a guard can report (guard.ts has the routing defaults). */
export const FINDING_CATEGORIES = ['safety', 'fire', 'facility', 'cleaning', 'parking', 'other'] as const;
export const FINDING_MAX_PHOTOS = 4;

/** Response header with the cursor of the next history page (history.ts). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';
