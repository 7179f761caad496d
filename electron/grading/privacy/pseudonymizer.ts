/**
 * Student names and emails never leave the machine: before a prompt is built, every known
 * name in the submission is replaced by a stable pseudonym ("Student K7M"), and the model's
 * feedback and evidence get the real names back ({@link Pseudonymizer.restore}) before the
 * teacher sees them.
 *
 * What is replaced, in any case and with or without diacritics:
 * - the full name, "Last, First", "Last First", and first + last without middle names;
 * - each part alone when it has at least 3 letters (parts that are also ordinary words —
 *   Will, May, Brown — only when capitalized), possessives included ("Maria's");
 * - names in Chinese characters as substrings, and for 3+ characters the given name alone;
 * - roster emails (→ `student-k7m@example.invalid`), roster student ids (→ the pseudonym),
 *   and any other email address (→ `[email removed]`).
 *
 * Pseudonym: "Student " + 3 characters from HMAC-SHA256(secret, folded name), first a
 * letter, from an alphabet without look-alikes (no I, O, 0, 1). The same name and secret
 * always give the same pseudonym, so a batch (one secret) is consistent and a resumed batch
 * matches its earlier prompts; two names that collide inside one pseudonymizer are told apart
 * by re-hashing the later one (in folded alphabetical order) with a counter.
 *
 * A part shared by two people ("Maria" García and "Maria" López) goes to whoever was named
 * first, so put the submission's own student first.
 */
import { createHmac } from 'node:crypto';
import { isAmbiguousNamePart } from './common-words.ts';
import { fold, foldWithMap, originalSpan } from './fold.ts';

export interface PersonRef {
  name: string;
  email?: string | null;
  studentId?: string | null;
}

export interface PseudonymizerOptions {
  /** Names (or roster entries with their email and id) to hide. */
  names: Iterable<string | PersonRef>;
  /** Keys the pseudonyms; one per batch. Without it pseudonyms are guessable from names. */
  secret: string;
}

export interface PseudonymEntry {
  /** The spelling restored into feedback (the first one registered, e.g. the roster's). */
  name: string;
  pseudonym: string;
}

export interface Pseudonymizer {
  /** The text with every known name, roster email and id, and any email address replaced. */
  pseudonymize(text: string): string;
  /** Puts real names back into text written about pseudonymized text (feedback, evidence). */
  restore(text: string): string;
  pseudonymOf(name: string): string | undefined;
  /** A pseudonymizer that also hides `names` (e.g. a name written at the top of one submission). */
  extend(names: Iterable<string | PersonRef>): Pseudonymizer;
  readonly entries: readonly PseudonymEntry[];
}

const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const PSEUDONYM_PREFIX = 'Student';
export const EMAIL_REMOVED = '[email removed]';

/** Han, and the kana of Japanese given names: matched as substrings (no spaces between words). */
const HAN_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー·]+/gu;
const HAS_HAN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const KANJI_THEN_KANA = /^(\p{Script=Han}{2,})([\p{Script=Hiragana}\p{Script=Katakana}ー]{2,})$/u;
const HANGUL_NAME = /^\p{Script=Hangul}{3}$/u;
/** Neighbours that make a Latin match part of a longer word. */
const WORD_BEFORE = String.raw`(?<![0-9\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])`;
/** Digits may follow a name: "ana2024" is a user name, not a longer word. */
const WORD_AFTER = String.raw`(?![\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}])`;
const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A pattern for `s` in any letter case, for a regex that is otherwise case-sensitive. */
const caseless = (s: string): string =>
  [...s].map((c) => (c.toLowerCase() === c.toUpperCase() ? escapeRegex(c) : `[${c.toUpperCase()}${c.toLowerCase()}]`)).join('');
/** Shorter roster ids ("12") would replace ordinary numbers in the text. */
const MIN_ID_LENGTH = 4;
const letterCount = (s: string): number => (s.match(/\p{L}/gu) ?? []).length;

function codeFor(secret: string, key: string, attempt: number): string {
  const digest = createHmac('sha256', secret).update(attempt === 0 ? key : `${key}\u0000${attempt}`).digest();
  const a = LETTERS[digest[0]! % LETTERS.length]!;
  const b = ALPHABET[digest[1]! % ALPHABET.length]!;
  const c = ALPHABET[digest[2]! % ALPHABET.length]!;
  return `${a}${b}${c}`;
}

interface Pattern {
  /** Folded text to find (Latin: whole words; Han: substring). */
  folded: string;
  person: number;
  /** Only replace where the original starts with a capital letter. */
  capitalizedOnly: boolean;
  han: boolean;
}

interface Person {
  name: string;
  key: string;
  code: string;
  emails: string[];
  ids: string[];
}

/** The folded name as single-space-separated tokens. */
const foldedKey = (name: string): string => fold(name).replace(/[\s,]+/g, ' ').trim();

function patternsFor(person: Person, index: number): Pattern[] {
  const out: Pattern[] = [];
  const add = (folded: string, capitalizedOnly = false): void => {
    if (folded !== '') out.push({ folded, person: index, capitalizedOnly, han: HAS_HAN.test(folded) });
  };
  const tokens = person.key.split(' ').filter((t) => t !== '');
  const latin = tokens.filter((t) => !HAS_HAN.test(t));
  for (const han of person.key.match(HAN_RUN) ?? []) {
    add(han);
    const japanese = KANJI_THEN_KANA.exec(han);
    if (japanese) {
      // 田中さくら: the family name in kanji, the given name in kana, each used alone.
      add(japanese[1]!);
      add(japanese[2]!);
    } else if (han.length >= 3) add(han.slice(-2));
  }
  // 김민준: Korean given names (the last two syllables) are used alone, with particles attached.
  // (Folding split the syllables into jamo: they are put back together to count them.)
  for (const token of tokens) {
    const syllables = token.normalize('NFC');
    if (HANGUL_NAME.test(syllables)) add(fold(syllables.slice(1)));
  }
  if (latin.length > 0) {
    // A one-word name that is also a word ("Will", from a file name) is only replaced capitalized.
    add(latin.join(' '), latin.length === 1 && isAmbiguousNamePart(latin[0]!));
    if (latin.length >= 2) {
      const first = latin[0]!;
      const last = latin[latin.length - 1]!;
      add(`${last}, ${first}`);
      add(`${last} ${first}`);
      if (latin.length >= 3) add(`${first} ${last}`);
    }
    for (const token of latin) {
      const parts = new Set([token, ...token.split('-')]);
      for (const part of parts) {
        if (letterCount(part) >= 3 && (latin.length > 1 || part !== latin.join(' '))) add(part, isAmbiguousNamePart(part));
      }
      // Written without its apostrophe or hyphen: "OConnor", "O Connor", "MaryJane", "Mary Jane".
      if (/['-]/.test(token)) {
        add(token.replace(/['-]/g, ''));
        add(token.replace(/['-]/g, ' '));
      }
    }
    // Run together, as in handles and user names: "AnaLopez", "@lopezana", "vanderBerg".
    const squash = (words: readonly string[]): string => words.join('').replace(/['-]/g, '');
    if (latin.length >= 2) {
      add(squash(latin));
      add(squash([latin[latin.length - 1]!, ...latin.slice(0, -1)]));
      if (latin.length >= 3) add(squash(latin.slice(1)));
    }
  }
  return out;
}

/** One regex source for a set of patterns, longest first so "maria garcia" beats "maria". */
function patternSource(patterns: readonly Pattern[]): string | null {
  const latin = [...new Set(patterns.filter((p) => !p.han).map((p) => p.folded))].sort((a, b) => b.length - a.length);
  const han = [...new Set(patterns.filter((p) => p.han).map((p) => p.folded))].sort((a, b) => b.length - a.length);
  const alternatives: string[] = [];
  if (latin.length > 0) {
    const body = latin.map((p) => escapeRegex(p).replace(/,? /g, (m) => (m.startsWith(',') ? String.raw`,?[\s_]+` : String.raw`[\s_]+`)));
    alternatives.push(`${WORD_BEFORE}(?:${body.join('|')})${WORD_AFTER}`);
  }
  if (han.length > 0) alternatives.push(`(?:${han.map(escapeRegex).join('|')})`);
  return alternatives.length === 0 ? null : alternatives.join('|');
}

class PseudonymizerImpl implements Pseudonymizer {
  private readonly people: Person[];
  private readonly byKey = new Map<string, number>();
  /** Every folded pattern → its pattern (the first person to claim it keeps it). */
  private readonly lookup = new Map<string, Pattern>();
  private readonly regex: RegExp | null;
  private readonly restoreRegex: RegExp | null;
  private readonly emails = new Map<string, number>();
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly secret: string,
    people: readonly Person[],
    refs: Iterable<string | PersonRef>,
  ) {
    this.people = [];
    for (const person of people) this.addPerson({ ...person, emails: [...person.emails], ids: [...person.ids] });
    const fresh: { ref: PersonRef; key: string }[] = [];
    for (const raw of refs) {
      const ref = typeof raw === 'string' ? { name: raw } : raw;
      const key = foldedKey(ref.name);
      if (letterCount(key) >= 2) fresh.push({ ref, key });
    }
    // Collisions are resolved in folded alphabetical order, not input order, so the same set
    // of names gets the same pseudonyms however the roster is sorted.
    const codes = new Set(this.people.map((p) => p.code));
    const codeOf = new Map<string, string>();
    const newKeys = [...new Set(fresh.map((f) => f.key))].filter((k) => !this.byKey.has(k) && !this.lookup.has(k)).sort();
    for (const key of newKeys) {
      let attempt = 0;
      let code = codeFor(secret, key, attempt);
      while (codes.has(code)) code = codeFor(secret, key, (attempt += 1));
      codes.add(code);
      codeOf.set(key, code);
    }
    for (const { ref, key } of fresh) {
      // A new name that is already a pattern of someone ("Maria" of "Maria García") is that person.
      let index = this.byKey.get(key) ?? this.lookup.get(key)?.person;
      if (index === undefined) {
        const code = codeOf.get(key) ?? codeFor(secret, key, 0);
        index = this.addPerson({ name: ref.name.trim().replace(/\s+/g, ' '), key, code, emails: [], ids: [] });
      }
      const person = this.people[index]!;
      if (ref.email) person.emails.push(ref.email.trim().toLowerCase());
      if (ref.studentId && ref.studentId.trim().length >= MIN_ID_LENGTH) person.ids.push(ref.studentId.trim());
    }
    this.people.forEach((person, index) => {
      for (const email of person.emails) this.emails.set(email, index);
      for (const id of person.ids) this.ids.set(fold(id), index);
    });
    const source = patternSource([...this.lookup.values()]);
    this.regex = source === null ? null : new RegExp(source, 'gu');
    // Some codes spell words ("HAS"). After "Student" a code is a code however the model cased
    // it; alone it is one only in capitals, so the "has" of a sentence stays a word.
    const upper = this.people.map((p) => p.code).join('|');
    const anyCase = this.people.map((p) => caseless(p.code)).join('|');
    this.restoreRegex =
      this.people.length === 0
        ? null
        : new RegExp(`\\b${caseless(PSEUDONYM_PREFIX)}\\s+(${anyCase})\\b|\\b(${upper})\\b|\\b${caseless(PSEUDONYM_PREFIX)}-(${anyCase})@example\\.invalid\\b`, 'g');
  }

  private addPerson(person: Person): number {
    const index = this.people.length;
    this.people.push(person);
    this.byKey.set(person.key, index);
    for (const pattern of patternsFor(person, index)) {
      if (!this.lookup.has(pattern.folded)) this.lookup.set(pattern.folded, pattern);
    }
    return index;
  }

  get entries(): readonly PseudonymEntry[] {
    return this.people.map((p) => ({ name: p.name, pseudonym: `${PSEUDONYM_PREFIX} ${p.code}` }));
  }

  pseudonymOf(name: string): string | undefined {
    const key = foldedKey(name);
    const index = this.byKey.get(key) ?? this.lookup.get(key)?.person;
    return index === undefined ? undefined : `${PSEUDONYM_PREFIX} ${this.people[index]!.code}`;
  }

  extend(names: Iterable<string | PersonRef>): Pseudonymizer {
    return new PseudonymizerImpl(this.secret, this.people, names);
  }

  pseudonymize(text: string): string {
    let out = text.replace(EMAIL_PATTERN, (email) => {
      const index = this.emails.get(email.toLowerCase());
      return index === undefined ? EMAIL_REMOVED : `student-${this.people[index]!.code.toLowerCase()}@example.invalid`;
    });
    out = this.replaceIds(out);
    return this.replaceNames(out);
  }

  private replaceIds(text: string): string {
    if (this.ids.size === 0) return text;
    const source = [...this.ids.keys()].sort((a, b) => b.length - a.length).map(escapeRegex).join('|');
    const regex = new RegExp(`(?<![\\p{L}\\p{N}])(?:${source})(?![\\p{L}\\p{N}])`, 'giu');
    return text.replace(regex, (id) => `${PSEUDONYM_PREFIX} ${this.people[this.ids.get(fold(id))!]!.code}`);
  }

  private replaceNames(text: string): string {
    if (this.regex === null) return text;
    const map = foldWithMap(text);
    let out = '';
    let cursor = 0;
    this.regex.lastIndex = 0;
    for (const match of map.folded.matchAll(this.regex)) {
      const from = match.index;
      const to = from + match[0].length;
      const [start, end] = originalSpan(map, text, from, to);
      if (start < cursor) continue;
      const pattern = this.lookup.get(match[0].replace(/,?[\s_]+/g, (m) => (m.startsWith(',') ? ', ' : ' ')));
      if (pattern === undefined) continue;
      if (pattern.capitalizedOnly && !/^\p{Lu}/u.test(text.slice(start, end))) continue;
      out += text.slice(cursor, start) + `${PSEUDONYM_PREFIX} ${this.people[pattern.person]!.code}`;
      cursor = end;
    }
    return out + text.slice(cursor);
  }

  restore(text: string): string {
    if (this.restoreRegex === null) return text;
    return text.replace(this.restoreRegex, (whole, prefixed: string | undefined, bare: string | undefined, emailCode: string | undefined) => {
      const wanted = (prefixed ?? bare ?? emailCode ?? '').toUpperCase();
      const person = this.people.find((p) => p.code === wanted);
      if (person === undefined) return whole;
      if (emailCode !== undefined) return person.emails[0] ?? whole;
      return person.name;
    });
  }
}

export function createPseudonymizer(options: PseudonymizerOptions): Pseudonymizer {
  if (options.secret.length < 8) throw new Error('createPseudonymizer: the secret must have at least 8 characters');
  return new PseudonymizerImpl(options.secret, [], options.names);
}
