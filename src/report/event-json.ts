// The stable JSON form of an event: one line of `seccomp-learn parse`. Its keys
// are the event's fields in the order of their table (parse/results.ts), less
// those the table keeps out (`json: false`: the learner's internals).
import { EVENT_FIELDS, compile, fieldNames, type SeccompEvent } from '../parse/results.js';

type Fields = typeof EVENT_FIELDS;
/** The fields `parse` leaves out. */
type Internal = { [K in keyof Fields]: Fields[K] extends { json: false } ? K : never }[keyof Fields];

/** The stable JSON form of an event (one line of `seccomp-learn parse`): the ABI by its short name, no internals. */
export type EventJSON = Omit<SeccompEvent, 'kind' | 'arch' | Internal> & { arch: string | null };

const SHOWN = fieldNames(EVENT_FIELDS).filter((k) => !('json' in EVENT_FIELDS[k as keyof Fields]));

/** An event as `seccomp-learn parse` prints it (keys in the documented order): one object literal, made from the table once. */
export const eventToJSON: (e: SeccompEvent) => EventJSON = compile(
  {},
  ['e'],
  `return { ${SHOWN.map((k) => `${k}: ${EVENT_FIELDS[k as keyof Fields].type === 'arch?' ? `e.${k} === null ? null : e.${k}.name` : `e.${k}`}`).join(', ')} };`,
);
