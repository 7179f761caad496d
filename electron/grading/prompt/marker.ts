/**
 * The random per-request token that delimits the submission. A student cannot close the
 * block early because they cannot know the token: it is drawn after the submission is
 * written, from 64 bits of `crypto.randomBytes`, and redrawn in the (astronomically unlikely)
 * case it already occurs in the text.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import { SUBMISSION_CLOSE, SUBMISSION_OPEN } from './system-prompt.ts';

/** Returns a fresh token; tests pass their own to get stable prompts. */
export type MarkerRandom = () => string;

export const defaultMarkerRandom: MarkerRandom = () => randomBytes(8).toString('hex');

const TOKEN = /^[A-Za-z0-9]{8,64}$/;

export function openLine(token: string): string {
  return `${SUBMISSION_OPEN} ${token}>>>`;
}

export function closeLine(token: string): string {
  return `${SUBMISSION_CLOSE} ${token}>>>`;
}

/** A token that does not occur in `text`. Throws only for a broken `random`. */
export function newMarker(text: string, random: MarkerRandom = defaultMarkerRandom): string {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const token = random();
    if (!TOKEN.test(token)) throw new AppError('INTERNAL_ERROR', 'The submission marker must be 8–64 letters or digits.');
    if (!text.includes(token)) return token;
  }
  throw new AppError('INTERNAL_ERROR', 'Could not draw a submission marker that does not occur in the submission.');
}
