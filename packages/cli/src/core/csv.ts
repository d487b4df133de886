/**
 * CSV as RFC 4180 writes it: fields separated by commas, quoted with `"` when they hold a comma, a quote or a
 * line break (a quote inside doubled). `parseCsv` reads such text into rows of strings (blank lines skipped);
 * `csvLine` writes one row.
 */

/** The rows of `text`, each an array of its fields as strings; `line` is the 1-based line a row starts on. */
export function parseCsv(text: string): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let touched = false;
  const endRow = () => {
    if (touched || fields.length > 0) rows.push({ fields: [...fields, field], line: rowLine });
    fields = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === '"') {
      quoted = true;
      touched = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
      touched = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      if (!touched && fields.length === 0) rowLine = line;
      field += char;
      touched = true;
    }
  }
  endRow();
  return rows.filter((row) => !(row.fields.length === 1 && row.fields[0]!.trim() === ''));
}

/** One CSV line (without the line break); null and undefined become empty fields, objects their JSON. */
export function csvLine(values: unknown[]): string {
  return values
    .map((value) => {
      if (value === undefined || value === null) return '';
      const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
      return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    })
    .join(',');
}
