// Which line of a site file a problem is about, so the admin finds it in an editor. The problem
// text starts with its path in the file (`routes[0].checkpoints[1].checkpoint: no checkpoint "x"`,
// CONTRACT §2), or is a YAML syntax error that already names its line.
import { isNode, LineCounter, parseDocument } from 'yaml';

const PATH = /^((?:[A-Za-z_][\w-]*|\[\d+\])(?:\.[A-Za-z_][\w-]*|\[\d+\])*): /;

/** The 1-based line of the deepest part of the problem's path present in the file; undefined when none is. */
export function problemLine(text: string, problem: string): number | undefined {
  const yamlLine = /at line (\d+)/.exec(problem);
  if (problem.startsWith('YAML:')) return yamlLine ? Number(yamlLine[1]) : undefined;
  const match = PATH.exec(problem);
  if (!match) return undefined;
  const keys = [...match[1]!.matchAll(/[A-Za-z_][\w-]*|\[(\d+)\]/g)].map((m) => (m[1] === undefined ? m[0] : Number(m[1])));
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) return undefined;
  // A missing key (`departments` absent) has no node: its parent is where it belongs.
  for (let depth = keys.length; depth > 0; depth--) {
    const node = doc.getIn(keys.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
