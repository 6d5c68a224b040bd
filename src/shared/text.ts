/**
 * `text` cut to at most `max` characters at a word boundary, with "…" when something was cut:
 * quoted server answers in messages end on a whole word, never "fetch faile".
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  // Ending right before a space, the cut is at a word's end already.
  if (/\s/.test(text[max - 1]!)) return `${cut.trimEnd()}…`;
  const space = cut.search(/\s\S*$/);
  // A single word longer than the room (a token, a URL) is cut where the room ends.
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
