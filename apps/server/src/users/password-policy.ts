// Issue 8 point 8: outside the demo, passwords are at least 12 characters and not a common one.
// NIST SP 800-63B §5.1.1.2: length over composition rules, and refuse values from lists of
// commonly used or compromised passwords. The list is zxcvbn-ts's (49,233 passwords from leaked
// password frequency lists), a well-kept package rather than a file we would have to curate.
import { dictionary } from '@zxcvbn-ts/language-common';

export const MIN_PASSWORD_LENGTH = 12;

let common: ReadonlySet<string> | undefined;

/** Built on first use: the list costs a few MB, and the demo never needs it. */
function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
}

export function commonPasswordCount(): number {
  return commonPasswords().size;
}

/**
 * Why this password is refused, as a sentence a person can act on; undefined when it is acceptable.
 * Letter case does not help ("Qwerty123456" is as guessable as "qwerty123456"), nor do digits
 * or symbols stuck on the end of a common word ("sunshine2024!").
 */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters are needed (this one has ${length})`;
  const lower = password.toLowerCase();
  const list = commonPasswords();
  if (list.has(lower)) return `it is on a list of ${list.size.toLocaleString('en')} common passwords that attackers try first; choose another`;
  const base = lower.replace(/[\d\W_]+$/u, '');
  if (base.length >= 4 && base !== lower && list.has(base)) {
    return `it is a common password ("${base}", on a list of ${list.size.toLocaleString('en')} that attackers try first) with digits or symbols added; choose another`;
  }
  return undefined;
}
