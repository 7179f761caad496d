/**
 * Does a quoted piece of evidence occur in the submission? Models re-type quotes: they
 * straighten or curl quotation marks, change dashes, collapse line breaks, change case, and
 * cut the middle out with an ellipsis. Those differences are normalized away; anything else
 * (a paraphrase, an invented sentence) is "not found" and makes the grade `low_confidence`.
 */

/** Case-folded, accent-free, one kind of quote/dash/space, no zero-width characters. */
export function normalizeForEvidence(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u200B-\u200F\u2060\uFEFF\u00AD]/g, '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201A\u201B\u2032\u00B4`]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033\u00AB\u00BB「」『』]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Quote marks and trailing punctuation a model adds around a quote. */
function trimQuote(text: string): string {
  return text.replace(/^["'\s]+|["'\s]+$/g, '').replace(/[.,;:!?。，；：！？]+$/u, '').trim();
}

const ELLIPSIS = /\s*(?:\.{3,}|…|\[\s*(?:\.{3}|…)\s*\])\s*/u;

/**
 * True when every ellipsis-separated fragment of `evidence` occurs in `submission`, in order.
 * Fragments shorter than 3 characters are skipped (they prove nothing); evidence that is
 * empty after trimming is "not found".
 */
export function evidenceFound(evidence: string, submission: string): boolean {
  const haystack = normalizeForEvidence(submission);
  const fragments = normalizeForEvidence(evidence)
    .split(ELLIPSIS)
    .map(trimQuote)
    .filter((fragment) => fragment.length >= 3);
  if (fragments.length === 0) return false;
  let from = 0;
  for (const fragment of fragments) {
    const at = haystack.indexOf(fragment, from);
    if (at < 0) return false;
    from = at + fragment.length;
  }
  return true;
}
