/**
 * The fixed words of a feedback document, in the feedback language stored with the batch.
 * Languages without words of their own here fall back to the app's language.
 */
export interface DocumentWords {
  title: string;
  rubric: string;
  student: string;
  criterion: string;
  levels: string;
  points: string;
  chosen: string;
  total: string;
  grade: string;
  comments: string;
  teacher: string;
  noFeedback: string;
}

const WORDS: Record<'en' | 'zh-CN' | 'zh-TW', DocumentWords> = {
  en: {
    title: 'Feedback',
    rubric: 'Rubric',
    student: 'Student',
    criterion: 'Criterion',
    levels: 'Levels',
    points: 'Points',
    chosen: 'chosen',
    total: 'Total',
    grade: 'Grade',
    comments: 'Comments by criterion',
    teacher: "Teacher's feedback",
    noFeedback: 'No written feedback.',
  },
  'zh-CN': {
    title: '评语',
    rubric: '评分标准',
    student: '学生',
    criterion: '评分项',
    levels: '等级',
    points: '得分',
    chosen: '已选',
    total: '总分',
    grade: '成绩',
    comments: '各评分项评语',
    teacher: '教师评语',
    noFeedback: '没有书面评语。',
  },
  'zh-TW': {
    title: '評語',
    rubric: '評分標準',
    student: '學生',
    criterion: '評分項',
    levels: '等級',
    points: '得分',
    chosen: '已選',
    total: '總分',
    grade: '成績',
    comments: '各評分項評語',
    teacher: '教師評語',
    noFeedback: '沒有書面評語。',
  },
};

/** The words and the language they are in: the batch's feedback language if known here, else the app's. */
export function documentWords(feedbackLanguage: string | null, appLanguage: 'en' | 'zh-CN'): { language: string; words: DocumentWords } {
  const language = feedbackLanguage !== null && feedbackLanguage in WORDS ? (feedbackLanguage as keyof typeof WORDS) : appLanguage;
  return { language, words: WORDS[language] };
}
