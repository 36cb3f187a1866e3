import { describe, expect, it } from 'vitest';
import { commonPasswordCount, MIN_PASSWORD_LENGTH, passwordProblem } from './password-policy';

// Issue 8 point 8: at least 12 characters, and not on a list of common passwords.
describe(passwordProblem.name, () => {
  it.each([
    { password: 'a'.repeat(11), problem: /at least 12 characters are needed \(this one has 11\)/ },
    { password: '汉字密码汉字密码汉字密', problem: /this one has 11/ }, // counted in characters, not UTF-16 units or bytes
    { password: 'qwertyuiop12', problem: /on a list of .* common passwords/ }, // length is enough, the list is not
    { password: '1q2w3e4r5t6y', problem: /on a list of .* common passwords/ },
    { password: 'QwertyUIOP12', problem: /on a list of .* common passwords/ }, // letter case does not help
    { password: 'sunshine2024!', problem: /"sunshine".*with digits or symbols added/ },
    { password: 'dragon-1987-07-14', problem: /"dragon"/ },
    { password: 'correct horse battery', problem: undefined },
    { password: 'a'.repeat(MIN_PASSWORD_LENGTH - 1) + 'b', problem: undefined }, // 12: the edge is inclusive
    { password: 'Lakeside-Night-Shift', problem: undefined },
  ])('$password → $problem', ({ password, problem }) => {
    const found = passwordProblem(password);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toMatch(problem);
  });

  it('checks against a list of tens of thousands, not a handful', () => {
    expect(commonPasswordCount()).toBeGreaterThan(40_000);
  });
});
