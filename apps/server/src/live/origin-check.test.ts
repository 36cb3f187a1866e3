import { describe, expect, it } from 'vitest';
import { originAllowed } from './origin-check';

// Issue 8 point 6: the dashboard's own origin and those in ALLOWED_ORIGINS, nothing else.
describe(originAllowed.name, () => {
  const allowed = ['https://ops.example.com'];
  it.each([
    { origin: 'http://estate.local:3000', host: 'estate.local:3000', ok: true, why: 'the dashboard served by this server' },
    { origin: 'https://estate.local', host: 'estate.local', ok: true, why: 'same host behind a TLS proxy' },
    { origin: 'http://estate.local:3001', host: 'estate.local:3000', ok: false, why: 'another port is another origin' },
    { origin: 'https://evil.example', host: 'estate.local:3000', ok: false, why: 'a foreign site' },
    { origin: 'https://ops.example.com', host: 'estate.local:3000', ok: true, why: 'listed in ALLOWED_ORIGINS' },
    { origin: 'https://ops.example.com.evil.example', host: 'estate.local:3000', ok: false, why: 'a listed origin as a prefix only' },
    { origin: 'null', host: 'estate.local:3000', ok: false, why: 'a sandboxed or file: page' },
    { origin: undefined, host: 'estate.local:3000', ok: true, why: 'no Origin: not a browser page' },
  ])('$origin on $host → $ok ($why)', ({ origin, host, ok }) => {
    expect(originAllowed(origin, host, allowed)).toBe(ok);
  });
});
