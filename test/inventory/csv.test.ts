import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/inventory/csv.js';

describe('parseCsv', () => {
  it('splits records and fields, trimming blanks and skipping empty lines, with LF or CRLF', () => {
    expect(parseCsv('user,arn\n alice , arn:a \r\n\n  \nbob,arn:b\n')).toEqual([
      ['user', 'arn'],
      ['alice', 'arn:a'],
      ['bob', 'arn:b'],
    ]);
  });

  it('keeps empty fields and reads quoted fields whole: commas, doubled quotes, line breaks', () => {
    expect(parseCsv('a,,c\n"x,y", "say ""hi""" ,"two\nlines"\n""\nlast,')).toEqual([
      ['a', '', 'c'],
      ['x,y', 'say "hi"', 'two\nlines'],
      [''],
      ['last', ''],
    ]);
  });

  it('names the line of a quote that is never closed or that stands inside a field', () => {
    expect(() => parseCsv('a\n"b\nc\nd')).toThrow('line 2: a quoted field is never closed');
    expect(() => parseCsv('a\n"b\nc"d')).toThrow('line 3: text after a quoted field');
    expect(() => parseCsv('a\nb"c')).toThrow('line 2: a quote inside a field that is not quoted');
  });
});
