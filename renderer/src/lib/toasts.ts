/**
 * Toasts whose words follow the language. A toast given a string keeps the words of the moment
 * it was raised, so one raised just before the teacher switched to 简体中文 stayed in English.
 * Here the words are functions (usually an arrow that calls the catalogue), read by the toast's title and
 * description components each time they render, so a switch re-reads them.
 */
import { toast, type ExternalToast } from 'svelte-sonner';
import ToastDescription from '../components/toast/ToastDescription.svelte';
import ToastTitle from '../components/toast/ToastTitle.svelte';

type Words = () => string;
type Kind = 'success' | 'error' | 'info' | 'warning';
export type SayOptions = Omit<ExternalToast, 'description' | 'componentProps'> & { description?: Words };

/** Raises a toast of `kind` whose title (and description) are read again whenever the language changes. */
export function say(kind: Kind, title: Words, options: SayOptions = {}): string | number {
  const { description, ...rest } = options;
  return toast[kind](ToastTitle, {
    ...rest,
    ...(description ? { description: ToastDescription } : {}),
    componentProps: { title, ...(description ? { description } : {}) },
  });
}
