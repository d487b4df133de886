/**
 * CSV rows with csv-parse (a maintained streaming parser: quoting, CRLF, BOM). The first record is the
 * header; every later record must have as many fields, each a decimal number.
 */
import { CsvError, parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import { csvNumber, featureColumns, invalidDataset, isDecimal, type DatasetRecord } from './dataset-values.js';

/** One line longer than this is refused rather than buffered without end. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export async function* csvRecords(
  source: Readable,
  labelColumn: string,
  onColumns: (columns: string[]) => void,
): AsyncGenerator<DatasetRecord> {
  const parser = source.pipe(
    parse({
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      record_delimiter: ['\r\n', '\n'], // either, also mixed in one file
      max_record_size: MAX_RECORD_BYTES,
    }),
  );
  source.once('error', (error) => parser.destroy(error));
  let names: string[] | undefined;
  let labelIndex = -1;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const line = info.lines;
      if (!names) {
        if (record.every((field) => isDecimal(field)))
          throw invalidDataset(
            `Line ${line}: expected a header row naming the columns, found only numbers; the first line of a CSV dataset is its header`,
          );
        names = record;
        const columns = featureColumns(names, labelColumn, line);
        labelIndex = names.indexOf(labelColumn);
        onColumns(columns);
        continue;
      }
      if (record.length !== names.length)
        throw invalidDataset(`Line ${line}: ${record.length} values where the header names ${names.length} columns`);
      const features: number[] = [];
      let label = 0;
      for (let i = 0; i < record.length; i++) {
        const value = csvNumber(record[i]!, names[i]!, line);
        if (i === labelIndex) label = value;
        else features.push(value);
      }
      yield { line, features, label };
    }
  } catch (error) {
    if (error instanceof CsvError) throw invalidDataset(`Not a valid CSV file: ${(error as Error).message}`);
    throw error;
  } finally {
    source.destroy();
  }
  if (!names) throw invalidDataset('The file is empty: a CSV dataset starts with a header row');
}
