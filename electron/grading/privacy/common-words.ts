/**
 * Two small word lists that keep name replacement from damaging ordinary text.
 *
 * - {@link NAME_WORDS}: English words that are also first names or surnames (Will, May,
 *   Grace, Brown…). As parts of a name they are replaced only when capitalized, so "I will
 *   argue" keeps its verb while "Will's essay" loses the name.
 * - {@link PLAIN_WORDS}: function words and school words that are never names. A first line
 *   containing one is a title, not a name ("The Case Against Homework"), and they are dropped
 *   from names guessed from file names ("ana_essay_final.docx" → "ana").
 */
const NAMES = `
april august autumn bell bill brook brooks brown carter chase cook dale dawn faith field fields
fisher ford forest glen grace gray green grey hall heath hill hills hope hunter joy june king lake
lane lily little long mark mason may miller moon north page park price ray reed rice rich river
rose sky spring star stone summer sun taylor turner victoria walker west white wood woods young
baker bay black east south winter will
`;

const PLAIN = `
a about above after again against all also am an and any are as at be because been before being
below between both but by can cannot could did do does doing down during each few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself just
me more most my myself new no nor not now of off on once one only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there these
they this those through to too under until up very was we were what when where which while who
whom why with would you your yours yourself yourselves
assignment draft drafts copy final revised revision version homework report project paper papers
submission submitted lab quiz test exam midterm word document doc docx pdf txt scan scanned photo
page pages image img english history science math maths biology chemistry physics literature
period unit week term semester year grade student students teacher teachers school class case
chapter part day end first last essay essays introduction conclusion argument argumentative
narrative persuasive analysis response reflection life world war peace learning lessons lesson
story stories must importance impact future past present power role value values time times people
`;

const toSet = (words: string): ReadonlySet<string> => new Set(words.split(/\s+/).filter((w) => w !== ''));

export const NAME_WORDS = toSet(NAMES);
export const PLAIN_WORDS = toSet(PLAIN);

/** Replaced only when capitalized: the word is a name but also an ordinary word. */
export const isAmbiguousNamePart = (word: string): boolean => NAME_WORDS.has(word.toLowerCase()) || PLAIN_WORDS.has(word.toLowerCase());

/** Never part of a name. */
export const isPlainWord = (word: string): boolean => PLAIN_WORDS.has(word.toLowerCase());
