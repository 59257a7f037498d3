// Splitting an instruction's arguments into words as Docker's parser does: whitespace separates words,
// except inside single or double quotes or after the escape character; quotes and escapes are kept (the
// shell lexer removes them later, when variables are expanded).

export function splitWords(text: string, escape: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (!inWord && /\s/.test(ch)) continue;
    inWord = true;
    if (quote === '' && /\s/.test(ch)) {
      words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (ch === escape && quote !== "'" && i + 1 < text.length) {
      word += ch + (text[i + 1] as string);
      i++;
      continue;
    }
    if (quote === '' && (ch === '"' || ch === "'")) quote = ch;
    else if (ch === quote) quote = '';
    word += ch;
  }
  if (inWord) words.push(word);
  return words;
}

/** A JSON array of strings, or undefined when the text is not one (then it is the shell form). */
export function parseJsonArray(text: string): string[] | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // not JSON: shell form
  }
  return undefined;
}
