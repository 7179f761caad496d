/**
 * Undoing the ways a submission hides words from a reader or a rule, each as a class of its own:
 * invisible characters, look-alike letters from other scripts, letters spaced apart, digits and
 * symbols standing for letters, Base64, and text a document does not show (comments, link
 * titles, hidden elements). Each step is linear in its input, and each keeps genuine text as it
 * is: a Russian word stays Russian, "H2O" and "$50" stay as written, real Base64 data is read but
 * judged only by what it says.
 */

/** Zero-width characters, soft hyphens and bidirectional controls: none is seen by a reader. */
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u00AD\u180E\u061C]|\u034F/g;

export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE, '');
}

/** Cyrillic and Greek letters drawn like Latin ones. */
const HOMOGLYPHS: Readonly<Record<string, string>> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x', і: 'i', ї: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ӏ: 'l', ɡ: 'g',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', У: 'Y', Х: 'X', І: 'I', Ј: 'J', Ѕ: 'S', Ү: 'Y',
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ϲ: 'c',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};
const WORD = /[\p{L}\p{M}]+/gu;
const LATIN = /\p{Script=Latin}/u;
const FOREIGN = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/**
 * Look-alike letters folded to Latin, but only in a word that mixes scripts ("grаdеr" with a
 * Cyrillic а and е): a word written wholly in Cyrillic or Greek is a real word and stays.
 */
export function foldHomoglyphs(text: string): { text: string; mixedWords: number } {
  let mixedWords = 0;
  const folded = text.replace(WORD, (word) => {
    if (!LATIN.test(word) || !FOREIGN.test(word)) return word;
    mixedWords += 1;
    return [...word].map((ch) => HOMOGLYPHS[ch] ?? ch).join('');
  });
  return { text: folded, mixedWords };
}

/**
 * Letter-spaced writing joined into its words: "g i v e  m e" → "give me". A run of at least
 * three single letters, each one space apart, is one spaced-out phrase; a wider gap inside it
 * is a word break. Ordinary text never has three one-letter words in a row. Each letter is
 * checked on its own (no lookahead past the next character), so the rule stays linear.
 */
export function collapseLetterSpacing(text: string): string {
  return text.replace(/(?<![\p{L}\p{N}])\p{L}(?![\p{L}\p{N}])(?:(?:[ \u3000]| {2,4}|\t)\p{L}(?![\p{L}\p{N}])){2,}/gu, (run) =>
    run
      .split(/ {2,4}|\t/)
      .map((word) => word.replace(/[ \u3000]/g, ''))
      .join(' '),
  );
}

/** Words an injection spells with digits and symbols: a token folds only into one of these. */
const LEXICON = new Set(
  (
    'a about above absolute act add admin after ai all also always an and answer any are as assess assessment assign assistant at award band be before below best bot ' +
    'change chatgpt claude command commands comment confirm content context correct credit criteria criterion deduct deductions delete developer directions directive disregard do ' +
    'each earlier earn end entire essay every excellent exemplary feedback final follow following for forget from full give given grade graded grader grades grading grant guidance guidelines ' +
    'has have high higher highest hidden i ignore important in instruction instructions is it its just level levels limit listen llm mark marker marking marks max maximum me message ' +
    'mode model must my new no not note now of off on only or original output override paper pass perfect please points policy previous print prior prompt prompts ' +
    'rate reader repeat report response result reveal review reviewer role rubric rules say score scores secret settings should show skip so student submission system ' +
    'task teacher tell test text that the these this to top treat true user verbatim very was well what when with word work write you your'
  ).split(' '),
);
const LEET: Readonly<Record<string, readonly string[]>> = { '0': ['o'], '1': ['i', 'l'], '3': ['e'], '4': ['a'], '5': ['s'], '7': ['t'], '@': ['a'], $: ['s'], '!': ['i'], '|': ['i', 'l'] };
/** A word with digits or symbols inside it; "!" and "|" only between letters or digits. */
const LEET_TOKEN = /[\p{L}\d@$]+(?:[!|]+[\p{L}\d@$]+)*/gu;
const LEET_CHAR = /[\d@$!|]/;

function readings(token: string): string[] {
  let out = [''];
  for (const ch of token.toLowerCase()) {
    const options = LEET[ch] ?? [ch];
    out = out.flatMap((prefix) => options.map((o) => prefix + o));
    if (out.length > 32) return [];
  }
  return out;
}

function foldToken(token: string): string | null {
  if (!LEET_CHAR.test(token) || token.length > 24) return null;
  return readings(token).find((reading) => LEXICON.has(reading)) ?? null;
}

/**
 * Digits and symbols read as letters (0→o, 1→i or l, 3→e, 4→a, 5→s, 7→t, @→a, $→s) inside a
 * token that then spells a word ("1gn0r3" → "ignore", "4ll" → "all"); "H2O", "4th", "$50" and
 * "b4" stay. A number alone ("70" for "to") is read as a word only on a line where a mixed
 * token already was: elsewhere it is a number.
 */
export function foldLeet(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let folded = false;
      const mixed = line.replace(LEET_TOKEN, (token) => {
        if (!/\p{L}/u.test(token)) return token;
        const word = foldToken(token);
        if (word === null) return token;
        folded = true;
        return word;
      });
      return folded ? mixed.replace(LEET_TOKEN, (token) => (!/\p{L}/u.test(token) ? (foldToken(token) ?? token) : token)) : mixed;
    })
    .join('\n');
}

const BASE64_RUN = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])/g;

/**
 * Base64 runs (24 characters or more, a valid length) that decode to mostly printable UTF-8 text:
 * the decoded text, one run a line. Binary data, hashes and random tokens decode to noise and
 * are left out.
 */
export function decodeBase64Runs(text: string): string[] {
  const decoded: string[] = [];
  for (const [run] of text.matchAll(BASE64_RUN)) {
    if (run.length % 4 !== 0 || !/[a-z]/.test(run) || !/[A-Z]/.test(run)) continue;
    let plain: string;
    try {
      const bytes = Uint8Array.from(atob(run), (c) => c.charCodeAt(0));
      plain = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      continue;
    }
    const printable = plain.match(/[\p{L}\p{N}\p{P}\p{Zs}\n\t]/gu)?.length ?? 0;
    if (printable / plain.length >= 0.9 && /\p{L}{2,}/u.test(plain) && / /.test(plain)) decoded.push(plain);
  }
  return decoded;
}

/**
 * Text a rendered document does not show: HTML comments, Markdown comment links, link titles and
 * elements styled out of sight. Read with a cursor, so an unclosed comment costs one pass.
 */
export function extractHidden(text: string): string[] {
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const open = text.indexOf('<!--', from);
    if (open < 0) break;
    const close = text.indexOf('-->', open + 4);
    found.push(text.slice(open + 4, close < 0 ? text.length : close).trim());
    if (close < 0) break;
    from = close + 3;
  }
  for (const m of text.matchAll(/(?:^|\n)\[[^\]\n]{0,40}\]: ?(?:#|<>) ?[("]([^\n]{0,500})[)"]/g)) found.push(m[1] ?? '');
  for (const m of text.matchAll(/\]\([^\s)]{0,500} ["']([^"'\n]{1,500})["']\)/g)) found.push(m[1] ?? '');
  for (const m of text.matchAll(/<[a-z]+\b[^<>]{0,300}?(?:display: ?none|visibility: ?hidden|font-size: ?0(?:\.\d+)?(?:px|pt|em)?;|color: ?(?:white|#fff\b|#ffffff)|\bhidden\b)[^<>]{0,300}>([^<]{1,1000})</gi)) found.push(m[1] ?? '');
  return found.filter((t) => t !== '');
}

/** Words nearly every English sentence has: a line without them and with them once decoded was encoded. */
const COMMON_WORDS = new Set(['the', 'and', 'to', 'of', 'you', 'your', 'this', 'is', 'a', 'for', 'it', 'that', 'in', 'with', 'be', 'are', 'not', 'all', 'on', 'as', 'my', 'me', 'i', 'please', 'what', 'out', 'give', 'write', 'word']);
/** Lines looked at, and their length: an injection is one short line, a long file is not decoded whole. */
const SHIFT_LINES = 2000;
const SHIFT_LINE_LENGTH = 600;

function commonShare(line: string): number {
  const words = line.toLowerCase().match(/[a-z']+/g) ?? [];
  if (words.length < 4) return 0;
  return words.filter((w) => COMMON_WORDS.has(w)).length / words.length;
}

const rot13 = (line: string): string => line.replace(/[a-z]/gi, (c) => String.fromCharCode(((c.charCodeAt(0) & 31) + 12) % 26 + (c.charCodeAt(0) & 96) + 1));
const reversed = (line: string): string => [...line].reverse().join('');

/**
 * Lines written in ROT13 or backwards ("Orsber lbh tenqr…", ".edarg lluf ti evig"): gibberish to
 * the eye, plain English once decoded. The decoded line, one a line.
 */
export function decodeShiftedLines(text: string): string[] {
  const decoded: string[] = [];
  for (const line of text.split('\n').slice(0, SHIFT_LINES)) {
    const short = line.slice(0, SHIFT_LINE_LENGTH);
    if ((short.match(/[a-z]/gi)?.length ?? 0) < 20 || commonShare(short) >= 0.1) continue;
    for (const candidate of [rot13(short), reversed(short), reversed(rot13(short))]) {
      if (commonShare(candidate) >= 0.25) {
        decoded.push(candidate);
        break;
      }
    }
  }
  return decoded;
}
