import { describe, expect, it } from 'vitest';
import { EvStreamParser, parseLine, stripAnsi, type ParsedItem } from '../../../src/lib/runtime/webcontainer/ev-parser.ts';

function run(chunks: string[], parser = new EvStreamParser()): ParsedItem[] {
  const items: ParsedItem[] = [];
  for (const chunk of chunks) items.push(...parser.push(chunk));
  items.push(...parser.flush());
  return items;
}

describe('stripAnsi', () => {
  it.each([
    ['\x1b[32mgreen\x1b[0m', 'green'],
    ['\x1b[1;31mbold red\x1b[m', 'bold red'],
    ['\x1b[2K\x1b[1Gline', 'line'],
    ['\x1b[?25l\x1b[?25hcursor', 'cursor'],
    ['\x1b]0;node lab.mjs\x07title', 'title'],
    ['\x1b]0;node lab.mjs\x1b\\title', 'title'],
    ['\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\', 'link'],
    ['\x1b(Bcharset', 'charset'],
    ['bell\x07 and back\x08space', 'bell and backspace'],
    ['tab\tkept', 'tab\tkept'],
  ])('%j → %j', (input, output) => {
    expect(stripAnsi(input)).toBe(output);
  });
});

describe('parseLine', () => {
  it('reads an event, keeping every field', () => {
    expect(parseLine('@@EV {"t":12.5,"kind":"call","source":"client","ok":true}')).toEqual([
      { type: 'event', event: { t: 12.5, kind: 'call', source: 'client', ok: true } },
    ]);
  });

  it('accepts the marker glued to the JSON and surrounded by spaces', () => {
    expect(parseLine('  @@EV{"t":1,"kind":"a"}  ')).toEqual([{ type: 'event', event: { t: 1, kind: 'a' } }]);
  });

  it('gives an event without t the time of now()', () => {
    expect(parseLine('@@EV {"kind":"error","message":"unknown scenario"}', () => 42)).toEqual([
      { type: 'event', event: { t: 42, kind: 'error', message: 'unknown scenario' } },
    ]);
    expect(parseLine('@@EV {"kind":"x"}')).toEqual([{ type: 'event', event: { t: 0, kind: 'x' } }]);
  });

  it('logs text before the marker, then the event', () => {
    expect(parseLine('~/lab $ @@EV {"t":3,"kind":"k"}')).toEqual([
      { type: 'log', text: '~/lab $' },
      { type: 'event', event: { t: 3, kind: 'k' } },
    ]);
  });

  it('does not take @@EVENT for the marker', () => {
    expect(parseLine('@@EVENT {"t":1,"kind":"a"}')).toEqual([{ type: 'log', text: '@@EVENT {"t":1,"kind":"a"}' }]);
  });

  it('ignores blank lines and lines that are only escape codes', () => {
    expect(parseLine('')).toEqual([]);
    expect(parseLine('   ')).toEqual([]);
    expect(parseLine('\x1b[2K\x1b[0m')).toEqual([]);
  });

  it.each([
    ['@@EV {"t":1,"kind":', 'malformed JSON after @@EV'],
    ['@@EV {t:1}', 'malformed JSON after @@EV'],
    ['@@EV', 'no JSON after @@EV'],
    ['@@EV [1,2]', '@@EV payload is an array, not an object'],
    ['@@EV 42', '@@EV payload is a number, not an object'],
    ['@@EV "kind"', '@@EV payload is a string, not an object'],
    ['@@EV null', '@@EV payload is null, not an object'],
    ['@@EV {"t":1}', '@@EV payload has no "kind" string'],
    ['@@EV {"t":1,"kind":""}', '@@EV payload has no "kind" string'],
    ['@@EV {"t":1,"kind":7}', '@@EV payload has no "kind" string'],
    ['@@EV {"t":"soon","kind":"a"}', '@@EV payload has a "t" that is not a finite number'],
  ])('reports %j as an error', (line, message) => {
    const items = parseLine(line);
    expect(items).toHaveLength(1);
    const [item] = items;
    expect(item?.type).toBe('error');
    if (item?.type !== 'error') return;
    expect(item.message.startsWith(message)).toBe(true);
    expect(item.line).toBe(line);
  });
});

describe('EvStreamParser', () => {
  const event = (t: number, kind: string, extra: Record<string, unknown> = {}): ParsedItem => ({
    type: 'event',
    event: { t, kind, ...extra },
  });

  it('reads events through SGR colours, erase-line and cursor moves, OSC titles and \\r\\n', () => {
    const output = [
      '\x1b]0;jsh\x07\x1b[2K\x1b[1G',
      '\x1b[32m@@EV {"t":1,"kind":"register","source":"inst-1"}\x1b[0m\r\n',
      '\x1b[2K\r@@EV {"t":2,"kind":"lease","source":"registry","ttl":5}\r\n',
      '\x1b]2;title\x1b\\@@EV {"t":3,"kind":"call","source":"client"}\r\n',
      'listening on 8081\r\n',
    ];
    expect(run(output)).toEqual([
      event(1, 'register', { source: 'inst-1' }),
      event(2, 'lease', { source: 'registry', ttl: 5 }),
      event(3, 'call', { source: 'client' }),
      { type: 'log', text: 'listening on 8081' },
    ]);
  });

  it('treats a bare \\r as a line end, and \\r\\n as one line end even across chunks', () => {
    expect(run(['@@EV {"t":1,"kind":"a"}\r@@EV {"t":2,"kind":"b"}\r'])).toEqual([event(1, 'a'), event(2, 'b')]);
    const parser = new EvStreamParser();
    expect(parser.push('@@EV {"t":1,"kind":"a"}\r')).toEqual([event(1, 'a')]);
    expect(parser.push('\n@@EV {"t":2,"kind":"b"}\r')).toEqual([event(2, 'b')]);
    expect(parser.push('\n')).toEqual([]);
    expect(parser.flush()).toEqual([]);
    expect(parser.stats()).toEqual({ events: 2, logs: 0, errors: 0 });
  });

  // Two events (one with a surrogate pair and an accent), a colour code and a log line: cut anywhere.
  const text =
    '\x1b[33m@@EV {"t":12.5,"kind":"call","source":"client","note":"héllo 😀 世界"}\x1b[0m\r\n' +
    'plain log line\r\n' +
    '@@EV {"t":13,"kind":"reply","source":"inst-2","n":[1,2]}\n';
  const expected: ParsedItem[] = [
    event(12.5, 'call', { source: 'client', note: 'héllo 😀 世界' }),
    { type: 'log', text: 'plain log line' },
    event(13, 'reply', { source: 'inst-2', n: [1, 2] }),
  ];

  it('gives the same items however the output is cut in two', () => {
    for (let i = 0; i <= text.length; i++) {
      expect(run([text.slice(0, i), text.slice(i)]), `cut at ${i}`).toEqual(expected);
    }
  });

  it('gives the same items however the output is cut in three', () => {
    for (let i = 0; i <= text.length; i += 3) {
      for (let j = i; j <= text.length; j += 2) {
        expect(run([text.slice(0, i), text.slice(i, j), text.slice(j)]), `cut at ${i} and ${j}`).toEqual(expected);
      }
    }
  });

  it('gives the same items when the output arrives one UTF-16 unit at a time', () => {
    expect(run([...text.split('')])).toEqual(expected);
  });

  it('reads many lines from one chunk', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `@@EV {"t":${i},"kind":"tick","i":${i}}\r\n`).join('');
    const items = run([lines]);
    expect(items).toHaveLength(500);
    expect(items[0]).toEqual(event(0, 'tick', { i: 0 }));
    expect(items[499]).toEqual(event(499, 'tick', { i: 499 }));
    expect(items.every((item, i) => item.type === 'event' && item.event['i'] === i)).toBe(true);
  });

  it('returns garbage lines as logs and skips blank ones', () => {
    const parser = new EvStreamParser();
    const items = run(['npm warn something\n', '\n\n', '   \r\n', 'EV {"kind":"x"}\n', '@@EV {"t":1,"kind":"a"}\n', 'Error: boom\n    at main (lab.mjs:1:1)\n'], parser);
    expect(items).toEqual([
      { type: 'log', text: 'npm warn something' },
      { type: 'log', text: 'EV {"kind":"x"}' },
      event(1, 'a'),
      { type: 'log', text: 'Error: boom' },
      { type: 'log', text: '    at main (lab.mjs:1:1)' },
    ]);
    expect(parser.stats()).toEqual({ events: 1, logs: 4, errors: 0 });
  });

  it('reports malformed JSON as an error and goes on', () => {
    const items = run(['@@EV {"t":1,"kind":"a"\n@@EV {"t":2,"kind":"b"}\n']);
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ type: 'error', line: '@@EV {"t":1,"kind":"a"' });
    expect(items[0]?.type === 'error' && items[0].message).toMatch(/^malformed JSON after @@EV: /);
    expect(items[1]).toEqual(event(2, 'b'));
  });

  it('reports JSON that is not an object, or has no kind, as errors', () => {
    const items = run(['@@EV [1]\n@@EV "x"\n@@EV {"t":1}\n']);
    expect(items.map((i) => (i.type === 'error' ? i.message : i.type))).toEqual([
      '@@EV payload is an array, not an object',
      '@@EV payload is a string, not an object',
      '@@EV payload has no "kind" string',
    ]);
  });

  it('drops a runaway line once it passes the cap, reports it once, and recovers at the next line', () => {
    const parser = new EvStreamParser({ maxLineLength: 1000 });
    const items: ParsedItem[] = [];
    items.push(...parser.push('@@EV {"t":1,"kind":"before"}\n'));
    for (let i = 0; i < 50; i++) items.push(...parser.push('x'.repeat(300)));
    items.push(...parser.push('still the same line\r\n@@EV {"t":2,"kind":"after"}\n'));
    items.push(...parser.flush());
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual(event(1, 'before'));
    expect(items[1]).toMatchObject({ type: 'error', message: 'line longer than 1000 characters dropped' });
    expect(items[1]?.type === 'error' && items[1].line.length).toBeLessThanOrEqual(301);
    expect(items[2]).toEqual(event(2, 'after'));
  });

  it('caps an unterminated line at 1 MiB by default', () => {
    const parser = new EvStreamParser();
    const chunk = 'y'.repeat(64 * 1024);
    const items: ParsedItem[] = [];
    for (let i = 0; i < 16; i++) items.push(...parser.push(chunk)); // exactly 1 MiB: still kept
    expect(items).toEqual([]);
    items.push(...parser.push('y'));
    expect(items).toEqual([{ type: 'error', line: `${'y'.repeat(300)}…`, message: 'line longer than 1048576 characters dropped' }]);
    for (let i = 0; i < 16; i++) expect(parser.push(chunk)).toEqual([]);
    expect(parser.flush()).toEqual([]); // the dropped line does not come back at the end
  });

  it('flushes a last line that has no line break, once', () => {
    const parser = new EvStreamParser();
    expect(parser.push('@@EV {"t":9,"kind":"result","summary":{"ok":1}}')).toEqual([]);
    expect(parser.flush()).toEqual([event(9, 'result', { summary: { ok: 1 } })]);
    expect(parser.flush()).toEqual([]);
    expect(run(['last words'])).toEqual([{ type: 'log', text: 'last words' }]);
  });

  it('uses its now() for events without t', () => {
    const parser = new EvStreamParser({ now: () => 77 });
    expect(run(['@@EV {"kind":"process-note"}\n'], parser)).toEqual([event(77, 'process-note')]);
  });
});
