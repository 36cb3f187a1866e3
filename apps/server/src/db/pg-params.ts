// Query parameters for node-postgres, with the common arrays written in one go.
//
// pg turns a JS array parameter into an array literal element by element (pg/lib/utils.js,
// arrayString): a conversion, two regex replaces and three concatenations for each. The grouped
// commit and the handlers' batches pass arrays of thousands of ids, timestamps and numbers (to
// unnest), and in the path bench's mix that was an eighth of all the server allocated. An array
// of plain strings, numbers or booleans needs no escaping: quoted and joined it is the same
// literal, byte for byte. Anything else (NULL, a nested array, a Date, a Buffer, an object, a
// string holding `"` or `\`) still goes to pg as the array it was.

/** `params` with each plain array as pg's own literal of it; the same array when none is. */
export function pgParams(params: readonly unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const value = params[i];
    if (!Array.isArray(value)) continue;
    const literal = plainArrayLiteral(value);
    if (literal === undefined) continue;
    out ??= params.slice();
    out[i] = literal;
  }
  return out ?? (params as unknown[]);
}

/** The literal pg would send for `values`, or undefined when an element needs pg's own handling. */
export function plainArrayLiteral(values: readonly unknown[]): string | undefined {
  if (values.length === 0) return '{}';
  // Indexed: this runs over every element of every batch, and for…of allocated an iterator result per element.
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') {
      if (v.includes('"') || v.includes('\\')) return undefined;
    } else if (typeof v !== 'number' && typeof v !== 'boolean') {
      return undefined;
    }
  }
  // join converts a number or boolean as pg's prepareValue does (String(v)); pg quotes every element.
  return `{"${values.join('","')}"}`;
}
