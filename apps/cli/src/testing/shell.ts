// Splits a shell command line the way sh would for the examples we test: words, "double" and
// 'single' quotes, backslash-newline continuations, and $VARIABLES (from `vars`).

export function shellWords(line: string, vars: Record<string, string> = {}): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;

  const expand = (i: number): number => {
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(line.slice(i));
    if (!m) {
      word += '$';
      return i + 1;
    }
    if (!(m[1] in vars)) throw new Error(`unset variable $${m[1]}`);
    word += vars[m[1]];
    return i + m[0].length;
  };

  for (let i = 0; i < line.length; ) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
      i++;
    } else if (quote === '"') {
      if (c === '"') {
        quote = null;
        i++;
      } else if (c === '$') i = expand(i);
      else if (c === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) {
        word += line[i + 1];
        i += 2;
      } else {
        word += c;
        i++;
      }
    } else if (c === '\\' && line[i + 1] === '\n') {
      i += 2;
    } else if (c === '\\') {
      word += line[i + 1] ?? '';
      inWord = true;
      i += 2;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      i++;
    } else if (c === '$') {
      inWord = true;
      i = expand(i);
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (quote) throw new Error('unterminated quote');
  if (inWord) words.push(word);
  return words;
}
