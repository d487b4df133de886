/**
 * Values that arrive as text in query strings and path segments: numbers and booleans, checked for
 * their spelling before they are converted, and calendar dates within the range a spec allows.
 */
import { z } from '@hono/zod-openapi';

/** Plain decimal integers only: no sign but `-`, no spaces, no hex, exponent or fraction, not empty. */
const INTEGER = /^-?[0-9]+$/;
/** Decimal numbers as JSON writes them (`0.5`, `.5`, `1e-7` as JavaScript prints small numbers); no hex or spaces. */
const NUMBER = /^-?([0-9]+(\.[0-9]+)?|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

/**
 * A number in a query string, spelled as `integer` or `number` allows, then checked by `schema` (which
 * carries the spec's bounds). `z.coerce.number()` would take `0x10`, `1e2`, ` 5`, `1.0` and an empty value.
 */
export const queryNumber = <T extends z.ZodType<unknown, number>>(schema: T, integer: boolean) =>
  z
    .string()
    .regex(
      integer ? INTEGER : NUMBER,
      integer ? 'expected a decimal integer (digits only, e.g. 10)' : 'expected a decimal number (e.g. 0.5)',
    )
    .transform(Number)
    .pipe(schema);

/** `true` / `false` in a query string. */
export const queryBoolean = () =>
  z.enum(['true', 'false'], { message: 'expected true or false' }).transform((value) => value === 'true');

/** A calendar date `YYYY-MM-DD` that exists (no 2026-02-30), between `min` and `max` inclusive when given. */
export const isoDate = (min?: string, max?: string) => {
  const range = min && max ? ` between ${min} and ${max}` : min ? ` from ${min}` : max ? ` up to ${max}` : '';
  const message = `expected a date (YYYY-MM-DD)${range}`;
  return z.string().refine((value) => {
    if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(value)) return false;
    const date = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) return false;
    // Same-length ISO dates compare as strings in calendar order.
    return (min === undefined || value >= min) && (max === undefined || value <= max);
  }, message);
};
