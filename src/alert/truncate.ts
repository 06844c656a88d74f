// Shortening text for alerts so it fits a channel's limits, always saying
// how much was left out. Lengths are UTF-16 code units (String#length),
// which is never less than the character count Slack and GitHub limit.

/** Formats a count as people read it: 1200000 → "1,200,000". */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Shortens `text` to at most `max` code units. A cut text ends with
 * "… (N more characters)"; when `max` is too small for that note, it ends
 * with just "…". Never splits a surrogate pair (an emoji).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return "";

  // The note for the whole text is at least as long as the final note.
  const longestNote = cutNote(text.length);
  if (max <= longestNote.length + 1) return cutAt(text, max - 1) + "…";

  const kept = cutAt(text, max - longestNote.length);
  return kept + cutNote(text.length - kept.length);
}

function cutNote(cutChars: number): string {
  return `… (${formatCount(cutChars)} more characters)`;
}

/** The first `length` code units of `text`, one fewer if that splits a pair. */
function cutAt(text: string, length: number): string {
  if (length <= 0) return "";
  const last = text.charCodeAt(length - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, splitsPair ? length - 1 : length);
}

/** The start of a long error text, as alerts show it. */
export interface TextExcerpt {
  /** The first lines, at most `maxLines` lines and `maxChars` code units. */
  text: string;
  /** Lines of the original not shown (in full or in part). */
  cutLines: number;
  /** Code units of the original not shown. */
  cutChars: number;
}

/**
 * Takes the first lines of `text`: at most `maxLines` lines (default 20)
 * and `maxChars` code units (default 2,000). Line endings become "\n" and
 * trailing blank space is dropped.
 */
export function firstLines(
  text: string,
  maxLines = 20,
  maxChars = 2_000,
): TextExcerpt {
  const normalised = text.replace(/\r\n?/g, "\n").trimEnd();
  const lines = normalised.split("\n");

  let shown = lines.slice(0, maxLines).join("\n");
  if (shown.length > maxChars) shown = cutAt(shown, maxChars);

  const shownLines = shown === "" ? 0 : shown.split("\n").length;
  const lastComplete = normalised.startsWith(shown + "\n") || shown === normalised;
  return {
    text: shown,
    cutLines: lines.length - shownLines + (lastComplete ? 0 : 1),
    cutChars: normalised.length - shown.length,
  };
}

/** "… 35 more lines (4,120 characters) not shown", or "" when nothing was cut. */
export function describeCut(excerpt: TextExcerpt): string {
  if (excerpt.cutChars === 0) return "";
  const chars = formatCount(excerpt.cutChars);
  if (excerpt.cutLines <= 1) return `… ${chars} more characters not shown`;
  const lines = formatCount(excerpt.cutLines);
  return `… ${lines} more lines (${chars} characters) not shown`;
}
