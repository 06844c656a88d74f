/** Quotes an SQLite identifier (table or column name). */
export function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
