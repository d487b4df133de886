/** The seed's hour format, `YYYY-MM-DDTHH` (UTC), both ways. */
import { ApiProblem } from '../../platform/http/problem.js';

const HOUR = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/;

export const formatHour = (at: Date) => at.toISOString().slice(0, 13);

/** The start of the hour named by `text`; 400 naming the parameter when it is no real hour. */
export function parseHour(text: string, parameter: string): Date {
  const match = HOUR.exec(text);
  const at = match ? new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!)) : undefined;
  if (!at || formatHour(at) !== text)
    throw new ApiProblem(
      400,
      'VALIDATION_ERROR',
      `query.${parameter}: '${text}' is not an hour in format YYYY-MM-DDTHH`,
      {
        details: [{ path: `query.${parameter}`, message: 'expected an hour in format YYYY-MM-DDTHH (UTC)' }],
      },
    );
  return at;
}
