import type { EventListener, EventName, Unsubscribe } from '../../shared/ipc/contract.ts';

/**
 * The core's events, fanned out to whoever listens: the Electron window, browser-mode pages,
 * tests. A listener that throws is reported and does not keep the event from the others.
 */
interface EventHub {
  /** Announces an event to every listener; handed to the domains that raise events. */
  emit: EventListener;
  subscribe(listener: EventListener): Unsubscribe;
  /** Drops every listener, when the app closes. */
  clear(): void;
}

export function createEventHub(onListenerError: (event: EventName, error: unknown) => void): EventHub {
  const listeners = new Set<EventListener>();
  return {
    emit: (event, payload) => {
      for (const listener of listeners) {
        try {
          listener(event, payload);
        } catch (error) {
          onListenerError(event, error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear() {
      listeners.clear();
    },
  };
}
