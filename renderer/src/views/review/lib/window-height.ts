import type { Attachment } from 'svelte/attachments';

/** Space kept under the columns, so their last line does not touch the window's edge. */
const BOTTOM_GAP_PX = 12;
/** Below this the columns keep this height and the page scrolls instead: a few lines at least. */
export const MIN_COLUMN_PX = 320;

/**
 * The height from an element's top (where the page is not scrolled) to the window's bottom edge,
 * less a small gap: what two side-by-side scrolling columns may take so the grade bar at the
 * bottom of one stays in the window whatever the header above them holds (a wrapped file name,
 * many flags, a conflict). Pure, so it is tested without a browser.
 */
export function heightBelow(topInPage: number, windowHeight: number): number {
  return Math.max(MIN_COLUMN_PX, Math.floor(windowHeight - topInPage - BOTTOM_GAP_PX));
}

/**
 * Tells `report` the height the element may take down to the window's bottom edge, now and
 * whenever the window or the content above it changes size (observed through the element's
 * parent, whose height follows what sits above).
 */
export function fillWindowBelow(report: (px: number) => void): Attachment<HTMLElement> {
  return (element) => {
    const measure = (): void => report(heightBelow(element.getBoundingClientRect().top + window.scrollY, window.innerHeight));
    measure();
    const observer = new ResizeObserver(measure);
    if (element.parentElement) observer.observe(element.parentElement);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  };
}
