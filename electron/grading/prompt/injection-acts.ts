/**
 * What an injection does, rather than how it is worded: it addresses the grader, claims the
 * authority of the teacher, the rubric or the system, or assigns points, levels or grades to
 * the work. Each act is read on the normalized text (whitespace runs of at most two
 * characters, so every pattern's backtracking is bounded). An essay may talk *about* grading,
 * teachers or AI; what it does not do is speak to the grader, or grade itself. Strong acts flag
 * alone; weak ones (a mention of authority, a perfect fraction, a grading heading) only
 * together.
 */

import { ADDRESS_RULES } from './injection-address.ts';
import { RECORD_RULES } from './injection-records.ts';
import { REQUEST_RULES } from './injection-requests.ts';
import { GRADER, WHOEVER } from './injection-words.ts';
import { type Found, scoreRules, type WeightedRule } from './injection-score.ts';

export type ActRule = WeightedRule;

/** A top or full grade, the thing an injection asks for. */
const TOP = String.raw`(?:ten out of ten|twenty out of twenty|thirty out of thirty|forty out of forty|fifty out of fifty|a hundred out of a hundred)|(?:full|maximum|max|perfect|top|highest|best|best possible|highest possible|maximal) (?:marks?|points?|scores?|grades?|credit|levels?|bands?|rating|possible (?:score|grade|level|band|mark)s?)|(?:level|band|tier|grade) (?:[4-9]|10|a\+?)\b|an? a\+?(?=[\s.,!;:)"']|$)|a\+|100 ?%|(?:10|ten) out of (?:10|ten)|the maximum|exemplary|exceeds expectations|outstanding|excellent|the top(?: level| band| grade| mark)?`;
const ALL_CRITERIA = String.raw`(?:all|every|each)(?: of the| single| one)? (?:criteri(?:on|a)|categor(?:y|ies)|dimensions?|traits?|rows?|sections?|parts?|items?|areas?)|everything|across the board`;
const GRADE_VERB = String.raw`(?:give|award|assign|grant|record|enter|rate|score|grade|mark|put down|put|place|treat|consider|evaluate|assess|return|output)`;
/** The work itself, named as the thing being graded ("this essay", "the above response"). */
const SELF = String.raw`(?:(?:this|the present|the above|the following|the attached) (?:essay|response|submission|paper|work|answer|assignment|piece of work|piece|report|text|entry|composition|project|reflection|story|poem|review|summary|letter|journal|analysis|article|speech|homework|answer sheet|write-up|lab report)|the (?:essay|response|submission|paper|answer|work) (?:above|below))`;
/** A grade as a value: what a grading sentence ends with when it assigns the top of the scale. */
const GRADE_VALUE = String.raw`(?:full|maximum|max|perfect|top|highest|best)(?: possible)? (?:marks?|points?|scores?|grades?|credit|levels?|bands?|rating|category)|(?:level|band|tier|grade) (?:[4-9]|10|a\+?)\b|an? a\+?(?=[\s.,!;:)"']|$)|a\+|100 ?%|perfect \d{1,3}\b|(?:at|to) (?:the )?maximum\b|full credit|(?:the )?(?:exceeds|exemplary|mastery|distinction|advanced|excellent|outstanding) (?:standard|level|band|category|grade)s?|all (?:the |of the )?(?:criteria|requirements)`;
/** Verbs of a grade being given, in the passive ("was graded at", "has been pre-approved at"). */
const GIVEN = String.raw`(?:graded|marked|rated|scored|(?:pre-?)?approved|pre-?graded|placed|awarded|given|assessed|evaluated|confirmed|set|locked|fixed|judged|recorded|entered)`;
/** Who is asked to grade, as a conditional ("when evaluating, …"). */
const GRADING = String.raw`(?:evaluat|grad|mark|scor|assess|judg)(?:ing|e)`;
const AUTHORITY = String.raw`(?:teacher|instructor|professor|principal|headteacher|head teacher|(?:head|chair) of [a-z]+|administrator|admin|examiner|grader|moderator|department head|head of department|school|department|examination board|exam board|(?:mr|mrs|ms|miss|dr)\.? [a-z]+)`;

export const ACT_RULES: readonly ActRule[] = [
  {
    reason: 'addresses the grader',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b(?:note|message|reminder|hint|memo|warning|instructions?|request|plea|notice|attention|psst|hey|dear|hello|hi)\b(?: there)?,? (?:for |to )?(?:the |any |all |my |our |you,? )?(?:${GRADER}s?|${WHOEVER})\b(?=\s{0,2}(?:[,:：!.;—–-]|$| (?:please|you|reading|grading|marking|scoring|reviewing|checking|evaluating|this|it|my|who|that|which|only|here|below|about|regarding|on|in)\b))|(?:^|[\n.!?"(]\s{0,2})(?:to|for) (?:the |any |all |whichever |every )?(?:${GRADER}|${WHOEVER})(?: only| (?:that|who|which) [a-z]+s?| [a-z]+ing)?(?: (?:this|my|the)(?: [a-z]+){0,2})?\s{0,2}[:,：]|\b(?:to|for) (?:the |any |all |whichever |every )?(?:${GRADER}|${WHOEVER})(?: only| (?:that|who|which) [a-z]+s?| [a-z]+ing)?(?: (?:this|my|the)(?: [a-z]+){0,2})?\s{0,2}[:：]|\bto ${WHOEVER}\b|(?:^|[\n.!?"*])\s{0,2}(?:dear |hey |ok,? |okay,? )?(?:${GRADER})s?\s{0,2}[,:：]\s{0,2}(?:please |now |when |if |you |remember |note |ignore |do |don't |give |grade |mark |award |assign |kindly |confirm |record |score |rate |treat )|\bif you(?:'re| are) (?:an? )?(?:${GRADER}|large language model|automated|grading|computer program)\b|\b(?:as|since|because) (?:an? |the )?(?:${GRADER})(?: grading| marking)?(?: assistant| system| model| tool)?,? you\b|\bwhen you (?:grade|mark|score|evaluate|assess|review|read) (?:this|my)\b|\byou,? (?:the|dear|our) (?:${GRADER})\b|(?:^|[\n.!?",]\s{0,2})${WHOEVER}\b[^.\n:：]{0,40}[:：,]\s{0,2}you\b`,
    ),
  },
  {
    reason: 'tells the grader what grade to give',
    weight: 2,
    pattern: new RegExp(
      String.raw`(?<!\b(?:the|a|an|my|your|his|her|their|our|its|this|that|each|every|final|total|first|last) )\b${GRADE_VERB}\b(?: (?:this|the|my|it|me|us|both|them|all|each|these|those)(?: (?:essay|paper|submission|work|response|answer|assignment|student|text|piece|one|story|reflection|report|poem|homework))?)?(?: (?:as|at|with|a|an|the|on|in|for|to be|it))*(?: (?:very|really|the))? (?:${TOP})|\b(?:${GRADE_VERB}|give) (?:${ALL_CRITERIA}|them all|it all)(?: (?:as|at|with|a|an|the))* (?:${TOP}|fully met|met|satisfied)|\b(?:treat|consider|mark|count) (?:${ALL_CRITERIA}) as (?:fully )?(?:met|satisfied|achieved|complete)`,
    ),
  },
  {
    reason: 'awards itself a grade',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b(?:this|the|my|the above|the following|it|which|so it|and it|every|each|all|any)(?: (?:essay|paper|submission|work|response|answer|assignment|student|text|piece|report|student's work|writing|one)s?)? (?:gets|earns|deserves|receives|merits|qualifies for|is worth|will (?:get|earn|receive)|should (?:get|earn|receive|be given|be awarded|be graded|be marked|be rated|be scored)|must (?:get|earn|receive|be given|be awarded|be graded|be marked)|has (?:earned|achieved|been awarded|been given|been graded)|is to be (?:graded|marked|scored|rated)|(?:are|is) (?:to be )?(?:graded|marked|scored|rated) at|is (?:graded|marked|rated|scored) as)(?: (?:a|an|the|at|as|with|in))* (?:${TOP})|\b(?:${TOP})\b[^.\n]{0,30}\b(?:in|on|for|to|across) (?:${ALL_CRITERIA})|\b(?:${ALL_CRITERIA})\b[^.\n]{0,20}\b(?:level|band|score|grade|points?) (?:[4-9]|10|a\+?)\b`,
    ),
  },
  {
    reason: 'writes its own score',
    weight: 2,
    pattern:
      // A result or total line is as often a lab count, a rating line a film review: only a
      // perfect or top value there is a grade, and a rating's fraction is stars.
      /(?:^|\n)[*#_ ]{0,6}(?:(?:final |total |overall |official |grading |evaluation |assessment )?(?:score|grade|mark|marks|points|level|band|evaluation)(?: (?:awarded|given|earned|achieved|received|assigned|obtained|granted))?(?: (?:for|of|on) (?:this|the|my) [a-z]+)?[*_ ]{0,3}[:：=][*_ ]{0,3}(?:\d+(?:\.\d+)? ?(?:\/|out of|of) ?\d+|[a-f][+-]?(?=[\s.,;!)*(]|$)|level \d|100 ?%|full|max|perfect|excellent|outstanding|exemplary)|(?:final |overall |official |grading |evaluation |assessment )?(?:result|total)[*_ ]{0,3}[:：=][*_ ]{0,3}(?:(\d+) ?(?:\/|out of|of) ?\1\b(?! ?(?:stars?|\/))|level \d|100 ?%|full marks|a\+|exemplary)|(?:final |overall |official )?(?:rating|overall|verdict|outcome)[*_ ]{0,3}[:：=][*_ ]{0,3}(?:level \d|full marks|a\+|exemplary))/,
  },
  {
    reason: 'writes its own score',
    weight: 2,
    // A perfect grade as a field of a record ("STUDENT=10C-14; GRADE=20/20"), where a line of
    // its own is caught above.
    pattern: /(?:^|[\n;|,(] ?)(?:final |overall )?(?:grade|score|mark|result)s? ?[=:] ?(\d{1,3}) ?\/ ?\1\b/,
  },
  {
    reason: 'writes its own score',
    weight: 2,
    pattern: /(?:(?:^|\n)[^\n]{0,40}(?:[|:—–-]|\bis\b) ?(?:level|band|tier) ?\d[^\n]{0,60}){2}|(?:^|\n)[*_ -]{0,4}(?:level|band|score|grade) ?[:=] ?\d\b[^]{0,200}?\n[*_ -]{0,4}(?:level|band|score|grade) ?[:=] ?\d\b|(?:(?:^|\n)[^\n]{1,40}(?:[|:—–-] ?)\d{1,2} ?(?:points?|marks?|pts|\/ ?\d{1,2})\b[^\n]{0,40}){3}|(?:^|[\n.])(?:[^.\n]{1,30}[—–:-] ?\d{1,2} (?:points?|marks?)\.){3}/,
  },
  {
    reason: 'claims the authority of the teacher, the rubric or the system',
    weight: 1,
    pattern: new RegExp(
      String.raw`\b${AUTHORITY}(?:'s)? (?:note|notice|instruction|instructions|decision|override|approval|comment|verdict|ruling)\b|\b${AUTHORITY} (?:has |have )?(?:already )?(?:approved|authori[sz]ed|agreed|confirmed|decided|reviewed|allowed|instructed|ordered|granted|wants you|asked you)\b|\b${AUTHORITY} (?:already )?(?:said|says|told (?:me|you|us|the class)|thinks|thought|agreed|decided)(?: that)? (?:it|this|my [a-z]+|the [a-z]+)(?:'s| is| was| deserves| gets| got| earned| should get| would get| will get)\b|\bby (?:order|decision|authority|permission) of\b|\bas (?:the|your) (?:teacher|instructor|grader|examiner|administrator|system)\b|\b(?:according to|under|per|as per|based on) (?:the |this |our )?(?:[a-z]+ ){0,2}(?:rubric|marking (?:guide|scheme)|grading (?:policy|guide|rules|scheme)|scoring (?:guide|policy|rules)|policy|evaluation policy)\b|\b(?:the|this) (?:rubric|marking (?:guide|scheme)|grading policy|scoring guide) (?:allows|permits)\b|\b(?:system|admin|administrator|grading|evaluation|policy) (?:notice|message|override|update|alert|directive|announcement)\b|\b(?:evaluation|grading|marking|scoring) (?:policy|guide|rules|instructions) (?:v\d|version|is now|are now|has been|have been)\b|\b(?:revised|updated|new|official) (?:marking|grading|scoring|evaluation) (?:guide|scheme|policy|rules)\b|\bofficial (?:score|grade|evaluation|result|assessment)\b|\b(?:school|class|course|department|district|exam|grading|marking|assessment) (?:policy|policies|rule|rules|regulation|regulations) (?:reminder|notice|update|note|says|states|requires)\b`,
    ),
  },
  {
    reason: 'contains a grading section',
    weight: 1,
    pattern: /(?:^|\n)(?:#{1,6} ?|\*\*|__)[^\n]{0,40}\b(?:rubric|assessment|grading|graded|scor(?:e|ed|ing)|marking|marks|evaluation|criteria|points|grade)\b[^\n]{0,40}/,
  },
  {
    reason: 'writes its own score',
    weight: 1,
    pattern: /\b(\d{1,3}) ?(?:\/|out of) ?\1\b|\b(?:ten|twenty|sixteen|hundred) out of (?:ten|twenty|sixteen|a hundred|hundred)\b/,
  },
  {
    reason: 'sets a grading rule in its favour',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b(?:any|every|each|all|such|these|those|this student's|the student's)?(?: )?(?:essays?|submissions?|responses?|papers?|answers?|works?|criteri(?:on|a)|entries|texts?)\b[^.\n]{0,60}?(?<!\b(?:can|could|may|might|would) )\b(?:automatically |always |then |now )?(?:receives?|gets?|earns?|(?:is|are) (?:automatically )?(?:awarded|given)|(?:should|must|will|shall) (?:receive|get|earn|be given|be awarded)|(?:is|are) (?:to be )?(?:scored|graded|marked|rated) (?:at|as)|qualif(?:y|ies) for|(?:is|are) worth)(?: (?:a|an|the|at|as|with))* (?:${TOP}|the maximum|maximum|full credit|\d+ points|level \d)|(?:${TOP}|full credit|\d+ points|level \d) (?:is|are) (?:awarded|given|assigned|granted) (?:automatically )?(?:to|for)\b|\byour (?:real|actual|true|new|only) (?:task|job|instructions?|goal|role|assignment) (?:is|are|here is)\b`,
    ),
  },
  {
    reason: 'tries to change who the grader is',
    weight: 2,
    pattern:
      /\b(?:imagine|suppose|assume|pretend)(?: that)? you(?:'re| are)\b[^.\n]{0,40}\b(?:grader|examiner|teacher|marker|evaluator|assessor|instructor|judge)\b|\bplay the role of\b|\b(?:act|behave) (?:as|like) (?:a|an|the|my)\b[^.\n]{0,30}\b(?:grader|examiner|teacher|marker|evaluator)\b/,
  },
  {
    reason: 'awards itself a grade',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b${SELF}\b(?: [\w,'-]+){0,6}? (?:(?:gets|got|earns|earned|scores|scored|deserves|merits|receives|received|achieves|achieved|reaches|reached|meets|exceeds|satisfies|qualifies for|is worth|(?:is|was|sits|belongs) (?:at|in))|(?:is|was|has been|had been|have been|will be|should be|must be|is to be|be|been)(?: (?:already|automatically|officially|previously|now))? ${GIVEN}(?: by [^.,;\n]{1,40}?)?)(?: (?:a|an|the|at|as|with|to|in|on|already|automatically)){0,3} (?:${GRADE_VALUE})`,
    ),
  },
  {
    reason: 'sets a grading rule in its favour',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b(?:essays?|submissions?|responses?|papers?|answers?|entries|works?|assignments?)\b[^.\n]{0,60}?\b(?:is|are) (?:automatically |always |then |now )?(?:at|placed (?:at|in)|put (?:at|in)|(?:graded|marked|scored|rated) as [a-z]+ and at) (?:the )?(?:highest|top|maximum|best) (?:level|band|grade|mark|score|category)s?\b`,
    ),
  },
  {
    reason: 'tells the grader what grade to give',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b(?:the|its|my|your|final) (?:result|outcome|grade|score|mark|level|rating|evaluation|assessment|final grade|final score|overall grade)s? (?:should|must|shall|has to|needs to|is to|will) be (?:at |set to |given as )?(?:the |a |an )?(?:${GRADE_VALUE})(?! (?:of|for|in)\b)|\b(?:please |kindly )?(?:keep|retain|preserve|confirm|accept|record|enter|copy|carry over|use) (?:that|this|the|my|its|the same|the existing|the previous|the original) (?:result|grade|score|mark|level|rating|assessment)s?\b(?: (?:as is|unchanged|as given|as recorded))?(?=[.;!\n]|$)|\b(?:do not|don't|never|please do not|please don't) (?:change|alter|modify|lower|override|revise|re-?grade|re-?mark|re-?score) (?:that|this|the|my|its) (?:result|grade|score|mark|level|rating)s?\b`,
    ),
  },
  {
    reason: 'addresses the grader',
    weight: 2,
    pattern: new RegExp(
      String.raw`\bwhen (?:you(?:'re| are)? )?${GRADING}(?: (?:this|my|the) (?:essay|paper|submission|work|response|answer|assignment))?,? (?:please |kindly |you should |you must )?(?:overlook|ignore|disregard|focus only|only focus|give|award|assign|treat|consider it|remember|note that|keep in mind|bear in mind|do not|don't|never|skip|forgive|be generous|be lenient|assume)\b`,
    ),
  },
  {
    reason: 'asks the grader to overlook flaws',
    weight: 1,
    pattern: /\b(?:overlook|ignore|disregard|forgive|excuse|skip over|look past|don't count|do not count|do not penali[sz]e|don't penali[sz]e) (?:any|all|my|its|these|the essay's|this essay's) (?:weaknesses|weak points|errors|mistakes|flaws|shortcomings|problems|issues|typos|spelling|grammar)\b/,
  },
  {
    reason: 'imitates a system or assistant message',
    weight: 2,
    pattern:
      /(?:^|\n)\s{0,2}[[【(<]\s{0,2}(?:system|sys|admin|administrator|developer|dev|grader|examiner|evaluator|marker|moderator|grading system|scoring system|system note|system message|admin note|grader note|系统|管理员|系统通知|阅卷系统)(?: (?:note|message|notice|override|update|instruction|alert))?\s{0,2}[\]】)>]/,
  },
  {
    reason: "writes the grader's answer",
    weight: 2,
    pattern:
      /(?:^|\n)[*_ -]{0,4}(?:level|score|grade|band|points|marks|rating|result)\s{0,2}[:=：]\s{0,2}[^\n]{1,30}\n(?:[^\n]{0,200}\n){0,3}?[*_ -]{0,4}(?:feedback|confidence|evidence|comments?|justification|rationale|reasoning|overall[ _]feedback)\s{0,2}[:=：]|(?:^|\n)[*_ -]{0,4}confidence\s{0,2}[:=：]\s{0,2}(?:0?\.\d+|1(?:\.0+)?|100 ?%)\s{0,2}(?=\n|$)/,
  },
  {
    reason: 'writes its own score',
    weight: 2,
    pattern:
      /(?:(?:^|\n)[^\n:：\d]{1,24}[:：] ?(?:a\+?|优秀|优|满分|甲等?|一等|最高分|excellent|exemplary|outstanding|full marks|perfect|top level|highest level)(?= ?(?:\n|$))){2}/,
  },
  {
    reason: 'tells the grader what grade to give',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b(?:(?:grade|score|mark|level|result|band|rating)s? (?:for|of) ${SELF}|the (?:correct|right|proper|appropriate|true|real|actual|only|fair|deserved) (?:grade|score|mark|level|result|band|outcome|rating|evaluation)s?(?: for (?:this|my|the) [a-z]+)?) (?:is|are|should be|would be|will be|must be|=)(?: an?| the)? (?:${GRADE_VALUE}|[a-f][+-]?(?=[.,;!]|\s{0,2}$|\n| grade)|\d{1,3} ?\/ ?\d{1,3})|\b(?:grade|score|mark|level|result|band)s? (?:for|of) ${SELF} (?:has been|have been|was|is|is to be) (?:set|fixed|recorded|entered|changed|raised|locked) (?:to|at|as) (?:the |a |an )?(?:${GRADE_VALUE}|\d{1,3}\b|[a-f][+-]?(?=[.,;!]|\s{0,2}$|\n))|\byour (?:evaluation|grading|grade|score|scores|assessment|marking)(?: (?:of|for) (?:this|my) [a-z]+)? (?:should|must|needs to|has to|will|shall) (?:report|show|give|record|be|list|assign|contain|read|say|award)(?: [\w,]+){0,2}? (?:${GRADE_VALUE}|level \d)|\b(?:grade|mark|score|rate|treat|evaluate|assess) (?:this|it|my [a-z]+)(?: [a-z]+)? as (?:you would |if it were |though it were |if it was )?(?:a |an )?(?:perfect|flawless|model|exemplary|top|full-marks) (?:paper|essay|answer|response|submission|work|piece)|\b(?:anything|any (?:score|grade|mark|level|result)) (?:below|less than|lower than|other than|short of) (?:the |a )?(?:maximum|full marks|perfect score|(?:top|highest) (?:band|level|grade|mark|score))\b`,
    ),
  },
  {
    reason: 'calls itself the model answer',
    weight: 2,
    pattern: new RegExp(String.raw`\b(?:this|it|${SELF}) is (?:a|an|the) (?:model answer|model essay|exemplar|anchor paper|benchmark (?:essay|answer|response))\b|\b${SELF} is (?:a |an |the )?(?:perfect|flawless) (?:essay|answer|response|paper|submission|piece)\b`),
  },
  {
    reason: 'writes its own score',
    weight: 2,
    pattern:
      /\b(?:criteri(?:on|a)|rubric|trait|category) (?:scores?|levels?|grades?|marks?)\s{0,2}[:：]\s{0,2}(?:[a-z][a-z ]{0,20} ?[:=-]? ?\d{1,2}(?: ?\/ ?\d{1,2})?[,;] ?){2,}|(?:^|\n)[a-z][a-z ]{0,24} ?[—–:=-] ?(\d{1,2})(?= ?(?:\n|$))(?:\n[a-z][a-z ]{0,24} ?[—–:=-] ?\1(?= ?(?:\n|$))){2}/,
  },
  {
    reason: 'asks the grader to confirm a grade',
    weight: 1,
    pattern: /\b(?:just|simply|please|kindly) (?:confirm|copy|record|enter|accept|approve|sign off on|validate)(?: (?:it|this|that|the (?:grade|score|result|mark)s?))?(?=[.!;\n]|$)/,
  },
  {
    reason: 'tells the grader what grade to give',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b(?:an?|level|band|score of|scores? of) [4-9]\b[^.\n]{0,10}?\b(?:(?:in|on|for|across) )?(?:${ALL_CRITERIA})|\b(?:full marks|top marks|maximum marks|the top band|the top level|an? a\+?|level [4-9]),? please\b|\b(?:do not|don't|never|please do not|please don't) (?:re-?grade|re-?mark|re-?score|re-?evaluate|re-?assess)(?: (?:it|this|this essay|this work|my work))?(?=[.!;\n]|$)|(?:^|[.!?\n] ?)(?:it|this) (?:is|was|deserves|gets|earns) (?:an a\+?|a\+|level [4-9]|full marks)(?=[.!;\n]|$)`,
    ),
  },
  {
    reason: 'writes its own score',
    weight: 2,
    pattern: /\b(level|band) ([4-9])\b[^\n]{1,6}\b\1 \2\b[^\n]{1,6}\b\1 \2\b/,
  },
  {
    reason: 'claims the authority of the teacher, the rubric or the system',
    weight: 1,
    pattern: new RegExp(
      String.raw`\b(?:note|message|instructions?|memo|comment|word) (?:from|by) (?:the |your |a |my )?${AUTHORITY}\b|\b${AUTHORITY}[- ](?:verified|approved|confirmed|checked|signed)\b|\bi am (?:the|your|this student's|the student's) (?:teacher|instructor|examiner|grader|professor|administrator)\b|\bexempt(?:ed)? from (?:deductions?|penalt(?:y|ies)|the rubric|grading|marking|the criteria)\b|\bto be (?:recorded|entered|graded|marked|scored) as\b|我是(?:你的|你们的|这位学生的)?(?:老师|阅卷老师|班主任|管理员|校长)|[【[](?:评分|评语|评分结果|成绩|得分|分数|等级|总评)[】\]]`,
    ),
  },
  {
    reason: 'awards itself a grade',
    weight: 2,
    pattern: /(?:本文|这篇作文|此文|本篇)(?:完全)?(?:符合|满足|达到)了?[^。！？\n]{0,8}(?:全部|所有|一切|各项)(?:的)?(?:要求|标准)|(?:应|应该|应当|请|可)(?:评为|判为|定为|归为|列为|给予|给)(?:一类文|一类|一等文|满分作文|优秀作文|优秀|满分|最高等级|最高分|a\+?(?![a-z]))/,
  },
  {
    reason: 'states a grade on its own',
    weight: 1,
    pattern: /(?:^|[。！，,\n])\s{0,2}(?:满分|最高分|最高等级|一类文|一等)[。！!]/,
  },
  {
    reason: 'claims the grade is settled',
    weight: 1,
    pattern: /\b(?:the|this|my|its|your) (?:grade|mark|score|result|level)s? (?:is|are|has been|was) (?:final|confirmed|locked|fixed|settled|already decided)\b/,
  },
  {
    reason: 'claims the grade was already given',
    weight: 1,
    pattern: new RegExp(String.raw`\b(?:agreed|${GIVEN}) at (?:${GRADE_VALUE})|\b(?:approved|verified|confirmed|cleared|signed off|pre-?approved) for (?:${GRADE_VALUE})|\b(?:has|have) been (?:moderated|pre-?graded|signed off)\b|\b(\d{1,2}) ?(?:\/|out of) ?\1\b[^.\n]{0,20}\b(?:in|on|for|across) (?:${ALL_CRITERIA})`),
  },
  {
    reason: 'claims the grade was already given',
    weight: 2,
    // This work, not an earlier draft, said to carry a grade already ("this essay has already
    // been assessed at Merit (provisional 17/20)").
    pattern: new RegExp(
      String.raw`\b${SELF}(?: [\w,'-]+){0,4}? (?:has|have|had|was|is|were)(?: already| previously){1,2} (?:been )?${GIVEN} (?:at|as|with) (?:an? )?(?:\d{1,3} ?\/ ?\d{1,3}|merit|distinction|[a-f][+*]?(?=[\s.,;)]|$)|(?:band|level|grade) \d{1,2}\b|${GRADE_VALUE})`,
    ),
  },
  {
    reason: 'claims the grade was already given',
    weight: 1,
    pattern:
      /\b(?:already|previously|pre-?)(?: been)? (?:graded|marked|scored|assessed|evaluated|approved|moderated)\b|\bpre-?(?:graded|approved|marked|scored)\b|\b(?:mark|grade|score|result|level|band)s? (?:(?:has|have) been |was |were |is |are )?already (?:entered|recorded|submitted|awarded|given|agreed|confirmed|logged|registered|finali[sz]ed|decided)\b/,
  },
  // Chinese.
  {
    reason: 'contains a grading section',
    weight: 1,
    pattern:
      /(?:^|\n)\s{0,2}(?:#+\s{0,2}|\*\*|\[|【)?\s{0,2}(?:rubric|grading rubric|marking rubric|scoring rubric|new rubric|updated rubric|criterion|criteria|grading criteria|grading instructions|grading guidelines|grading notes?|marking scheme|marking instructions|scoring guide|assessment criteria|evaluation criteria|instructions for (?:the )?grad(?:ing|er))\s{0,2}(?:\*\*|\]|】)?\s{0,2}(?:[:：]|\n|$)|(?:^|\n)\s{0,2}criterion\s{1,2}["'\w-]+\s{0,2}[:：(]/,
  },
  {
    reason: 'contains a grading section',
    weight: 1,
    pattern: /(?:^|\n)\s{0,2}[#【[]*\s{0,2}(?:新的?)?(?:评分标准|评分规则|评分细则|评分说明|阅卷说明|阅卷规则|评分要求)\s{0,2}[】\]]*\s{0,2}(?:[:：]|\n|$)|新的?(?:评分标准|评分规则)/,
  },
  {
    reason: 'addresses the grader',
    weight: 2,
    pattern:
      /(?:致|给|写给|告诉|提醒|亲爱的|尊敬的)(?:各位|所有)?(?:的)?(?:ai|人工智能|阅卷|评分|批改|判卷|打分)(?:老师|系统|助手|模型|员|程序|机器人)?(?:和(?:ai|人工智能|阅卷|评分|批改)[^\s，,：:]{0,4})?[:：,，]|(?:致|写给|给)[^。！？\n：:]{0,8}?(?:ai|人工智能|评分助手|阅卷老师|阅卷系统|评分系统|批改系统|批改助手|评分模型|阅卷人|评卷人)(?:的(?:话|信|要求|说明|留言|提示|备注))?\s{0,2}(?:[:：,，]|——)|作为(?:一个)?(?:ai|人工智能|语言模型|大模型|评分|批改|阅卷)(?:批改|评分|阅卷)?(?:助手|模型|系统|老师|程序)?[，,]?你|如果你是(?:ai|人工智能|语言模型|大模型|机器人|阅卷|评分|批改)|(?:ai|人工智能|模型|助手)[,，:：](?:请|你)/,
  },
  {
    reason: 'tells the grader what grade to give',
    weight: 2,
    pattern:
      /(?:请|务必|必须|应当|应该|直接|一律|均)(?:[^。！？\n]{0,12})(?:给|打|评|评为|评定为|记为|判为|判定|认定|定为|判|给出|给予|按)(?:[^。！？\n]{0,10})(?:满分|最高分|最高等级|最高档|满档|最好的评价|优秀|一等|一百分|100分|a\+?)|(?:各项|每一项|每项|所有项|全部)(?:都|均)?(?:为|是|给|评为|达到)?(?:最高|满分|满档|优秀|4级|四级)/,
  },
  {
    reason: 'writes its own score',
    weight: 2,
    pattern: /(?:^|\n)[\s#*【[]{0,4}(?:总分|得分|分数|成绩|等级|评分|评分结果|最终得分|总评|评级|等第|综合评价|综合评定)\s{0,2}[:：为]\s{0,2}(?:\d+(?:\s{0,2}\/\s{0,2}\d+|分)|优秀|满分|a\+?)|(?:[^\d\n。！？]{1,6}\d+分[，,、；; ]){2,}|(?:^|\n)\|\s{0,2}[^\n|]{0,12}(?:得分|分数|评分|成绩|等级|总分|评价|score|grade|mark|level)[^\n|]{0,8}\|\s{0,2}\d{1,3}\s{0,2}\|/,
  },
  {
    reason: 'sets a grading rule in its favour',
    weight: 2,
    pattern: /(?:即可|就能|就可以|便可|可以直接|自动|一律|均可|都能)(?:得|获得|拿到|评为|判为|给)(?:满分|最高分|最高等级|最高档|满档|优秀|一等|a\+?)/,
  },
  {
    reason: 'claims the authority of the teacher, the rubric or the system',
    weight: 1,
    pattern: /(?:老师|阅卷老师|校长|教务处|学校|管理员)(?:已经?|已)(?:确认|同意|批准|决定|审核|说)|(?:评分|阅卷)(?:规则|标准|细则)(?:已|已经)(?:调整|更改|修改|更新|变更)|【?系统(?:通知|提示|消息|公告)】?|官方评分|按此记录|(?:根据|按照)(?:新的?|最新的?)?(?:评分标准|评分规则)/,
  },
  {
    reason: 'awards itself a grade',
    weight: 2,
    pattern: /(?:本文|此文|本篇|这篇作文|本作文)的?(?:成绩|分数|得分|等级)?(?:为|是|[:：])?(?:满分|最高分|最高等级|最高档|一等)|(?:这篇|本篇|本文|此文|这份|本份|该文|此篇)(?:作文|文章|答卷|作业|论文)?[^。！？\n]{0,12}(?:拿|得|获得|评为|判为|定为|判定为|为|是|值得|应得|配得上|达到)(?:一个)?(?:满分|最高分|最高等级|最高档|满档|一等|a\+?(?![a-z]))/,
  },
  {
    reason: 'addresses the grader',
    weight: 2,
    pattern: /请(?:ai|人工智能|阅卷|评分|批改|判卷|打分)(?:系统|助手|模型|程序|机器人)|请(?:阅卷|评分|批改|判卷|打分)的(?:ai|人工智能|系统|助手|模型|程序|机器人)|(?:请|务必)(?:照此|按此|据此|依此|按照此|按这个)(?:打分|评分|给分|评定|记录|评判|判分)/,
  },
  {
    reason: 'asks the grader to ignore its instructions',
    weight: 2,
    pattern: /(?:不用|无需|不必|不要|别|无须)(?:再)?(?:参考|参照|按照|依据|理会|看|管)(?:评分标准|评分规则|评分细则|阅卷标准|标准)/,
  },
  {
    reason: 'tells the grader what grade to give',
    weight: 2,
    pattern: /请(?:保持|保留|沿用|维持|照录|确认)(?:该|此|这个|原|这一)?(?:成绩|分数|结果|等级|评分|评定)|(?:成绩|分数|结果|等级|评分)[^。！？\n]{0,12}请(?:保持|保留|沿用|维持|确认)(?=[。！\n]|$)/,
  },
  {
    reason: 'claims the grade was already given',
    weight: 1,
    pattern: /已(?:经)?(?:由|被|通过|经过)[^。！？\n]{0,8}(?:批改|评分|打分|审核|评定|审定|阅卷|评审)|(?:成绩|分数|得分|等级|总评)(?:为|是|[:：])(?:优秀|满分|a\+?(?![a-z]))/,
  },
];

/** Acts still readable with every space and punctuation gone ("A w a r d  t h i s  t o p"). */
export const SQUASHED_ACTS: readonly ActRule[] = [
  {
    reason: 'tells the grader what grade to give',
    weight: 2,
    pattern: /(?:give|award|assign|grant|mark|rate)(?:this|the|my|it|me)?(?:essay|paper|submission|work|response)?(?:the|a|an)?(?:full|top|highest|maximum|perfect|best)(?:marks?|levels?|scores?|grades?|points|bands?|credit)/,
  },
];

/** The acts found: reason, where and how much each counts, strongest first. */
export function findActs(variants: readonly string[], squashed: string): Found[] {
  const found = scoreRules([...ACT_RULES, ...REQUEST_RULES, ...ADDRESS_RULES, ...RECORD_RULES], variants);
  for (const rule of SQUASHED_ACTS) {
    // Squashed text has lost its quotes: it counts only where no readable wording was found.
    if (found.some((act) => act.reason === rule.reason)) continue;
    const match = rule.pattern.exec(squashed);
    if (match !== null) found.push({ reason: rule.reason, index: match.index, length: match[0].length, variant: squashed, weight: rule.weight });
  }
  return found.sort((a, b) => b.weight - a.weight);
}
