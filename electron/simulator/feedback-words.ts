/**
 * What the simulated grader writes as feedback, in the languages it can write: English and
 * Simplified Chinese. A request asks for its feedback language in the system prompt, as a real
 * model is asked; any other language gets English, as from a model that knows only these two.
 */

export type Kind = 'thesis' | 'evidence' | 'organization' | 'conventions' | 'overall';
export type Band = 'high' | 'mid' | 'low';
export type FeedbackLanguage = 'en' | 'zh';

export interface FeedbackWords {
  criteria: Record<Kind, Record<Band, readonly string[]>>;
  overall: {
    all: string;
    most: string;
    few: readonly string[];
    short: (words: number) => string;
    noProse: string;
  };
  pages: Record<Band, readonly string[]>;
  pagesOverall: string;
}

const EN: FeedbackWords = {
  criteria: {
    thesis: {
      high: ['Your opening takes a clear position that the rest of the essay argues for.', 'The claim is stated early and plainly; a reader knows what you will argue.'],
      mid: ['There is a position here, but it needs to be sharper: say exactly what you claim and why it matters.', 'Your claim is present but general; narrow it so every paragraph can support it.'],
      low: ['State your position in one clear sentence at the start, so the reader knows what you are arguing.', 'The essay does not yet make a claim a reader could agree or disagree with.'],
    },
    evidence: {
      high: ['Your reasons are backed by specific examples, which makes the argument convincing.', 'Good use of examples and reasons; each one connects back to your claim.'],
      mid: ['You give reasons, but they need specific examples; show the reader a case instead of only telling.', 'Some support is here; add a concrete example or source for each main point.'],
      low: ['Support your claim with reasons and at least one specific example.', 'The essay states opinions without backing them up; explain why with examples.'],
    },
    organization: {
      high: ['The essay moves from introduction to conclusion in a logical order, with clear transitions.', 'Paragraphs each do one job, and the transitions guide the reader.'],
      mid: ['The structure is there, but paragraphs could be linked with clearer transitions.', 'Give each main point its own paragraph and end with a conclusion that ties them together.'],
      low: ['Break the essay into paragraphs: an introduction, one paragraph per reason, and a conclusion.', 'The ideas run together in one block; organise them into paragraphs with transitions.'],
    },
    conventions: {
      high: ['Spelling, grammar and punctuation are clean and do not distract the reader.', 'The writing is correct and easy to read.'],
      mid: ['A few spelling or punctuation slips; proofread once more before handing in.', 'Mostly correct, but some errors distract; read the essay aloud to catch them.'],
      low: ['Capital letters, spelling and apostrophes need attention; errors make the argument hard to follow.', 'Proofread carefully: start sentences with capitals and check spelling such as the words quoted.'],
    },
    overall: {
      high: ['The essay meets this criterion well.', 'This part of the essay is a strength.'],
      mid: ['This part of the essay is partly there and can be developed further.', 'Some of what this criterion asks for is present; develop it further.'],
      low: ['This criterion is not yet met; revisit what it asks for.', 'Work on this part of the essay in your next draft.'],
    },
  },
  overall: {
    all: 'A well-argued essay that meets the rubric throughout.',
    most: 'A solid essay with a clear direction; a few parts can be developed further.',
    few: ['The essay has a starting point but needs development before it argues convincingly.', 'There is an opinion here; the next draft needs reasons, examples and structure.'],
    short: (words) => ` At about ${words} words it is short: develop each reason in its own paragraph.`,
    noProse: 'There is no sentence here to grade yet: write the essay out in full, in paragraphs.',
  },
  pages: {
    high: ['On the page, this criterion is met well.', 'The page shows this criterion clearly.'],
    mid: ['On the page, this criterion is partly met; develop it further.', 'Some of what this criterion asks for is on the page.'],
    low: ['This criterion is not yet visible on the page.', 'The page does not yet show what this criterion asks for.'],
  },
  pagesOverall: 'Graded from the page images by a simulated model, which cannot read them: these levels are for trying GradeDesk out, not a judgement of the work.',
};

const ZH: FeedbackWords = {
  criteria: {
    thesis: {
      high: ['开头就亮明了清晰的观点，全文都在为它论证。', '论点提得早、说得明白，读者一看就知道你要论证什么。'],
      mid: ['有观点，但还不够鲜明：说清楚你主张什么、为什么重要。', '论点有了，但比较笼统；把它收窄，让每一段都能支撑它。'],
      low: ['在开头用一句话写清你的观点，让读者知道你在论证什么。', '文章还没有提出一个读者可以赞成或反对的观点。'],
    },
    evidence: {
      high: ['理由都有具体的例子支撑，论证很有说服力。', '理由和例子用得好，每一条都回扣了你的观点。'],
      mid: ['给出了理由，但缺少具体例子；用事例说明，而不只是陈述。', '有一些论据；为每个要点补充一个具体的例子或出处。'],
      low: ['用理由和至少一个具体例子来支撑你的观点。', '文章只陈述看法而没有论据；用例子说明为什么。'],
    },
    organization: {
      high: ['文章从开头到结尾层次分明，过渡自然。', '每段各司其职，过渡句引导着读者。'],
      mid: ['结构已经有了，但段落之间可以用更清楚的过渡连接起来。', '每个要点单独成段，最后用结论把它们串起来。'],
      low: ['把文章分成段落：开头、每个理由一段、结尾。', '想法都挤在一起；把它们分段，并加上过渡。'],
    },
    conventions: {
      high: ['用字、语法和标点都很规范，读起来流畅。', '文字正确，易于阅读。'],
      mid: ['有几处错别字或标点问题；交之前再检查一遍。', '大体正确，但有些错误影响阅读；朗读一遍可以帮你发现它们。'],
      low: ['错别字和标点需要注意，这些错误让论证难以读懂。', '请仔细检查：注意标点和引文中的错别字。'],
    },
    overall: {
      high: ['这一项完成得很好。', '这是文章的长处。'],
      mid: ['这一项部分做到了，还可以进一步展开。', '这一项的要求有一部分已经体现，请继续完善。'],
      low: ['这一项还没有达到要求，请再看看它要求什么。', '下一稿请在这一项上多下功夫。'],
    },
  },
  overall: {
    all: '论证充分，各项都达到了评分标准的要求。',
    most: '文章方向明确、基础扎实，有几处还可以进一步展开。',
    few: ['文章有了出发点，但还需要充实，论证才会有说服力。', '文中有观点；下一稿需要理由、例子和清楚的结构。'],
    short: (words) => `全文约 ${words} 字，篇幅偏短：每个理由单独成段并展开。`,
    noProse: '这里还没有可以评分的完整句子：请把文章完整地分段写出来。',
  },
  pages: {
    high: ['从页面上看，这一项完成得很好。', '页面上清楚地体现了这一项。'],
    mid: ['从页面上看，这一项部分达到要求，还可以继续完善。', '页面上体现了这一项的部分要求。'],
    low: ['页面上还看不到这一项的要求。', '页面上还没有体现这一项要求的内容。'],
  },
  pagesOverall: '由模拟模型根据页面图片评分，它并不能真正读取图片：这些等级只用于试用 GradeDesk，不是对作业的评价。',
};

export const FEEDBACK_WORDS: Readonly<Record<FeedbackLanguage, FeedbackWords>> = { en: EN, zh: ZH };

/** The feedback language a grading prompt asks for, among those the simulator writes. */
export function feedbackLanguageOf(prompt: string): FeedbackLanguage {
  return /feedback language:[^\n]*(?:simplified chinese|简体中文)/i.test(prompt) ? 'zh' : 'en';
}
