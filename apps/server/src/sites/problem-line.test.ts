// A reload's problems name the line, so the admin finds it in an editor (issue 13 point 5).
import { describe, expect, it } from 'vitest';
import { problemLine } from './problem-line';

const FILE = `site: { id: s1, name: 一号, timezone: Asia/Shanghai }
departments:
  - { id: security, name: 安管部, sla: { acceptMin: 10, resolveMin: 60 } }
routes:
  - id: r1
    name: 日间
    tolerenceMin: 5
    checkpoints:
      - { checkpoint: cp-1, offsetMin: 0 }
      - { checkpoint: cp-x, offsetMin: 20 }
`;

describe(problemLine.name, () => {
  it.each([
    { problem: 'routes[0].checkpoints[1].checkpoint: no checkpoint "cp-x"', line: 10 },
    { problem: 'routes[0].tolerenceMin: unknown key, did you mean toleranceMin?', line: 7 },
    { problem: 'site.timezone: not an IANA time zone', line: 1 },
    // A key that is missing has no line of its own: its parent's.
    { problem: 'routes[0].schedule: Invalid input: expected array, received undefined', line: 5 },
    { problem: 'gates: something about a section the file lacks', line: undefined },
    { problem: 'YAML: Nested mappings are not allowed in compact mappings at line 3, column 5', line: 3 },
    { problem: 'no path at all', line: undefined },
  ])('$problem → line $line', ({ problem, line }) => {
    expect(problemLine(FILE, problem)).toBe(line);
  });
});
