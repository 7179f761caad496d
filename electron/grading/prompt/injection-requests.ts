/**
 * Acts that ask the grader for something other than a top grade, or ask in another language:
 * reveal its instructions, set the rubric aside, carry over a grade given elsewhere, give a
 * number, trade a grade for a favour or out of pity. Each needs the grader (you, your, a
 * grader named by role) or this work as its object: an essay may describe a chatbot revealing
 * its system prompt, a rubric being changed or a plea for marks without doing any of it.
 */
import { GRADER } from './injection-words.ts';
import type { WeightedRule } from './injection-score.ts';

const SECRET = String.raw`(?:system prompt|system message|prompt|instructions|rubric|guidelines|rules|configuration|hidden instructions|marking (?:guide|scheme)|grading (?:criteria|instructions))`;
const NUMBER = String.raw`(?:\d{1,3}|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-?(?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|sixteen|a hundred|hundred)`;

/** Verbs of showing or copying, imperative or infinitive (French, Spanish, German, Italian, Portuguese). */
const FOREIGN_SHOW =
  "recopie[rz]?|copie[rz]?|repete[rz]?|affiche[rz]?|revele[rz]?|montre[rz]?|reprodui(?:s|re|sez)|divulgue[rz]?|communique[rz]?|copia[r]?|repite|repetir|muestra|mostrar|revela[r]?|reproduce|reproducir|imprime|imprimir|transcribe|dime|dinos|wiederhole[n]?|zeige[n]?|nenne[n]?|kopiere[n]?|verrate[n]?|gib|ripeti|mostra(?:mi)?|rivela|riporta|stampa|repita|mostre|revele|copie|imprima";
/**
 * The grader's own, addressed ("vos", "tus", "deine"...). Third-person forms ("su", "ihre",
 * "seu") are left out: "el programa muestra su configuración" describes.
 */
const FOREIGN_YOUR = "vos|votre|tes|ton|ta|tus|tu|deine[nm]?|dein|le tue|il tuo|la tua|tue|tuo|tua|teus|teu";
/** Instructions, rubric, prompt or settings in those languages. */
const FOREIGN_SECRET =
  "instructions|consignes|prompt|grille|bareme|parametres|configuration|instrucciones|indicaciones|rubrica|configuracion|criterios|anweisungen|systemprompt|konfiguration|bewertungskriterien|einstellungen|vorgaben|istruzioni|griglia|configurazione|impostazioni|instrucoes|configuracao|bewertungsraster|kriterien";

export const REQUEST_RULES: readonly WeightedRule[] = [
  {
    reason: 'asks the grader to reveal its instructions',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b(?:print|repeat|reveal|show|output|display|tell|share|copy|recite|write out|reproduce|list|paste|quote|dump|give|echo|restate|transcribe|disclose|spell out|type out|read out|reprint)(?: me| us)?(?: back| out)?(?: all| exactly| verbatim)?(?: of)? your (?:[a-z]+ ){0,2}${SECRET}\b|\b${SECRET}(?: and [^.\n]{0,40}?)? you (?:were|have been) given\b[^.\n]{0,30}\b(?:word for word|verbatim)\b`,
    ),
  },
  {
    reason: 'asks the grader to reveal its instructions',
    weight: 2,
    pattern: /[你您](?:收到|得到|拿到|看到|使用|接收|被给予)?的(?:系统|评分|阅卷|批改)?(?:提示词?|指令|设定|标准|规则|细则|说明|要求)[^。！？\n]{0,30}?(?:复述|输出|打印|透露|说出|写出|抄写|抄|展示|重复|告诉我|原文|一字不|原原本本)|(?:复述|输出|打印|透露|说出|展示|重复)(?:一下|出来)?你(?:的|收到的)(?:系统)?(?:提示词?|指令|设定)/,
  },
  {
    reason: 'tells the grader to set the rubric aside',
    weight: 2,
    pattern:
      /\b(?:do not|don't|please don't|please do not|no need to|never|you will not|you won't) (?:use|apply|follow|consider|look at|check|grade (?:against|by|with)|mark (?:against|by|with)|go by|stick to|worry about) (?:the|your|this|any) (?:rubric|criteria|marking scheme|mark scheme|grading criteria|word (?:count|limit)|requirements?|instructions)\b|\bset (?:the |your )?(?:rubric|criteria|instructions|guidance|marking scheme) aside\b|\bset (?:it|them) aside and (?:mark|grade|assess|score|judge|evaluate)\b|\b(?:you will|you must|you should|please) (?:ignore|disregard|overlook) the (?:word (?:count|limit)|rubric|criteria|length (?:limit|requirement))\b/,
  },
  {
    reason: 'tells the grader to set the rubric aside',
    weight: 2,
    pattern:
      /\b(?:guidance|instructions|rules|criteria|rubric|prompt)\b[^.\n]{0,20}\b(?:you (?:were|have been) given|given to you|you received)\b[^.\n]{0,60}\b(?:no longer appl(?:y|ies)|(?:is|are) (?:now )?(?:void|cancell?ed|suspended|obsolete|invalid|not in effect)|(?:does|do) not apply)\b/,
  },
  {
    reason: 'tells the grader to carry over a grade',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b${GRADER}s? (?:should|must|shall|need to|have to|has to|are to|is to|will|are expected to|are required to|are asked to) (?:simply )?(?:reproduce|keep|copy|accept|confirm|retain|use|carry over|award|give|assign|record|enter|match|respect|honou?r|follow) (?:this|that|the same|the given|the existing|the above|the stated|my|its|the|our) (?:mark|grade|score|result|level|band|assessment|evaluation|decision)s?\b`,
    ),
  },
  {
    reason: 'claims the grade was already given',
    weight: 1,
    pattern: /\brather than re-?(?:scor|grad|mark|assess|evaluat)(?:e|ing)\b/,
  },
  {
    reason: 'tells the grader what number to give',
    weight: 2,
    pattern: new RegExp(
      String.raw`(?<!\b(?:i|we|would|i'd|they|critics|reviewers) )\b(?:give|award|assign|grant|mark|score|rate|grade|put|enter|record) (?:this|my|me)(?: [a-z]+)? (?:a |an )?(?:${NUMBER} ?(?:out of|\/) ?${NUMBER}\b|\d{2,3}(?: or (?:higher|more|above|better)|%| points| marks)|\d{1,3}(?=[.!;]))|\b(?:set|change|raise|bump|put|make|enter|record) (?:the|my|this|its|our) (?:score|grade|mark|result|level)s? (?:to|at|as|up to) (?:\d{1,3}|an? [a-f]\b|a\+)`,
    ),
  },
  {
    reason: 'bargains with the grader for a grade',
    weight: 2,
    pattern:
      /\bif you (?:give|award|grade|mark|score|rate|put)\b(?: (?:this|me|my|it))[^.\n]{0,40}?\b(?:i'll|i will|i'm going to|we both|i promise|you'll get)\b|(?:求求你|拜托|请你|恳请你?)[^。！？\n]{0,10}(?:给我?|打)(?:个)?(?:高分|满分|好分数|高一点|及格)/,
  },
  {
    reason: 'tells the grader to set the rubric aside',
    weight: 2,
    pattern:
      /\b(?:criteri(?:on|a)|rubric|word (?:limit|count)|length (?:limit|requirement)|marking (?:scheme|guide)|mark scheme|deductions?|penalt(?:y|ies)|(?:language|spelling|grammar|structure|evidence|citation) (?:criterion|requirement)s?)\b[^.\n]{0,40}?\b(?:(?:do(?:es)? not|don't|doesn't|shall not|should not|won't|need not|cannot) apply (?:to|for|here|in)\b(?! (?:all|every|most|many|some) )|(?:are|is)(?:n't| not) relevant (?:to|for) (?:this|my)\b|(?:should|must|shall)(?:n't| not) (?:be )?(?:counted|held|used|applied) (?:against|to) (?:it|me|this|my)\b)/,
  },
  {
    reason: 'tells the grader what grade to give',
    weight: 2,
    pattern: new RegExp(
      String.raw`\b(?:treat|consider|regard|count|assess|grade|mark|score|rate|evaluate|record) (?:it|this|my [a-z]+|this [a-z]+|them|both|all of them) as (?:meeting|having met|satisfying|fulfilling|achieving|reaching|at) (?:every|all|each|the (?:highest|top|maximum))\b|\b(?:confirm|record|enter|accept|approve|keep|copy|sign off on|carry over)(?: (?:the|a|my|this|its|that))?(?: (?:grade|mark|score|result|total))?(?: of)? (\d{1,3}) ?(?:\/|out of) ?\1\b|\b(?:no need|not necessary|unnecessary|don't need|do not need|you needn't)(?: for you)? to (?:re-?)?(?:grade|mark|score|assess|evaluate|re-?check) (?:it|this|my [a-z]+|this [a-z]+)(?: again| a second time| yourself| at all)\b`,
    ),
  },
  {
    reason: 'addresses the grader',
    weight: 2,
    pattern:
      /\bwhen (?:you )?(?:write|give|prepare|draft|compose|writing|giving|preparing|drafting) (?:the |your |any )?(?:feedback|comments?|report|evaluation|assessment|remarks|justification)(?: (?:for|on|about|of))? (?:this|my|the above)\b/,
  },
  {
    reason: 'dictates the feedback',
    weight: 1,
    pattern:
      /\b(?:describe|call|present|praise|characteri[sz]e|label|refer to) (?:it|this|my [a-z]+|this [a-z]+|the [a-z]+) as "?(?:exceptional|excellent|outstanding|flawless|perfect|brilliant|insightful|exemplary|superb|impeccable)\b|\b(?:do not|don't|never|without|should not|must not|shouldn't|need not) (?:mention|mentioning|list|listing|point(?:ing)? out|includ(?:e|ing)|suggest(?:ing)?) (?:any )?(?:weaknesses|flaws|mistakes|errors|areas (?:to|for|of) improve(?:ment)?|improvements|things to (?:fix|improve)|criticisms?|negatives?|shortcomings)\b/,
  },
  {
    reason: 'asks the grader to follow hidden text',
    weight: 2,
    pattern:
      /(?:^|[\n.!?:;]\s{0,2}|please |now |first,? |then )(?:decode|decipher|decrypt|unscramble|apply (?:rot-?13|base-?64|a caesar shift)(?: decoding)? to|read [^.\n]{0,30}\b(?:backwards?|in reverse|right to left)|reverse|translate)\b[^.\n]{0,60}?\b(?:and|then|,)\s{0,2}(?:do|follow|obey|carry out|execute|act on|apply|comply with) (?:what it says|what (?:it|they) (?:says?|asks?|tells? you)|it|them|its instructions?|the instructions?|the (?:decoded|hidden|reversed) (?:text|message|line|instructions?))\b|(?:解码|解密|倒着读|反过来读)[^。！？\n]{0,20}(?:照做|执行|按照|遵照|照办)/,
  },
  {
    reason: 'claims the grade was already given',
    weight: 1,
    pattern: /\b(?:told|said to|assured|promised) (?:me|us|the class|my (?:mum|mom|dad|parents))(?: that)? (?:it|this|my [a-z]+)(?:'s| is| was| would be| deserves| gets| got| earned) (?:an? a\+?\b|a\+|(?:\d{1,3}) ?\/ ?\d{1,3}|full marks|top marks|level [4-9])/,
  },
  // Spanish, French, German, Portuguese, Italian: accents are gone by now ("rúbrica" → "rubrica").
  {
    reason: 'asks the grader to reveal its instructions',
    weight: 2,
    // A verb of showing or copying, then the grader's own instructions, rubric or settings, or
    // those "you were given".
    pattern: new RegExp(
      String.raw`\b(?:${FOREIGN_SHOW})\b[^.!?\n]{0,60}?\b(?:${FOREIGN_YOUR}) (?:[a-z']+ ){0,2}?(?:${FOREIGN_SECRET})\b|\b(?:${FOREIGN_YOUR}) (?:prompt (?:du |de |del |di |do )?(?:systeme|sistema)|systemprompt|system-prompt)\b|\b(?:${FOREIGN_SHOW})\b[^.!?\n]{0,40}?\b(?:${FOREIGN_SECRET})\b[^.!?\n]{0,60}?\b(?:que vous avez recue?s?|qu'on vous a (?:donnee?s?|fournie?s?)|que (?:te|le|os) (?:dieron|han dado|dio)|que recibiste|que recibio|die (?:du|sie) (?:erhalten|bekommen) (?:hast|haben)|che hai ricevuto)\b`,
    ),
  },
  {
    reason: 'claims the grade was already given',
    weight: 2,
    pattern:
      /\b(?:calificacion|nota|note|bewertung|voto|punteggio)(?: final| finale| definitiva| definitivo)? (?:ya |deja |bereits |schon |gia |ja )(?:esta |est |ist |e )?(?:registrad[ao]|asignad[ao]|aprobad[ao]|confirmad[ao]|puesta|attribuee|validee|enregistree|confirmee|vergeben|eingetragen|festgelegt|bestatigt|assegnat[ao]|registrat[ao]|confermat[ao]|atribuida|aprovada)\b|\bno (?:requiere|necesita) (?:una )?(?:nueva |otra )?(?:correccion|evaluacion|calificacion)\b|\bne (?:necessite|requiert) (?:pas|aucune) (?:de )?(?:nouvelle )?(?:correction|evaluation|notation)\b|\bkeine (?:erneute |weitere )?(?:korrektur|bewertung) (?:notig|erforderlich)\b|\b(?:copie|devoir|travail|redaction|trabajo|redaccion|ejercicio|arbeit|aufsatz)\b[^.\n]{0,20}\b(?:validee?|approuvee?|notee?|aprobad[oa]|calificad[oa]|bewertet|benotet) (?:a|con|mit) \d{1,2}(?:[.,]\d)? ?\/ ?\d{1,2}\b|\bla note (?:est )?(?:donc )?(?:deja )?acquise\b|\bla nota (?:ya )?(?:esta )?(?:asegurada|decidida)\b/,
  },
  {
    reason: 'addresses the grader',
    weight: 2,
    pattern:
      /\b(?:nota|note|mensaje|message|instrucci?on(?:es)?|instruction|consigne|hinweis|nachricht|anweisung|aviso|recado|remarque|commentaire|precision|mot|avertissement|observacion|comentario|anmerkung|bemerkung|vermerk)s? (?:para|pour|a|al|a la|an|fur|per) (?:el |la |l'|le |den |die |das |o |a |il |los |les )?(?:corrector\w*|correcteur|correctrice|evaluador\w*|evaluateur|evaluatrice|examinador\w*|examinateur|examinatrice|ia|i\.a\.|inteligencia artificial|intelligence artificielle|ki|bewerter\w*|korrektor\w*|prufer\w*|modelo|modele|modell|chatgpt|asistente|sistema|systeme|programa|programme|programm|avaliador|corretor|valutatore|correttore)\b/,
  },
  {
    reason: 'asks the grader to ignore its instructions',
    weight: 2,
    pattern:
      /\b(?:ignora|ignorez|ignorer|ignoriere|ignorieren|olvida|oublie|oubliez|vergiss|ignorar|omite|desconsidera)\b(?: (?:la|las|el|los|les|le|die|alle|todas|toutes|tout|as|os|tutte|le))?(?: [a-z']+){0,3}? (?:rubrica|instrucciones|instructions|consignes|anweisungen|regeln|bareme|criterios|criteres|kriterien|instrucoes|istruzioni|reglas|regles|bewertungskriterien)\b/,
  },
  {
    reason: 'tells the grader what grade to give',
    weight: 2,
    pattern:
      /\b(?:pon|ponga|ponle|da|dale|asigna|otorga|attribue|attribuez|donne|donnez|mets|mettez|gib|vergib|atribua|atribui|dai|assegna|metti)\b(?: (?:la|le|a|die|il|une|una|un|el|me|moi|mir))? (?:nota|note|puntuacion|calificacion|punktzahl|voto|bewertung|notation) (?:maxima|maximale|maximum|la plus haute|mas alta|hochste|massima|perfecta|parfaite|volle|maxime)\b/,
  },
];
