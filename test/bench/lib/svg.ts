/**
 * The little SVG this suite needs, as strings: elements with escaped text and
 * attributes, a text-width estimate (no font is measured: SVGs are viewed on
 * GitHub with whatever sans-serif the reader has) and line wrapping.
 */

/** A font stack every platform can satisfy, ending in the generic family. */
export const FONT = "-apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, 'DejaVu Sans', sans-serif";

/** Escapes text for XML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Attribute values: numbers are rounded to 0.1 px to keep files small. */
export type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? Math.round(v * 10) / 10 : esc(v!)}"`)
    .join('');
}

/** An element: `<name a="…"/>`, or with children (already SVG) `<name a="…">…</name>`. */
export function el(name: string, a: Attrs, children?: string | string[]): string {
  if (children === undefined) return `<${name}${attrs(a)}/>`;
  return `<${name}${attrs(a)}>${Array.isArray(children) ? children.join('') : children}</${name}>`;
}

/** A `<text>` element with escaped content. */
export function text(x: number, y: number, content: string, a: Attrs = {}): string {
  return el('text', { x, y, ...a }, esc(content));
}

/** Estimated width in px of `content` at `size` px in a proportional sans-serif (about 0.56 em per character). */
export function textWidth(content: string, size: number): number {
  return content.length * size * 0.56;
}

/** Breaks `content` into lines no wider than `width` px at `size` px, at spaces. */
export function wrap(content: string, size: number, width: number): string[] {
  const max = Math.max(10, Math.floor(width / (size * 0.56)));
  const lines: string[] = [];
  let line = '';
  for (const word of content.split(/\s+/)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Cuts `content` to fit `width` px at `size` px, ending it with an ellipsis when cut. */
export function fit(content: string, size: number, width: number): string {
  const max = Math.floor(width / (size * 0.56));
  return content.length <= max ? content : `${content.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
}

/** A whole SVG document of `width` × `height` px with a white background (readable on a dark page too). */
export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${Math.ceil(height)}" viewBox="0 0 ${width} ${Math.ceil(height)}" ` +
    `font-family="${esc(FONT)}" role="img" aria-label="${esc(title)}">\n` +
    `${el('title', {}, esc(title))}\n` +
    `${el('rect', { x: 0, y: 0, width, height: Math.ceil(height), fill: '#ffffff' })}\n` +
    `${body.join('\n')}\n</svg>\n`
  );
}
