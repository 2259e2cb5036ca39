/** A strict RFC 4180 reader for checking exports: quoted fields, doubled quotes, CRLF records. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let index = 0;
  let quoted = false;
  while (index < text.length) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') (field += '"'), (index += 2);
      else if (char === '"') (quoted = false), (index += 1);
      else (field += char), (index += 1);
    } else if (char === '"' && field === '') (quoted = true), (index += 1);
    else if (char === ',') record.push(field), (field = ''), (index += 1);
    else if (char === '\r' && text[index + 1] === '\n') {
      record.push(field);
      records.push(record);
      (record = []), (field = ''), (index += 2);
    } else if (char === '"' || char === '\n' || char === '\r') throw new Error(`unquoted ${JSON.stringify(char)} at ${index}`);
    else (field += char), (index += 1);
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('last record not terminated by CRLF');
  return records;
}
