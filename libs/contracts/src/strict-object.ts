// CONTRACT §2 — "Unknown keys are errors, named with the nearest known key." A misspelt key
// (`tolerenceMin: 5`) silently dropped would leave the default in force with nobody told.
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { formatPath } from './payloads';

/** "did you mean toleranceMin?" when a known key is near enough to be the one meant, else the list. */
export function suggestKey(key: string, known: readonly string[]): string {
  if (known.length === 0) return 'nothing is allowed here';
  const nearest = closest(key, known as string[]);
  // Two edits, or a third of the key for long names, is a typo; further than that is a different word.
  const near = distance(key.toLowerCase(), nearest.toLowerCase()) <= Math.max(2, Math.floor(nearest.length / 3));
  return near ? `did you mean ${nearest}?` : `known keys: ${known.join(', ')}`;
}

/**
 * z.strictObject whose unknown-key issue carries one line per key, each naming the nearest known key.
 * `formatSiteIssue` turns those lines into `path.key: unknown key, did you mean …?`.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? issue.keys.map((key) => `unknown key, ${suggestKey(key, known)}`).join('\n') : undefined,
  });
}

/** One line per problem: `routes[0].tolerenceMin: unknown key, did you mean toleranceMin?`. */
export function formatSiteIssue(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'unrecognized_keys') {
    const lines = issue.message.split('\n');
    return issue.keys.map((key, i) => `${formatPath([...issue.path, key])}: ${lines[i] ?? lines[0]}`);
  }
  return [issue.path.length ? `${formatPath(issue.path)}: ${issue.message}` : issue.message];
}
