/**
 * The one clock of the auth code (sessions, throttling, credentials), injectable so that tests pin
 * time instead of sleeping.
 */

export interface Clock {
  now(): Date;
}

/** The computer's clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move (tests). */
export interface ManualClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void;
  set(at: Date): void;
}

export function manualClock(start: Date = new Date('2024-11-05T12:00:00.000Z')): ManualClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms) {
      t += ms;
    },
    set(at) {
      t = at.getTime();
    },
  };
}
