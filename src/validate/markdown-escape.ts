// Making arbitrary text (values from the data, names) safe inside Markdown.

/** Characters that could start formatting, links, HTML or entities inline. */
const INLINE_SPECIAL = /[\\`*_[\]<>|~&]/g;

/**
 * Escapes text for a paragraph, heading or table cell: specials are
 * backslash-escaped (so a pipe is \|), newlines become <br>, and a leading
 * "# ", "- ", "+ ", "==", "--" or "1. " cannot start a block.
 */
export function escapeMarkdown(text: string): string {
  const escaped = text.replace(INLINE_SPECIAL, "\\$&").replace(/\r\n|\r|\n/g, "<br>");
  if (/^([#+=-])(\s|\1|$)/.test(escaped)) return `\\${escaped}`;
  return escaped.replace(/^(\d+)([.)])(?=\s|$)/, "$1\\$2");
}
