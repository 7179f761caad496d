/**
 * The review screen's single-key shortcuts (Submitty's scheme, listed by `?`): 1–9 choose a
 * level of the current criterion, ↑/↓ move between criteria, j/k or ←/→ between students,
 * Enter or G accepts and goes on to the next unreviewed work, F goes to the feedback, E edits
 * the current criterion's words (Esc in that box cancels the edit). They are
 * ignored while typing, inside a dialog, on auto-repeat and with Ctrl/Alt/⌘, and can be
 * switched off altogether (WCAG 2.1.4).
 */

export type KeyAction =
  | { kind: 'level'; index: number }
  | { kind: 'criterion'; delta: 1 | -1 }
  | { kind: 'submission'; delta: 1 | -1 }
  | { kind: 'accept' }
  | { kind: 'feedback' }
  | { kind: 'words' }
  | { kind: 'help' };

/** What a key event's target must offer: a DOM Element does. */
export interface KeyTarget {
  tagName?: string;
  isContentEditable?: boolean;
  closest?: (selector: string) => unknown;
}

export interface KeyEventLike {
  key: string;
  repeat: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: KeyTarget | null;
}

const TYPING = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
/** Where Enter and Space already mean "press this": they keep that meaning. */
const PRESSABLE = 'button, a[href], summary, [role="button"], [role="link"], [role="tab"], [role="menuitem"]';
/** A level choice: pressing Enter there accepts, since the click already chose the level. */
const LEVEL_CHOICE = '[data-review-level]';

const isTyping = (t: KeyTarget | null): boolean =>
  t !== null && ((t.tagName !== undefined && TYPING.has(t.tagName.toUpperCase())) || t.isContentEditable === true);

const inDialog = (t: KeyTarget | null): boolean => Boolean(t?.closest?.('[role="dialog"], [role="alertdialog"]'));

export function keyAction(event: KeyEventLike, options: { enabled: boolean; dialogOpen: boolean }): KeyAction | null {
  if (!options.enabled || options.dialogOpen || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return null;
  const target = event.target;
  if (isTyping(target) || inDialog(target)) return null;
  const key = event.key;
  if (/^[1-9]$/.test(key)) return { kind: 'level', index: Number(key) - 1 };
  switch (key) {
    case 'ArrowDown':
      return { kind: 'criterion', delta: 1 };
    case 'ArrowUp':
      return { kind: 'criterion', delta: -1 };
    case 'j':
    case 'J':
    case 'ArrowRight':
      return { kind: 'submission', delta: 1 };
    case 'k':
    case 'K':
    case 'ArrowLeft':
      return { kind: 'submission', delta: -1 };
    case 'g':
    case 'G':
      return { kind: 'accept' };
    case 'Enter':
      if (target?.closest?.(PRESSABLE) && !target.closest(LEVEL_CHOICE)) return null;
      return { kind: 'accept' };
    case 'f':
    case 'F':
      return { kind: 'feedback' };
    case 'e':
    case 'E':
      return { kind: 'words' };
    case '?':
      return { kind: 'help' };
    default:
      return null;
  }
}
